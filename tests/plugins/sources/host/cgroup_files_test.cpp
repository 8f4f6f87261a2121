#include "cgroup_files.h"

#include <gtest/gtest.h>

namespace mpf::sources::host {
namespace {

TEST(CgroupFilesTest, SingleValue) {
  EXPECT_EQ(parse_single_value("39802367737443\n"), 39802367737443u);
  EXPECT_EQ(parse_single_value("0"), 0u);
  EXPECT_EQ(parse_single_value("9223372036854775807\n"), 9223372036854775807u);
}

TEST(CgroupFilesTest, SingleValueRefusesMalformedAndHuge) {
  EXPECT_FALSE(parse_single_value(""));
  EXPECT_FALSE(parse_single_value("\n"));
  EXPECT_FALSE(parse_single_value("max\n"));
  EXPECT_FALSE(parse_single_value("-1\n"));
  EXPECT_FALSE(parse_single_value(" 12\n"));
  EXPECT_FALSE(parse_single_value("12 13\n"));
  EXPECT_FALSE(parse_single_value("12\n\n"));
  // At or above 2^63 the pipeline treats a value as corrupt; above 2^64 it does not even fit.
  EXPECT_FALSE(parse_single_value("9223372036854775808\n"));
  EXPECT_FALSE(parse_single_value("18446744073709551616\n"));
}

TEST(CgroupFilesTest, FlatKeyed) {
  auto values = parse_flat_keyed("usage_usec 39691369747\nuser_usec 35672692938\nsystem_usec 4018676809\n");
  ASSERT_TRUE(values);
  EXPECT_EQ(values->size(), 3u);
  EXPECT_EQ(flat_keyed_value(*values, "usage_usec"), 39691369747u);
  EXPECT_EQ(flat_keyed_value(*values, "system_usec"), 4018676809u);
  EXPECT_FALSE(flat_keyed_value(*values, "usage"));  // no prefix match
  EXPECT_FALSE(flat_keyed_value(*values, "nice_usec"));
}

TEST(CgroupFilesTest, FlatKeyedAcceptsV1LimitsNearTwoToTheSixtyFour) {
  auto values = parse_flat_keyed("hierarchical_memory_limit 18446744073709551615\ntotal_inactive_file 4096");
  ASSERT_TRUE(values);
  EXPECT_EQ(flat_keyed_value(*values, "hierarchical_memory_limit"), 18446744073709551615u);
  EXPECT_EQ(flat_keyed_value(*values, "total_inactive_file"), 4096u);
}

TEST(CgroupFilesTest, FlatKeyedEmptyAndFirstKeyWins) {
  auto empty = parse_flat_keyed("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto twice = parse_flat_keyed("a 1\na 2\n");
  ASSERT_TRUE(twice);
  EXPECT_EQ(flat_keyed_value(*twice, "a"), 1u);
}

TEST(CgroupFilesTest, FlatKeyedRefusesMalformedLines) {
  EXPECT_FALSE(parse_flat_keyed("inactive_file lots\n"));
  EXPECT_FALSE(parse_flat_keyed("anon 1\nfile\n"));
  EXPECT_FALSE(parse_flat_keyed(" 1\n"));
  EXPECT_FALSE(parse_flat_keyed("anon -5\n"));
  EXPECT_FALSE(parse_flat_keyed("anon 1 2\n"));
  EXPECT_FALSE(parse_flat_keyed("anon 18446744073709551616\n"));
}

TEST(CgroupFilesTest, ProcStat) {
  const ProcStat stat = parse_proc_stat(
      "cpu  3160644 406638 394273 2448629 19561 0 7607 1618 90 10\n"
      "cpu0 1518914 202117 188369 1299458 5904 0 3308 783 0 0\n"
      "intr 1 2 3\nbtime 1795514762\nprocesses 10\n");
  // user + nice + system + irq + softirq + steal; guest (90) is already inside user.
  EXPECT_EQ(stat.busy_ticks, 3160644u + 406638u + 394273u + 0u + 7607u + 1618u);
  EXPECT_EQ(stat.boot_time_s, 1795514762u);
}

TEST(CgroupFilesTest, ProcStatMissingOrMalformedLines) {
  EXPECT_FALSE(parse_proc_stat("").busy_ticks);
  EXPECT_FALSE(parse_proc_stat("").boot_time_s);
  const ProcStat short_cpu = parse_proc_stat("cpu  1 2 3\nbtime x\n");
  EXPECT_FALSE(short_cpu.busy_ticks);
  EXPECT_FALSE(short_cpu.boot_time_s);
  // Only the aggregate line counts, not cpu0.
  EXPECT_FALSE(parse_proc_stat("cpu0 1 2 3 4 5 6 7 8\n").busy_ticks);
  const ProcStat overflow = parse_proc_stat("cpu  18446744073709551615 1 0 0 0 0 0 0\n");
  EXPECT_FALSE(overflow.busy_ticks);
}

TEST(CgroupFilesTest, MemInfo) {
  const MemInfo info = parse_meminfo(
      "MemTotal:       24684084 kB\nMemFree:        24139928 kB\nMemAvailable:   24270620 kB\n"
      "Inactive(file):  1078904 kB\nHugePages_Total:       0\n");
  EXPECT_EQ(info.total_bytes, 24684084ull * 1024);
  EXPECT_EQ(info.free_bytes, 24139928ull * 1024);
  EXPECT_EQ(info.inactive_file_bytes, 1078904ull * 1024);
}

TEST(CgroupFilesTest, MemInfoMissingMalformedAndHuge) {
  EXPECT_FALSE(parse_meminfo("").total_bytes);
  const MemInfo bad = parse_meminfo("MemTotal: lots kB\nMemFree: 12 MB\nInactive(file): 18014398509481984 kB\n");
  EXPECT_FALSE(bad.total_bytes);
  EXPECT_FALSE(bad.free_bytes);
  EXPECT_FALSE(bad.inactive_file_bytes);  // 2^54 kB is 2^64 bytes
}

TEST(CgroupFilesTest, ListsAPid) {
  EXPECT_TRUE(lists_a_pid("1\n2\n"));
  EXPECT_TRUE(lists_a_pid("\n42\n"));
  EXPECT_FALSE(lists_a_pid(""));
  EXPECT_FALSE(lists_a_pid("\n\n"));
}

TEST(CgroupFilesTest, CheckedMultiplyAndWorkingSet) {
  EXPECT_EQ(checked_multiply(39691369747, 1000), 39691369747000u);
  EXPECT_EQ(checked_multiply(0, 1000), 0u);
  EXPECT_FALSE(checked_multiply(kMaxSampleValue / 1000 + 1, 1000));
  EXPECT_EQ(working_set(100, 30), 70u);
  EXPECT_EQ(working_set(30, 100), 0u);  // clamped, as cAdvisor does
}

}  // namespace
}  // namespace mpf::sources::host
