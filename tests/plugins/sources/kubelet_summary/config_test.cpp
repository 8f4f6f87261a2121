#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_kubelet_summary();

namespace mpf::sources::kubelet_summary {
namespace {

using ::testing::HasSubstr;

TEST(KubeletSummaryConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  test::expect_config_yaml_matches(mpf_builtin_plugin_kubelet_summary(),
                                   std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sources/kubelet_summary/config.yaml");
}

TEST(KubeletSummaryConfigTest, CreatesWithStaticNodesAndRefusesBadOptions) {
  test::TestContext ctx;
  ConfigValue node = ConfigValue::map();
  node.set("name", ConfigValue::scalar("n1"));
  node.set("address", ConfigValue::scalar("127.0.0.1"));
  ConfigValue nodes = ConfigValue::list();
  nodes.push_back(node);
  ConfigValue options = ConfigValue::map();
  options.set("nodes", nodes);
  options.set("use_usage_nano_cores", ConfigValue::scalar("true"));
  options.set("plain_http", ConfigValue::scalar("true"));
  auto made = mpf_builtin_plugin_kubelet_summary().create_source(options, "sources[0].options", ctx);
  EXPECT_TRUE(made.is_ok()) << made.status().message();

  options.set("insecure_tls", ConfigValue::scalar("true"));
  auto refused = mpf_builtin_plugin_kubelet_summary().create_source(options, "sources[0].options", ctx);
  EXPECT_THAT(refused.status().message(), HasSubstr("plain_http cannot be combined"));
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
