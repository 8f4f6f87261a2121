// Every in-tree plugin, loaded from its shared-object build, must keep the plugin contract: it loads
// through the ABI handshake, its descriptor is complete, its declared defaults pass its own type checks,
// it can be created from defaults or refuses cleanly with a configuration error, and it refuses an
// unknown option with the option's path. New plugin folders are checked without editing this file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/registry/plugin_registry.h"
#include "tests/test_common/test_context.h"

namespace mpf::core {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> plugin_modules() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(MPF_PLUGIN_MODULE_DIR, ec)) {
    if (entry.path().extension() == ".so") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class PluginConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PluginConformanceTest, KeepsThePluginContract) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(GetParam()).is_ok());
  auto plugins = registry.plugins();
  ASSERT_EQ(plugins.size(), 1u);
  const PluginDescriptor& d = *plugins[0]->descriptor;
  SCOPED_TRACE(d.name);
  EXPECT_NE(std::string_view(d.version), "");
  EXPECT_NE(std::string_view(d.description), "");

  std::set<std::string> names;
  bool any_required = false;
  for (const OptionSpec& spec : *d.options) {
    EXPECT_TRUE(names.insert(spec.name).second) << "option declared twice: " << spec.name;
    EXPECT_FALSE(spec.description.empty()) << "option without description: " << spec.name;
    if (!spec.default_value.is_null() && !spec.required) {
      EXPECT_TRUE(check_option_value(spec, spec.default_value, spec.name).is_ok())
          << "default of " << spec.name << " fails its own type";
    }
    any_required = any_required || spec.required;
  }

  test::TestContext ctx;
  ConfigValue defaults = ConfigValue::map();
  auto create = [&](const ConfigValue& options) -> Status {
    switch (d.kind) {
      case PluginKind::kSource: return registry.create_source(d.name, options, "x.options", ctx).status();
      case PluginKind::kProcessor: return registry.create_processor(d.name, options, "x.options", ctx).status();
      case PluginKind::kSink: return registry.create_sink(d.name, options, "x.options", ctx).status();
    }
    return Status::permanent("unknown kind");
  };
  // From defaults a plugin either starts, or refuses cleanly with a configuration error (a required
  // option, or something it cannot do without, like a source with nothing to scrape).
  Status from_defaults = create(defaults);
  if (any_required) {
    EXPECT_THAT(from_defaults.message(), HasSubstr("required option"));
  } else if (!from_defaults.is_ok()) {
    EXPECT_EQ(from_defaults.code(), StatusCode::kInvalidArgument) << from_defaults.message();
    EXPECT_FALSE(from_defaults.message().empty());
  }
  ConfigValue unknown = ConfigValue::map();
  unknown.set("definitely_not_an_option", ConfigValue::scalar("1"));
  EXPECT_THAT(create(unknown).message(), HasSubstr("x.options.definitely_not_an_option: unknown option"));
}

INSTANTIATE_TEST_SUITE_P(InTreePlugins, PluginConformanceTest, ::testing::ValuesIn(plugin_modules()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return std::filesystem::path(info.param).stem().string();
                         });

TEST(PluginConformanceSetupTest, EveryInTreePluginHasASharedObjectBuild) {
  EXPECT_FALSE(plugin_modules().empty()) << "no plugin modules in " << MPF_PLUGIN_MODULE_DIR;
}

}  // namespace
}  // namespace mpf::core
