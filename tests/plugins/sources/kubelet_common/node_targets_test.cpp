#include "kubelet_common/node_targets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mpf::sources::kubelet {
namespace {

using ::testing::HasSubstr;

ConfigValue s(const char* text) { return ConfigValue::scalar(text); }

ConfigValue node(std::initializer_list<std::pair<const char*, ConfigValue>> entries) {
  ConfigValue m = ConfigValue::map();
  for (const auto& [k, v] : entries) m.set(k, v);
  return m;
}

const std::vector<std::string> kDefaultTypes{"Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"};
const std::vector<std::string> kManifestTypes{"InternalIP", "ExternalIP", "Hostname"};

TEST(StaticNodesTest, ParsesTheShortAndTheLongForm) {
  ConfigValue addresses = ConfigValue::list();
  addresses.push_back(node({{"type", s("ExternalIP")}, {"address", s("203.0.113.7")}}));
  addresses.push_back(node({{"type", s("Hostname")}, {"address", s("n2.example")}}));
  ConfigValue labels = node({{"zone", s("a")}});
  ConfigValue list = ConfigValue::list();
  list.push_back(node({{"name", s("n1")}, {"address", s("10.0.0.1")}, {"port", s("10255")}, {"labels", labels}}));
  list.push_back(node({{"name", s("n2")}, {"addresses", addresses}, {"path", s("/custom")}}));
  list.push_back(node({{"name", s("n3")}, {"address", s("fd00::3")}}));
  auto nodes = parse_static_nodes(list, "nodes");
  ASSERT_TRUE(nodes.is_ok()) << nodes.status().message();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].addresses[0].type, "InternalIP");  // an IP literal
  EXPECT_EQ((*nodes)[0].kubelet_port, 10255);
  EXPECT_EQ((*nodes)[0].labels, (Labels{{"zone", "a"}}));
  EXPECT_EQ((*nodes)[1].addresses.size(), 2u);
  EXPECT_EQ((*nodes)[1].metrics_path, "/custom");
  EXPECT_EQ((*nodes)[2].addresses[0].type, "InternalIP");
}

TEST(StaticNodesTest, ReportsEveryProblemWithItsPath) {
  ConfigValue list = ConfigValue::list();
  list.push_back(node({{"address", s("10.0.0.1")}}));
  list.push_back(node({{"name", s("n2")}, {"port", s("99999")}, {"colour", s("red")}}));
  list.push_back(s("n3"));
  list.push_back(node({{"name", s("n4")}, {"address", s("x")}, {"path", s("relative")}}));
  list.push_back(node({{"name", s("n4")}, {"address", s("y")}}));
  auto nodes = parse_static_nodes(list, "sources[0].options.nodes");
  ASSERT_FALSE(nodes.is_ok());
  const std::string m = nodes.status().message();
  EXPECT_THAT(m, HasSubstr("sources[0].options.nodes[0].name: required"));
  EXPECT_THAT(m, HasSubstr("sources[0].options.nodes[1].port: expected a port between 1 and 65535"));
  EXPECT_THAT(m, HasSubstr("sources[0].options.nodes[1].colour: unknown key"));
  EXPECT_THAT(m, HasSubstr("sources[0].options.nodes[1]: needs address or addresses"));
  EXPECT_THAT(m, HasSubstr("sources[0].options.nodes[2]: expected a map"));
  EXPECT_THAT(m, HasSubstr("sources[0].options.nodes[3].path: must start with /"));
  EXPECT_THAT(m, HasSubstr("node \"n4\" is listed twice"));
}

TEST(StaticNodesTest, NullMeansNoNodes) {
  auto nodes = parse_static_nodes(ConfigValue(), "nodes");
  ASSERT_TRUE(nodes.is_ok());
  EXPECT_TRUE(nodes->empty());
  EXPECT_FALSE(parse_static_nodes(s("n1"), "nodes").is_ok());
}

TEST(ChooseAddressTest, ScansTypesInPriorityOrderThenAddressesInOrder) {
  NodeInfo n;
  n.name = "n";
  n.addresses = {{"Hostname", "n.local"}, {"InternalIP", "10.0.0.2"}, {"InternalIP", "10.0.0.3"},
                 {"ExternalIP", "203.0.113.1"}};
  EXPECT_EQ(*choose_address(n, kDefaultTypes), "n.local");    // metrics-server's code default
  EXPECT_EQ(*choose_address(n, kManifestTypes), "10.0.0.2");  // the shipped manifests' order
  EXPECT_EQ(*choose_address(n, {"ExternalIP"}), "203.0.113.1");
  auto none = choose_address(n, {"InternalDNS", "ExternalDNS"});
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().message(), "no address matched types [InternalDNS ExternalDNS]");
}

TEST(NodeTargetTest, PortAndPathFollowTheNodeWhenAsked) {
  NodeInfo n;
  n.name = "n";
  n.addresses = {{"InternalIP", "fd00::5"}};
  n.kubelet_port = 10255;
  auto plain = node_target(n, kManifestTypes, 10250, false, "/metrics/resource");
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(plain->name, "n");
  EXPECT_EQ(plain->address, "fd00::5");  // unbracketed; the HTTP engine brackets the Host header
  EXPECT_EQ(plain->attributes.at("port"), "10250");
  EXPECT_EQ(plain->attributes.at("path"), "/metrics/resource");
  n.metrics_path = "/metrics/resource/v2";
  auto status_port = node_target(n, kManifestTypes, 10250, true, "/metrics/resource");
  EXPECT_EQ(status_port->attributes.at("port"), "10255");
  EXPECT_EQ(status_port->attributes.at("path"), "/metrics/resource/v2");
  n.kubelet_port = 0;  // a node reporting no port keeps the flag's
  EXPECT_EQ(node_target(n, kManifestTypes, 10250, true, "/p")->attributes.at("port"), "10250");
}

}  // namespace
}  // namespace mpf::sources::kubelet
