#include "cgroup_stats.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "host_test_util.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::sources::host {
namespace {

namespace fs = std::filesystem;

// Sets a path's mtime (git does not keep them, and copying changes them).
void set_mtime(const std::string& path, std::int64_t seconds) {
  const timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(seconds), 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

TEST(CgroupStatsTest, V2StartTimeIsTheLowerOfDirectoryAndCgroupEvents) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v2-systemd-kubepods", dir.path());
  const std::string root = tree + "/sys/fs/cgroup";
  const std::string unit = root + "/system.slice/ssh.service";
  set_mtime(unit + "/cgroup.events", 1'700'000'500);
  set_mtime(unit, 1'700'000'900);
  const CgroupLayout layout = detect_cgroup_layout(root);
  EXPECT_EQ(read_cgroup_stats(layout, "/system.slice/ssh.service").start_time_ns, 1'700'000'500ll * 1'000'000'000);
  set_mtime(unit, 1'700'000'100);  // now the directory is older
  EXPECT_EQ(read_cgroup_stats(layout, "/system.slice/ssh.service").start_time_ns, 1'700'000'100ll * 1'000'000'000);
}

TEST(CgroupStatsTest, V1StartTimeIsTheLowestOverHierarchies) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v1-cgroupfs-kubepods", dir.path());
  const std::string root = tree + "/sys/fs/cgroup";
  for (const char* h : {"/cpu,cpuacct/mpf-busy", "/memory/mpf-busy"}) {
    set_mtime(root + h, 1'650'000'000);
    set_mtime(root + h + "/cgroup.clone_children", 1'650'000'000);
  }
  set_mtime(root + "/memory/mpf-busy/cgroup.clone_children", 1'640'000'000);
  const CgroupStats stats = read_cgroup_stats(detect_cgroup_layout(root), "/mpf-busy");
  EXPECT_EQ(stats.start_time_ns, 1'640'000'000ll * 1'000'000'000);
  EXPECT_EQ(stats.cpu_core_ns, 1'234'567'890u);
  EXPECT_EQ(stats.working_set_bytes, 3'145'728u - 1'048'576u);
}

TEST(CgroupStatsTest, MissingInactiveFileKeyCountsAsZeroAsInCadvisor) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v2-systemd-kubepods", dir.path());
  const std::string unit = tree + "/sys/fs/cgroup/system.slice/ssh.service";
  ASSERT_TRUE(mpf::test::write_text(unit + "/memory.stat", "anon 1\nfile 2\n"));
  ASSERT_TRUE(mpf::test::write_text(unit + "/memory.current", "5000\n"));
  const CgroupStats stats = read_cgroup_stats(detect_cgroup_layout(tree + "/sys/fs/cgroup"), "/system.slice/ssh.service");
  EXPECT_EQ(stats.working_set_bytes, 5000u);
}

TEST(CgroupStatsTest, Populated) {
  const std::string v2 = test::fixture_tree("v2-unpopulated-malformed") + "/sys/fs/cgroup";
  const CgroupLayout v2_layout = detect_cgroup_layout(v2);
  EXPECT_TRUE(cgroup_populated(v2_layout, "/system.slice/good.service"));
  EXPECT_FALSE(cgroup_populated(v2_layout, "/system.slice/stopped.service"));
  EXPECT_FALSE(cgroup_populated(v2_layout, "/system.slice/vanished.service"));

  const CgroupLayout v1 = detect_cgroup_layout(test::fixture_tree("v1-cgroupfs-kubepods") + "/sys/fs/cgroup");
  // The pod cgroup itself lists no pid; its containers do.
  EXPECT_TRUE(cgroup_populated(v1, "/kubepods/burstable/pod3c2b1a09-8f7e-4d6c-b5a4-938271605f4e"));
  EXPECT_FALSE(cgroup_populated(v1, "/kubepods/besteffort"));
  EXPECT_TRUE(cgroup_populated(v1, "/memory-only"));  // in one hierarchy is enough
}

}  // namespace
}  // namespace mpf::sources::host
