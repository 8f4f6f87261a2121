// The SDK version macros; header self-containment is checked at build time (tests/CMakeLists.txt).
#include "mpf/sdk/plugin.h"
#include "mpf/sdk/version.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mpf {
namespace {

TEST(SdkVersionTest, ToolchainTagNamesCompilerStdlibAndStandard) {
  std::string tag = MPF_SDK_TOOLCHAIN_TAG;
  EXPECT_EQ(std::count(tag.begin(), tag.end(), '/'), 2) << tag;
  EXPECT_NE(tag.find("c++20"), std::string::npos) << tag;
  EXPECT_EQ(tag.find("unknown"), std::string::npos) << tag;
  EXPECT_EQ(std::string(MPF_PLUGIN_ENTRY_SYMBOL), "mpf_plugin_v" + std::to_string(MPF_SDK_ABI_VERSION));
}

}  // namespace
}  // namespace mpf
