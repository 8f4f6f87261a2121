#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_kubelet_resource();

namespace mpf::sources::kubelet_resource {
namespace {

using ::testing::HasSubstr;

ConfigValue static_nodes() {
  ConfigValue node = ConfigValue::map();
  node.set("name", ConfigValue::scalar("n1"));
  node.set("address", ConfigValue::scalar("127.0.0.1"));
  ConfigValue labels = ConfigValue::map();
  labels.set("role", ConfigValue::scalar("worker"));
  node.set("labels", labels);
  ConfigValue list = ConfigValue::list();
  list.push_back(node);
  return list;
}

Status create(const ConfigValue& options) {
  test::TestContext ctx;
  return mpf_builtin_plugin_kubelet_resource().create_source(options, "sources[0].options", ctx).status();
}

TEST(KubeletResourceConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  test::expect_config_yaml_matches(mpf_builtin_plugin_kubelet_resource(),
                                   std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sources/kubelet_resource/config.yaml");
}

TEST(KubeletResourceConfigTest, CreatesWithStaticNodes) {
  ConfigValue options = ConfigValue::map();
  options.set("nodes", static_nodes());
  options.set("insecure_tls", ConfigValue::scalar("true"));
  options.set("node_selector", ConfigValue::scalar("role=worker"));
  Status st = create(options);
  EXPECT_TRUE(st.is_ok()) << st.message();
}

TEST(KubeletResourceConfigTest, RefusesBadConfigWithTheOptionsName) {
  ConfigValue options = ConfigValue::map();
  options.set("nodes", static_nodes());
  options.set("ca_file", ConfigValue::scalar("/x/ca.crt"));
  options.set("insecure_tls", ConfigValue::scalar("true"));
  EXPECT_THAT(create(options).message(), HasSubstr("ca_file and insecure_tls"));

  ConfigValue selector = ConfigValue::map();
  selector.set("nodes", static_nodes());
  selector.set("node_selector", ConfigValue::scalar("role in (a"));
  EXPECT_THAT(create(selector).message(), HasSubstr("node_selector: unable to parse requirement"));

  ConfigValue missing_ca = ConfigValue::map();
  missing_ca.set("nodes", static_nodes());
  missing_ca.set("ca_file", ConfigValue::scalar("/nonexistent/ca.crt"));
  EXPECT_THAT(create(missing_ca).message(), HasSubstr("/nonexistent/ca.crt"));

  // Without static nodes the source asks the host for its cluster view; this test host has none.
  EXPECT_THAT(create(ConfigValue::map()).message(), HasSubstr("node discovery (no static nodes given)"));
}

}  // namespace
}  // namespace mpf::sources::kubelet_resource
