#include "snapshot_summary.h"

#include <gtest/gtest.h>

namespace mpf::sinks::debug {
namespace {

Snapshot make_snapshot() {
  Snapshot s;
  s.cycle = 7;
  s.started_at = std::chrono::system_clock::time_point(std::chrono::seconds(100));
  s.finished_at = s.started_at + std::chrono::milliseconds(1500);
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "node-a";
  batch->add_container("default", "web-1", "app", Sample{});
  batch->add_container("default", "web-1", "sidecar", Sample{});
  s.scrapes.push_back(ScrapeResult{"kubelet", "node-a", Status::ok(), FailureReason::kNone, {}, batch});
  s.scrapes.push_back(ScrapeResult{"kubelet", "node-b", Status::retryable("dial tcp: i/o timeout"),
                                   FailureReason::kTimeout, {}, nullptr});
  NodeMetrics node;
  node.name = s.names.intern("node-a");
  node.usage.cpu_nanocores = 250000000;
  node.usage.memory_working_set_bytes = 1048576;
  node.usage.window_ns = 15012000000;
  s.nodes.push_back(node);
  return s;
}

TEST(SnapshotSummaryTest, OneLineCountsEverything) {
  EXPECT_EQ(summarize_snapshot(make_snapshot()),
            "cycle=7 targets=2 failed=1 samples=2 nodes=1 pods=0 containers=0 duration=1.5s");
}

TEST(SnapshotSummaryTest, DetailListsNodesThenFailedTargets) {
  auto lines = detail_lines(make_snapshot());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "node=node-a cpu_nanocores=250000000 memory_bytes=1048576 window=15.012s");
  EXPECT_EQ(lines[1], "failed source=kubelet target=node-b reason=timeout error=\"dial tcp: i/o timeout\"");
}

TEST(SnapshotSummaryTest, EmptySnapshot) {
  Snapshot s;
  EXPECT_EQ(summarize_snapshot(s), "cycle=0 targets=0 failed=0 samples=0 nodes=0 pods=0 containers=0 duration=0s");
  EXPECT_TRUE(detail_lines(s).empty());
}

}  // namespace
}  // namespace mpf::sinks::debug
