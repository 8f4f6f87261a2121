#include "cgroup_layout.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "host_test_util.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::sources::host {
namespace {

std::string cgroup_root(const std::string& tree) { return test::fixture_tree(tree) + "/sys/fs/cgroup"; }

TEST(CgroupLayoutTest, RecordedHybridMachine) {
  const CgroupLayout layout = detect_cgroup_layout(cgroup_root("hybrid-v1-recorded"));
  EXPECT_EQ(layout.mode, CgroupMode::kHybrid);
  EXPECT_EQ(layout.cpuacct, cgroup_root("hybrid-v1-recorded") + "/cpuacct");
  EXPECT_EQ(layout.memory, cgroup_root("hybrid-v1-recorded") + "/memory");
  EXPECT_EQ(layout.unified, cgroup_root("hybrid-v1-recorded") + "/unified");
}

TEST(CgroupLayoutTest, V1WithCombinedCpuDirectory) {
  const CgroupLayout layout = detect_cgroup_layout(cgroup_root("v1-cgroupfs-kubepods"));
  EXPECT_EQ(layout.mode, CgroupMode::kV1);
  EXPECT_EQ(layout.cpuacct, cgroup_root("v1-cgroupfs-kubepods") + "/cpu,cpuacct");
  EXPECT_EQ(layout.memory, cgroup_root("v1-cgroupfs-kubepods") + "/memory");
  EXPECT_EQ(layout.unified, "");
}

TEST(CgroupLayoutTest, V2) {
  for (const char* tree : {"v2-systemd-kubepods", "v2-unpopulated-malformed"}) {
    const CgroupLayout layout = detect_cgroup_layout(cgroup_root(tree));
    EXPECT_EQ(layout.mode, CgroupMode::kV2) << tree;
    EXPECT_EQ(layout.unified, cgroup_root(tree));
    EXPECT_EQ(layout.cpuacct, "");
  }
}

TEST(CgroupLayoutTest, SymlinkedAndReversedControllerNames) {
  mpf::test::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/cpuacct,cpu");
  std::filesystem::create_directory_symlink(dir.path() + "/cpuacct,cpu", dir.path() + "/cpuacct");
  EXPECT_EQ(detect_cgroup_layout(dir.path()).cpuacct, dir.path() + "/cpuacct");
  std::filesystem::remove(dir.path() + "/cpuacct");
  EXPECT_EQ(detect_cgroup_layout(dir.path()).cpuacct, dir.path() + "/cpuacct,cpu");
  EXPECT_EQ(detect_cgroup_layout(dir.path()).mode, CgroupMode::kV1);
}

TEST(CgroupLayoutTest, NothingMountedAndUnifiedOnly) {
  mpf::test::TempDir dir;
  EXPECT_EQ(detect_cgroup_layout(dir.path()).mode, CgroupMode::kNone);
  EXPECT_EQ(detect_cgroup_layout(dir.path() + "/missing").mode, CgroupMode::kNone);
  std::filesystem::create_directories(dir.path() + "/unified");
  mpf::test::write_text(dir.path() + "/unified/cgroup.controllers", "cpu memory\n");
  const CgroupLayout layout = detect_cgroup_layout(dir.path());
  EXPECT_EQ(layout.mode, CgroupMode::kV2);
  EXPECT_EQ(layout.unified, dir.path() + "/unified");
  EXPECT_STREQ(cgroup_mode_name(CgroupMode::kHybrid), "hybrid");
}

}  // namespace
}  // namespace mpf::sources::host
