#include "node_reader.h"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "host_test_util.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::sources::host {
namespace {

// /proc/stat of the hand-built trees: "cpu  1000 200 300 40000 500 60 70 80 90 10".
constexpr std::uint64_t kFixtureBusyTicks = 1000 + 200 + 300 + 60 + 70 + 80;
// /proc/meminfo of the hand-built trees: MemTotal 16384000 kB, MemFree 8192000 kB, Inactive(file) 1024000 kB.
constexpr std::uint64_t kFixtureMeminfoWorkingSet = (16'384'000ull - 8'192'000 - 1'024'000) * 1024;

TEST(NodeReaderTest, FallsBackToProcWithoutCgroups) {
  const std::string tree = test::fixture_tree("v2-systemd-kubepods");
  Result<Sample> s = read_node_sample(CgroupLayout{}, tree + "/proc", 5);
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  const auto ns_per_tick = static_cast<std::uint64_t>(1'000'000'000 / ::sysconf(_SC_CLK_TCK));
  EXPECT_EQ(s->cpu_usage_core_ns, kFixtureBusyTicks * ns_per_tick);
  EXPECT_EQ(s->memory_working_set_bytes, kFixtureMeminfoWorkingSet);
  EXPECT_EQ(s->start_time_ns, 1'700'000'000ll * 1'000'000'000);
  EXPECT_EQ(s->timestamp_ns, 5);
  EXPECT_EQ(s->present, kHasCpu | kHasMemory | kHasStartTime);
}

TEST(NodeReaderTest, V2RootWithoutMemoryStatFallsBackToMeminfoForMemoryOnly) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v2-systemd-kubepods", dir.path());
  std::filesystem::remove(tree + "/sys/fs/cgroup/memory.stat");
  const CgroupLayout layout = detect_cgroup_layout(tree + "/sys/fs/cgroup");
  Result<Sample> s = read_node_sample(layout, tree + "/proc", 0);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->cpu_usage_core_ns, 9'000'000'000'000u);  // still the root cpu.stat
  EXPECT_EQ(s->memory_working_set_bytes, kFixtureMeminfoWorkingSet);
}

TEST(NodeReaderTest, V1RootCgroup) {
  const std::string tree = test::fixture_tree("v1-cgroupfs-kubepods");
  Result<Sample> s = read_node_sample(detect_cgroup_layout(tree + "/sys/fs/cgroup"), tree + "/proc", 0);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->cpu_usage_core_ns, 123'456'789'000'000u);
  EXPECT_EQ(s->memory_working_set_bytes, 3'221'225'472u);
}

TEST(NodeReaderTest, OnlyOneValueIsStillASample) {
  mpf::test::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/proc");
  ASSERT_TRUE(mpf::test::write_text(dir.path() + "/proc/meminfo",
                                    "MemTotal: 100 kB\nMemFree: 10 kB\nInactive(file): 200 kB\n"));
  Result<Sample> s = read_node_sample(CgroupLayout{}, dir.path() + "/proc", 0);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->present, kHasMemory);
  EXPECT_EQ(s->memory_working_set_bytes, 0u);  // clamped at zero
}

TEST(NodeReaderTest, NothingReadableFails) {
  mpf::test::TempDir dir;
  Result<Sample> s = read_node_sample(detect_cgroup_layout(dir.path()), dir.path(), 0);
  ASSERT_FALSE(s.is_ok());
  EXPECT_THAT(s.status().message(), ::testing::HasSubstr(dir.path() + "/stat"));
}

}  // namespace
}  // namespace mpf::sources::host
