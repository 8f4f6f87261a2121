#include "core/registry/abi_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mpf::core {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

MpfPluginAbiInfo info(std::uint32_t abi, const char* toolchain) {
  return MpfPluginAbiInfo{sizeof(MpfPluginAbiInfo), abi, toolchain, "p", "1.0", "sink"};
}

TEST(AbiCheckTest, AcceptsTheHostsOwnVersionAndToolchain) {
  EXPECT_TRUE(check_plugin_abi(info(MPF_SDK_ABI_VERSION, MPF_SDK_TOOLCHAIN_TAG), "x.so").is_ok());
}

TEST(AbiCheckTest, RefusesOlderAndNewerAbiVersions) {
  for (std::uint32_t abi : {0u, static_cast<std::uint32_t>(MPF_SDK_ABI_VERSION + 1)}) {
    Status st = check_plugin_abi(info(abi, MPF_SDK_TOOLCHAIN_TAG), "x.so");
    EXPECT_FALSE(st.is_ok());
    EXPECT_THAT(st.message(), AllOf(HasSubstr("version " + std::to_string(abi)), HasSubstr("x.so")));
  }
}

TEST(AbiCheckTest, RefusesATruncatedInfoStruct) {
  MpfPluginAbiInfo small = info(MPF_SDK_ABI_VERSION, MPF_SDK_TOOLCHAIN_TAG);
  small.struct_size = 8;
  EXPECT_THAT(check_plugin_abi(small, "x.so").message(), HasSubstr("8 bytes"));
}

TEST(AbiCheckTest, RefusesAToolchainMismatchAndNullStrings) {
  EXPECT_THAT(check_plugin_abi(info(MPF_SDK_ABI_VERSION, "clang-99/libc++-1/c++20"), "x.so").message(),
              HasSubstr("clang-99/libc++-1/c++20"));
  EXPECT_THAT(check_plugin_abi(info(MPF_SDK_ABI_VERSION, nullptr), "x.so").message(), HasSubstr("<unknown>"));
}

TEST(AbiCheckTest, DescriptorNeedsTheFactoryOfItsKind) {
  static const std::vector<OptionSpec> no_options;
  PluginDescriptor d;
  d.kind = PluginKind::kSink;
  d.name = "s";
  d.options = &no_options;
  EXPECT_THAT(check_descriptor(d, "x.so").message(), HasSubstr("has no sink factory"));
  d.create_sink = [](const ConfigValue&, std::string_view, PluginContext&) noexcept -> Result<SinkPtr> {
    return Status::permanent("unused");
  };
  EXPECT_TRUE(check_descriptor(d, "x.so").is_ok());
  d.name = "";
  EXPECT_THAT(check_descriptor(d, "x.so").message(), HasSubstr("no name"));
}

}  // namespace
}  // namespace mpf::core
