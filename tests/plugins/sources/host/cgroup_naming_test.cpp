#include "cgroup_naming.h"

#include <gtest/gtest.h>

#include <string>

namespace mpf::sources::host {
namespace {

const std::string kId(64, 'a');

TEST(CgroupNamingTest, SanitizeFollowsKubernetesNameRules) {
  EXPECT_EQ(sanitize_name("User@1000_X"), "user-1000-x");
  EXPECT_EQ(sanitize_name("web-7d4b9c.v2"), "web-7d4b9c.v2");
  EXPECT_EQ(sanitize_name("Redis_Cache"), "redis-cache");
  EXPECT_EQ(sanitize_name(std::string(300, 'a')).size(), 253u);
  EXPECT_EQ(sanitize_name("\xc3\xa9"), "--");  // bytes outside ASCII each become '-'
}

TEST(CgroupNamingTest, ContainerIdsAndShortIds) {
  EXPECT_TRUE(is_container_id(kId));
  EXPECT_FALSE(is_container_id(std::string(63, 'a')));
  EXPECT_FALSE(is_container_id(std::string(64, 'g')));
  EXPECT_FALSE(is_container_id(std::string(64, 'A')));
  EXPECT_EQ(short_id(kId), std::string(12, 'a'));
  EXPECT_EQ(short_id("abc"), "abc");
}

TEST(CgroupNamingTest, PodUidFromCgroupfsAndSystemdNames) {
  EXPECT_EQ(pod_uid_of("pod3c2b1a09-8f7e-4d6c-b5a4-938271605f4e"), "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e");
  EXPECT_EQ(pod_uid_of("kubepods-burstable-pod8d3b6a2e_5f1c_4c1e_9b7a_2f0d4e6c8a11.slice"),
            "8d3b6a2e-5f1c-4c1e-9b7a-2f0d4e6c8a11");
  EXPECT_EQ(pod_uid_of("kubepods-besteffort-pod0f9e8d7c_6b5a_4938_8271_605f4e3d2c1b.slice"),
            "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b");
  EXPECT_EQ(pod_uid_of("kubepods-pod77aa88bb_99cc_4dde_8eff_001122334455.slice"),
            "77aa88bb-99cc-4dde-8eff-001122334455");
  EXPECT_FALSE(pod_uid_of("kubepods-burstable.slice"));
  EXPECT_FALSE(pod_uid_of("podman.service"));
  EXPECT_FALSE(pod_uid_of("pod"));
  EXPECT_FALSE(pod_uid_of("kubepods-other-pod0f9e8d7c.slice"));
}

TEST(CgroupNamingTest, KubepodsDirectories) {
  EXPECT_TRUE(is_kubepods_dir("kubepods", false));
  EXPECT_TRUE(is_kubepods_dir("kubepods.slice", false));
  EXPECT_TRUE(is_kubepods_dir("kubepods-burstable.slice", true));
  EXPECT_TRUE(is_kubepods_dir("besteffort", true));
  EXPECT_FALSE(is_kubepods_dir("besteffort", false));  // only inside kubepods
}

TEST(CgroupNamingTest, PodChildren) {
  const std::string name = "cri-containerd-" + kId + ".scope";  // the result views into it
  PodChild c = pod_child_of(name);
  EXPECT_EQ(c.id, kId);
  EXPECT_TRUE(c.has_id);
  EXPECT_EQ(pod_child_of("crio-" + kId + ".scope").id, kId);
  EXPECT_EQ(pod_child_of("docker-" + kId + ".scope").id, kId);
  EXPECT_EQ(pod_child_of(kId).id, kId);
  EXPECT_TRUE(pod_child_of("crio-conmon-" + kId + ".scope").ignore);
  PodChild other = pod_child_of("custom");
  EXPECT_EQ(other.id, "custom");
  EXPECT_FALSE(other.has_id);
  EXPECT_FALSE(pod_child_of("cri-containerd-abc.scope").has_id);  // not a full id: named after the dir
}

TEST(CgroupNamingTest, RuntimeContainers) {
  auto docker = runtime_container_of("docker-" + kId + ".scope", "/system.slice");
  ASSERT_TRUE(docker);
  EXPECT_EQ(docker->namespace_name, "docker");
  EXPECT_TRUE(docker->docker);
  auto cgroupfs = runtime_container_of(kId, "/docker");
  ASSERT_TRUE(cgroupfs);
  EXPECT_EQ(cgroupfs->id, kId);
  EXPECT_FALSE(runtime_container_of(kId, "/elsewhere"));
  EXPECT_EQ(runtime_container_of("libpod-" + kId + ".scope", "/machine.slice")->namespace_name, "podman");
  EXPECT_EQ(runtime_container_of("nerdctl-" + kId + ".scope", "/system.slice")->namespace_name, "containerd");
  EXPECT_FALSE(runtime_container_of("libpod-conmon-" + kId + ".scope", "/machine.slice"));
  EXPECT_TRUE(is_runtime_monitor("libpod-conmon-" + kId + ".scope"));
}

TEST(CgroupNamingTest, SlicesUnitsAndLeafNamespaces) {
  EXPECT_EQ(slice_name_of("system.slice"), "system");
  EXPECT_EQ(slice_name_of("user-1000.slice"), "user-1000");
  EXPECT_FALSE(slice_name_of(".slice"));
  EXPECT_FALSE(slice_name_of("ssh.service"));
  EXPECT_EQ(unit_name_of("ssh.service"), "ssh");
  EXPECT_EQ(unit_name_of("session-2.scope"), "session-2");
  EXPECT_FALSE(unit_name_of("system.slice"));
  EXPECT_EQ(leaf_namespace_of(""), "host");
  EXPECT_EQ(leaf_namespace_of("/process_api"), "process-api");
  EXPECT_EQ(leaf_namespace_of("/a/B"), "a.b");
}

}  // namespace
}  // namespace mpf::sources::host
