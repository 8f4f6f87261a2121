// The reader against this machine's real /sys/fs/cgroup and /proc.
#include <gtest/gtest.h>

#include <chrono>

#include "cgroup_files.h"
#include "host_reader.h"
#include "host_test_util.h"
#include "pseudo_file.h"

namespace mpf::sources::host {
namespace {

Sample read_node() {
  NodeBatch batch;
  HostReadCounts counts;
  const ScrapeOutcome outcome = HostReader(HostReaderOptions{}).read(batch, 1, test::no_deadline(), counts);
  EXPECT_TRUE(outcome.status.is_ok()) << outcome.status.message();
  EXPECT_TRUE(batch.has_node_sample);
  return batch.node_sample;
}

TEST(RealHostTest, NodeCpuGrowsAcrossABusyLoopAndMemoryIsPlausible) {
  const Sample before = read_node();
  ASSERT_TRUE(before.has(kHasCpu));
  ASSERT_TRUE(before.has(kHasMemory));
  EXPECT_TRUE(before.has(kHasStartTime));

  // 200 ms of busy work on this thread.
  volatile std::uint64_t sink = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 10000; ++i) sink = sink + static_cast<std::uint64_t>(i);
  }
  const Sample after = read_node();
  EXPECT_GT(after.cpu_usage_core_ns, before.cpu_usage_core_ns);

  std::optional<std::string> meminfo = read_pseudo_file("/proc/meminfo");
  ASSERT_TRUE(meminfo);
  const std::optional<std::uint64_t> total = parse_meminfo(*meminfo).total_bytes;
  ASSERT_TRUE(total);
  EXPECT_GE(after.memory_working_set_bytes, 1u << 20);
  EXPECT_LE(after.memory_working_set_bytes, *total);
}

}  // namespace
}  // namespace mpf::sources::host
