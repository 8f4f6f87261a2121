#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics_api/metrics_api_config.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_metrics_api();

namespace mpf::api::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsApiConfigTest, DescriptorIsASink) {
  const PluginDescriptor& d = mpf_builtin_plugin_metrics_api();
  EXPECT_STREQ(d.name, "metrics_api");
  EXPECT_EQ(d.kind, PluginKind::kSink);
}

TEST(MetricsApiConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  test::expect_config_yaml_matches(mpf_builtin_plugin_metrics_api(),
                                   std::string(MPF_TEST_SOURCE_DIR) + "/plugins/api/metrics_api/config.yaml");
}

TEST(MetricsApiConfigTest, RejectsBadConfig) {
  test::TestContext ctx;
  ConfigValue bad_version = ConfigValue::map();
  bad_version.set("preferred_version", ConfigValue::scalar("v2"));
  EXPECT_THAT(mpf_builtin_plugin_metrics_api().create_sink(bad_version, "sinks[0].options", ctx).status().message(),
              HasSubstr("preferred_version: must be"));
  ConfigValue bad_selector = ConfigValue::map();
  bad_selector.set("node_selector", ConfigValue::scalar("a b"));
  EXPECT_THAT(mpf_builtin_plugin_metrics_api().create_sink(bad_selector, "sinks[0].options", ctx).status().message(),
              HasSubstr("node_selector: unable to parse requirement"));
}

TEST(MetricsApiConfigTest, NeedsAClusterView) {
  test::TestContext ctx;  // no view set
  EXPECT_FALSE(mpf_builtin_plugin_metrics_api().create_sink(ConfigValue(), "sinks[0].options", ctx).is_ok());
}

TEST(MetricsApiConfigTest, AuthOptionsAreDetected) {
  MetricsApiConfig config;
  EXPECT_FALSE(sets_auth_options(config));
  config.client_ca_file = "/ca.crt";
  EXPECT_TRUE(sets_auth_options(config));
}

}  // namespace
}  // namespace mpf::api::metrics
