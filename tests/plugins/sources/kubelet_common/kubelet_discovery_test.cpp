// Kubelet sources without static nodes: targets come from the host's cluster view at every cycle,
// filtered by node_selector, with the port from the node's status and the path from its annotation;
// kubelets get the API server identity unless the kubelet options replace it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "mpf/sdk/plugin.h"
#include "tests/test_common/fake_cluster_view.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_kubelet_resource();

namespace mpf::sources::kubelet {
namespace {

using ::testing::ElementsAre;

// Replaces the view's nodes, as watch events would.
void set_nodes(test::FakeClusterView& view, std::vector<ClusterNode> nodes) {
  ClusterSnapshot snapshot;
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& node : nodes) snapshot.nodes.push_back(std::make_shared<const ClusterNode>(std::move(node)));
  view.set(std::move(snapshot));
}

ClusterNode node(std::string name, std::string ip, Labels labels = {}, int port = 0, std::string path = {}) {
  ClusterNode n;
  n.name = std::move(name);
  n.addresses = {{"Hostname", n.name}, {"InternalIP", std::move(ip)}};
  n.labels = std::move(labels);
  n.kubelet_port = port;
  n.metrics_path = std::move(path);
  n.ready = true;
  return n;
}

Result<SourcePtr> create(test::TestContext& context, ConfigValue options) {
  return mpf_builtin_plugin_kubelet_resource().create_source(options, "options", context);
}

std::vector<std::string> target_names(Source& source) {
  std::vector<Target> targets;
  EXPECT_TRUE(source.list_targets(targets).is_ok());
  std::vector<std::string> names;
  for (const auto& t : targets) names.push_back(t.name + "@" + t.address + ":" + t.attributes.at("port") + t.attributes.at("path"));
  return names;
}

TEST(KubeletDiscoveryTest, TargetsFollowTheClusterViewAndTheSelector) {
  test::TestContext context;
  auto view = std::make_shared<test::FakeClusterView>();
  set_nodes(*view, {node("a", "10.0.0.1", {{"pool", "general"}}, 10255),
                   node("b", "10.0.0.2", {{"pool", "batch"}}),
                   node("c", "fd00::3", {}, 0, "/metrics/resource/custom")});
  context.set_cluster_view(view);
  ConfigValue options = ConfigValue::map();
  options.set("kubeconfig", ConfigValue::scalar("/etc/kubeconfig"));
  options.set("node_selector", ConfigValue::scalar("pool!=batch"));
  options.set("use_node_status_port", ConfigValue::scalar("true"));
  ConfigValue types = ConfigValue::list();
  types.push_back(ConfigValue::scalar("InternalIP"));
  options.set("preferred_address_types", types);
  auto source = create(context, options);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  ASSERT_TRUE(context.asked_view().has_value());
  EXPECT_EQ(context.asked_view()->kubeconfig, "/etc/kubeconfig");
  EXPECT_FALSE(context.asked_view()->pods);  // kubelet sources need nodes only
  ASSERT_TRUE((*source)->start().is_ok());

  // "b" is in the batch pool; "c" (no label) passes `pool!=batch`; a's port is its status port.
  EXPECT_THAT(target_names(**source),
              ElementsAre("a@10.0.0.1:10255/metrics/resource", "c@fd00::3:10250/metrics/resource/custom"));

  // Nodes come and go between cycles without a restart.
  set_nodes(*view, {node("c", "fd00::3"), node("d", "10.0.0.4", {{"pool", "general"}})});
  EXPECT_THAT(target_names(**source),
              ElementsAre("c@fd00::3:10250/metrics/resource", "d@10.0.0.4:10250/metrics/resource"));
}

TEST(KubeletDiscoveryTest, WithoutAViewTheSourceExplainsWhy) {
  test::TestContext context;
  auto source = create(context, ConfigValue::map());
  ASSERT_FALSE(source.is_ok());
  EXPECT_THAT(source.status().message(), ::testing::HasSubstr("node discovery (no static nodes given)"));
}

TEST(KubeletDiscoveryTest, StaticNodesNeverAskForAView) {
  test::TestContext context;
  context.set_cluster_view(std::make_shared<test::FakeClusterView>());
  ConfigValue nodes = ConfigValue::list();
  ConfigValue n = ConfigValue::map();
  n.set("name", ConfigValue::scalar("static-1"));
  n.set("address", ConfigValue::scalar("127.0.0.1"));
  nodes.push_back(n);
  ConfigValue options = ConfigValue::map();
  options.set("nodes", nodes);
  auto source = create(context, options);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  EXPECT_FALSE(context.asked_view().has_value());
  EXPECT_THAT(target_names(**source), ElementsAre("static-1@127.0.0.1:10250/metrics/resource"));
}

}  // namespace
}  // namespace mpf::sources::kubelet
