#include "cgroup_walk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cgroup_stats.h"
#include "host_test_util.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::sources::host {
namespace {

using Named = std::tuple<std::string, std::string, std::string, std::string>;  // kind+path, ns, pod, container

std::vector<Named> walk(const std::string& cgroup_root, const WorkloadNames& names = {}) {
  std::vector<Named> out;
  for (const WorkloadCgroup& c : walk_cgroups(detect_cgroup_layout(cgroup_root), names, test::no_deadline()).cgroups) {
    out.emplace_back((c.kind == WorkloadCgroup::Kind::kPod ? "pod " : "") + c.path, c.namespace_name, c.pod_name,
                     c.container_name);
  }
  return out;
}

TEST(CgroupWalkTest, RecordedMachineLeavesArePodsOfTheirParentPath) {
  const std::string root = test::fixture_tree("hybrid-v1-recorded") + "/sys/fs/cgroup";
  EXPECT_THAT(walk(root), ::testing::ElementsAre(
                              Named{"/process_api/005132e273444415ab40e7023865e5e3", "process-api",
                                    "005132e273444415ab40e7023865e5e3", "005132e273444415ab40e7023865e5e3"},
                              Named{"/process_api/171ab67f9918cc72aae38bb847391038", "process-api",
                                    "171ab67f9918cc72aae38bb847391038", "171ab67f9918cc72aae38bb847391038"},
                              Named{"/process_api/486b9323badd930efee36c0b97b93c37", "process-api",
                                    "486b9323badd930efee36c0b97b93c37", "486b9323badd930efee36c0b97b93c37"}));
}

TEST(CgroupWalkTest, UnitsAreNotDescendedAndPodsComeBeforeTheirContainers) {
  const std::string tree = test::fixture_tree("v2-systemd-kubepods");
  const std::vector<Named> found = walk(tree + "/sys/fs/cgroup");
  for (const Named& n : found) EXPECT_THAT(std::get<0>(n), ::testing::Not(::testing::HasSubstr("dbus.service")));
  const std::string pod2 = "/kubepods.slice/kubepods-besteffort.slice/"
                           "kubepods-besteffort-pod0f9e8d7c_6b5a_4938_8271_605f4e3d2c1b.slice";
  ASSERT_GE(found.size(), 3u);
  EXPECT_EQ(std::get<0>(found[1]), "pod " + pod2);
  EXPECT_THAT(std::get<0>(found[2]), ::testing::StartsWith(pod2 + "/cri-containerd-"));
}

TEST(CgroupWalkTest, SymlinksAreNotFollowedAndDepthIsBounded) {
  mpf::test::TempDir dir;
  const std::string root = dir.path() + "/cgroup";
  std::filesystem::create_directories(root);
  ASSERT_TRUE(mpf::test::write_text(root + "/cgroup.controllers", "cpu memory\n"));
  std::string deep = root;
  for (int i = 0; i < 40; ++i) {
    deep += "/d" + std::to_string(i);
    std::filesystem::create_directories(deep);
    ASSERT_TRUE(mpf::test::write_text(deep + "/cgroup.events", "populated 1\n"));
  }
  std::filesystem::create_directory_symlink(root, root + "/loop");
  const std::vector<Named> found = walk(root);
  ASSERT_EQ(found.size(), 1u);
  // The walk stops at depth 16 and reports the directory there as a leaf.
  EXPECT_EQ(std::count(std::get<0>(found[0]).begin(), std::get<0>(found[0]).end(), '/'), kMaxCgroupDepth);
  EXPECT_EQ(std::get<1>(found[0]), "d0.d1.d2.d3.d4.d5.d6.d7.d8.d9.d10.d11.d12.d13.d14");
}

TEST(CgroupWalkTest, RuntimeMonitorsAndPodmanAndNerdctl) {
  mpf::test::TempDir dir;
  const std::string root = dir.path() + "/cgroup";
  const std::string id(64, 'f');
  for (const std::string& path : std::vector<std::string>{"/machine.slice/libpod-" + id + ".scope", "/machine.slice/libpod-conmon-" + id + ".scope",
                                  "/system.slice/nerdctl-" + id + ".scope", "/init.scope", "/lonely.scope"}) {
    std::filesystem::create_directories(root + path);
    ASSERT_TRUE(mpf::test::write_text(root + path + "/cgroup.events", "populated 1\n"));
  }
  ASSERT_TRUE(mpf::test::write_text(root + "/cgroup.controllers", "cpu memory\n"));
  EXPECT_THAT(walk(root), ::testing::ElementsAre(
                              Named{"/init.scope", "system", "init", "init"},
                              Named{"/lonely.scope", "host", "lonely.scope", "lonely.scope"},
                              Named{"/machine.slice/libpod-" + id + ".scope", "podman", "ffffffffffff", "ffffffffffff"},
                              Named{"/system.slice/nerdctl-" + id + ".scope", "containerd", "ffffffffffff",
                                    "ffffffffffff"}));
}

}  // namespace
}  // namespace mpf::sources::host
