#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "debug_sink.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_debug();

namespace mpf::sinks::debug {
namespace {

using ::testing::HasSubstr;

ConfigValue options(std::initializer_list<std::pair<const char*, const char*>> entries) {
  ConfigValue map = ConfigValue::map();
  for (const auto& [k, v] : entries) map.set(k, ConfigValue::scalar(v));
  return map;
}

TEST(DebugSinkConfigTest, DescriptorIsASink) {
  const PluginDescriptor& d = mpf_builtin_plugin_debug();
  EXPECT_STREQ(d.name, "debug");
  EXPECT_EQ(d.kind, PluginKind::kSink);
  EXPECT_NE(d.create_sink, nullptr);
}

TEST(DebugSinkConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  test::expect_config_yaml_matches(mpf_builtin_plugin_debug(),
                                   std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sinks/debug/config.yaml");
}

TEST(DebugSinkConfigTest, CreatesFromDefaultsAndFromOptions) {
  test::TestContext ctx;
  EXPECT_TRUE(mpf_builtin_plugin_debug().create_sink(ConfigValue(), "sinks[0].options", ctx).is_ok());
  EXPECT_TRUE(mpf_builtin_plugin_debug()
                  .create_sink(options({{"verbosity", "detailed"}, {"output", "stdout"}}), "sinks[0].options", ctx)
                  .is_ok());
}

TEST(DebugSinkConfigTest, RejectsBadConfig) {
  test::TestContext ctx;
  auto unknown = mpf_builtin_plugin_debug().create_sink(options({{"verbose", "x"}}), "sinks[0].options", ctx);
  EXPECT_THAT(unknown.status().message(), HasSubstr("sinks[0].options.verbose: unknown option"));
  auto bad_value = mpf_builtin_plugin_debug().create_sink(options({{"verbosity", "loud"}}), "sinks[0].options", ctx);
  EXPECT_THAT(bad_value.status().message(), HasSubstr("must be \"basic\" or \"detailed\""));
  auto bad_output = mpf_builtin_plugin_debug().create_sink(options({{"output", "file"}}), "sinks[0].options", ctx);
  EXPECT_THAT(bad_output.status().message(), HasSubstr("must be \"log\" or \"stdout\""));
}

TEST(DebugSinkTest, LogsOneSummaryPerSnapshot) {
  test::TestContext ctx;
  DebugSink sink(DebugSinkConfig{}, ctx);
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->cycle = 4;
  ASSERT_TRUE(sink.consume(snapshot, std::chrono::steady_clock::now()).is_ok());
  auto events = ctx.test_logger().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "Snapshot");
  EXPECT_THAT(events[0].field("summary"), HasSubstr("cycle=4 targets=0"));
}

TEST(DebugSinkTest, DetailedAddsALinePerNode) {
  test::TestContext ctx;
  DebugSinkConfig config;
  config.verbosity = "detailed";
  DebugSink sink(config, ctx);
  auto snapshot = std::make_shared<Snapshot>();
  NodeMetrics node;
  node.name = snapshot->names.intern("n1");
  snapshot->nodes.push_back(node);
  ASSERT_TRUE(sink.consume(snapshot, std::chrono::steady_clock::now()).is_ok());
  auto events = ctx.test_logger().events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_THAT(events[1].field("summary"), HasSubstr("node=n1"));
}

}  // namespace
}  // namespace mpf::sinks::debug
