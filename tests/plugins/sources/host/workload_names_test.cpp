#include "workload_names.h"

#include <gtest/gtest.h>

#include "host_test_util.h"

namespace mpf::sources::host {
namespace {

const std::string kId(64, 'a');

using test::repeat;

TEST(WorkloadNamesTest, PodLogDir) {
  auto pod = parse_pod_log_dir("kube-system_coredns-5d78c9869d-x7k2p_3c2b1a09-8f7e-4d6c-b5a4-938271605f4e");
  ASSERT_TRUE(pod);
  EXPECT_EQ(pod->namespace_name, "kube-system");
  EXPECT_EQ(pod->pod_name, "coredns-5d78c9869d-x7k2p");
  EXPECT_EQ(pod->uid, "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e");
  EXPECT_FALSE(parse_pod_log_dir("a_b"));
  EXPECT_FALSE(parse_pod_log_dir("a_b_c_d"));
  EXPECT_FALSE(parse_pod_log_dir("a__c"));
}

TEST(WorkloadNamesTest, ContainerLogFile) {
  auto c = parse_container_log_file("web-7d4b9c_default_nginx-sidecar-" + kId + ".log");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->pod_name, "web-7d4b9c");
  EXPECT_EQ(c->namespace_name, "default");
  EXPECT_EQ(c->container_name, "nginx-sidecar");
  EXPECT_EQ(c->id, kId);
  EXPECT_FALSE(parse_container_log_file("web_default_nginx-" + kId));           // no .log
  EXPECT_FALSE(parse_container_log_file("web_default_nginx-abc.log"));          // not an id
  EXPECT_FALSE(parse_container_log_file("web_default_-" + kId + ".log"));       // no container name
  EXPECT_FALSE(parse_container_log_file("default_nginx-" + kId + ".log"));      // two parts
}

TEST(WorkloadNamesTest, DockerNameFromConfig) {
  EXPECT_EQ(docker_name_from_config(R"({"Config":{"Labels":{"Name":"no"}},"Name":"/registry"})"), "registry");
  EXPECT_FALSE(docker_name_from_config(R"({"Name":42})"));
  EXPECT_FALSE(docker_name_from_config(R"({"Name":"/"})"));
  EXPECT_FALSE(docker_name_from_config(R"(["Name"])"));
  EXPECT_FALSE(docker_name_from_config("{\"Name\":"));
  EXPECT_FALSE(docker_name_from_config(""));
  EXPECT_EQ(docker_name_from_config(R"( {"Path":"\"Name\":\"x\"","Args":["Name"],"Name" : "/a\/b"})"), "a/b");
  EXPECT_FALSE(docker_name_from_config(R"({"Name":"/unterminated)"));
}

TEST(WorkloadNamesTest, LoadsTheFixtureLogDirectories) {
  const std::string tree = test::fixture_tree("v2-systemd-kubepods");
  WorkloadNames names = WorkloadNames::load(tree + "/var/log/pods", tree + "/var/log/containers",
                                            tree + "/var/lib/docker/containers");
  const PodLogDir* pod = names.pod("8d3b6a2e-5f1c-4c1e-9b7a-2f0d4e6c8a11");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->pod_name, "web-7d4b9c");
  EXPECT_TRUE(names.pod_has_container_logs("default", "web-7d4b9c"));
  EXPECT_FALSE(names.pod_has_container_logs("default", "other"));
  const ContainerLogFile* c = names.container(repeat("a1", 32));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->container_name, "nginx");
  EXPECT_EQ(names.docker_name(repeat("e5", 32)), "registry");
  EXPECT_FALSE(names.docker_name(kId));
  EXPECT_EQ(WorkloadNames::load("/nonexistent", "/nonexistent", "").pod("x"), nullptr);
}

}  // namespace
}  // namespace mpf::sources::host
