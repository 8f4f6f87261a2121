#include "core/aggregation/rate_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mpf::core {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::uint64_t kCoreSec = 1'000'000'000;  // one core busy for one second, in core-ns
constexpr std::uint64_t kMiB = 1024 * 1024;
// Plays the role of the reference tests' `time.Now()`.
constexpr std::int64_t kT0 = 1'633'253'000 * kSec;

Sample point(std::int64_t start_ns, std::int64_t ts_ns, std::uint64_t cpu, std::uint64_t mem,
             std::uint64_t swap = 0) {
  Sample s;
  s.start_time_ns = start_ns;
  s.timestamp_ns = ts_ns;
  s.cpu_usage_core_ns = cpu;
  s.memory_working_set_bytes = mem;
  s.swap_usage_bytes = swap;
  s.present = kHasCpu | kHasMemory | kHasStartTime | (swap != 0 ? kHasSwap : 0);
  return s;
}

// One cycle's scrape results, built node by node.
class Cycle {
 public:
  NodeBatch& node(const std::string& name) {
    auto b = std::make_shared<NodeBatch>();
    b->node_name = name;
    ScrapeResult r;
    r.source = "kubelet";
    r.target = name;
    r.batch = b;
    results_.push_back(std::move(r));
    batches_.push_back(b);
    return *b;
  }
  NodeBatch& node(const std::string& name, const Sample& s) {
    NodeBatch& b = node(name);
    b.set_node(s);
    return b;
  }
  void failed(const std::string& name) {
    ScrapeResult r;
    r.target = name;
    r.status = Status::retryable("timeout");
    r.reason = FailureReason::kTimeout;
    results_.push_back(std::move(r));
  }
  Snapshot snapshot() const {
    Snapshot s;
    s.scrapes = results_;
    return s;
  }

 private:
  std::vector<ScrapeResult> results_;
  std::vector<std::shared_ptr<NodeBatch>> batches_;
};

// A cycle holding one node-less batch with the given containers of ns1/pod1.
struct C {
  const char* name;
  Sample s;
};
Cycle pod_cycle(std::vector<C> containers) {
  Cycle c;
  NodeBatch& b = c.node("node1");
  for (const C& x : containers) b.add_container("ns1", "pod1", x.name, x.s);
  return c;
}

const NodeMetrics* find_node(const Snapshot& s, std::string_view name) {
  for (const NodeMetrics& n : s.nodes) {
    if (s.names.name(n.name) == name) return &n;
  }
  return nullptr;
}

const PodMetrics* find_pod(const Snapshot& s, std::string_view ns, std::string_view name) {
  for (const PodMetrics& p : s.pods) {
    if (s.names.name(p.namespace_name) == ns && s.names.name(p.name) == name) return &p;
  }
  return nullptr;
}

class RateStoreTest : public ::testing::Test {
 protected:
  // Stores one cycle and returns what the store served.
  Snapshot run(const Cycle& c) {
    Snapshot s = c.snapshot();
    stats_ = store_.process(s);
    return s;
  }

  RateStore store_{60s};  // the reference tests use NewStorage(60 * time.Second)
  ProduceStats stats_;
};

// --- node_test.go ---

TEST_F(RateStoreTest, ServesNodeFromTwoBatches) {
  Cycle c1;
  c1.node("node1", point(kT0, kT0 + 10 * kSec, 10 * kCoreSec, 2 * kMiB));
  Snapshot s = run(c1);
  EXPECT_FALSE(store_.ready());
  EXPECT_EQ(find_node(s, "node1"), nullptr);  // last only

  Cycle c2;
  c2.node("node1", point(kT0, kT0 + 20 * kSec, 20 * kCoreSec, 3 * kMiB));
  s = run(c2);
  // (20 - 10) core-s over 20 s - 10 s = 1 core; memory is the last value.
  const NodeMetrics* n = find_node(s, "node1");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->usage.timestamp_ns, kT0 + 20 * kSec);
  EXPECT_EQ(n->usage.window_ns, 10 * kSec);
  EXPECT_EQ(n->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(n->usage.memory_working_set_bytes, 3 * kMiB);
  EXPECT_EQ(n->usage.present & (kHasCpu | kHasMemory), kHasCpu | kHasMemory);
  EXPECT_EQ(find_node(s, "node2"), nullptr);

  s = run(Cycle{});  // a batch without metrics
  EXPECT_TRUE(s.nodes.empty());
  EXPECT_EQ(store_.stored_nodes(), 0u);
}

TEST_F(RateStoreTest, RepeatedNodePointIsNotServed) {
  Cycle c;
  c.node("node1", point(kT0, kT0 + 10 * kSec, 10 * kCoreSec, 2 * kMiB));
  run(c);
  // Same timestamp: not newer than last, and there is no older prev to keep.
  Snapshot s = run(c);
  EXPECT_TRUE(s.nodes.empty());
  EXPECT_EQ(store_.servable_node_points(), 0u);
  EXPECT_FALSE(store_.ready());
}

TEST_F(RateStoreTest, StoragePointsCountOnlyPointsWithPrev) {
  EXPECT_EQ(store_.servable_node_points(), 0u);
  EXPECT_EQ(store_.servable_container_points(), 0u);
  Cycle c1;
  c1.node("node1", point(kT0, kT0 + 10 * kSec, 10 * kCoreSec, 2 * kMiB));
  run(c1);
  EXPECT_EQ(store_.servable_node_points(), 0u);
  EXPECT_EQ(store_.servable_container_points(), 0u);
  Cycle c2;
  c2.node("node1", point(kT0, kT0 + 20 * kSec, 21 * kCoreSec, 3 * kMiB));
  run(c2);
  EXPECT_EQ(store_.servable_node_points(), 1u);
  EXPECT_EQ(store_.servable_container_points(), 0u);

  // Pod side (pod_test.go "exposes correct pod metrics"): two containers, 0 then 2 points.
  RateStore pods(60s);
  Snapshot a = pod_cycle({{"container1", point(kT0, kT0 + 110 * kSec, 1 * kCoreSec, 4 * kMiB)},
                          {"container2", point(kT0, kT0 + 115 * kSec, 2 * kCoreSec, 5 * kMiB)}})
                   .snapshot();
  pods.process(a);
  EXPECT_EQ(pods.servable_container_points(), 0u);
  Snapshot b = pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 6 * kCoreSec, 6 * kMiB)},
                          {"container2", point(kT0, kT0 + 125 * kSec, 7 * kCoreSec, 7 * kMiB)}})
                   .snapshot();
  pods.process(b);
  EXPECT_EQ(pods.servable_container_points(), 2u);
  EXPECT_EQ(pods.servable_node_points(), 0u);
}

TEST_F(RateStoreTest, NodeRestartIsSkipped) {
  Cycle c1;
  c1.node("node1", point(kT0, kT0 + 10 * kSec, 10 * kCoreSec, 2 * kMiB));
  run(c1);
  // The counter restarted from 0 (10 -> 5 core-s): nodes keep the old last as prev, and the rate
  // check refuses the decrease.
  Cycle c2;
  c2.node("node1", point(kT0 + 15 * kSec, kT0 + 20 * kSec, 5 * kCoreSec, 3 * kMiB));
  Snapshot s = run(c2);
  EXPECT_EQ(find_node(s, "node1"), nullptr);
  EXPECT_EQ(stats_.node_rate_errors, 1u);
}

TEST_F(RateStoreTest, NodeCpuDecreaseIsSkipped) {
  Cycle c1;
  c1.node("node1", point(kT0, kT0 + 15 * kSec, 50 * kCoreSec, 3 * kMiB));
  run(c1);
  Cycle c2;
  c2.node("node1", point(kT0, kT0 + 25 * kSec, 10 * kCoreSec, 5 * kMiB));  // 50 -> 10
  Snapshot s = run(c2);
  EXPECT_EQ(find_node(s, "node1"), nullptr);
  EXPECT_EQ(stats_.node_rate_errors, 1u);
}

TEST_F(RateStoreTest, NodePointOlderThanPrevDropsPrev) {
  Cycle c1, c2, c3;
  c1.node("node1", point(kT0, kT0 + 15 * kSec, 10 * kCoreSec, 3 * kMiB));
  c2.node("node1", point(kT0, kT0 + 35 * kSec, 50 * kCoreSec, 5 * kMiB));
  c3.node("node1", point(kT0, kT0 + 5 * kSec, 6 * kCoreSec, 2 * kMiB));
  run(c1);
  run(c2);
  // ts 5 s is older than last (35 s) and older than prev (15 s): nothing precedes it.
  Snapshot s = run(c3);
  EXPECT_EQ(find_node(s, "node1"), nullptr);
  EXPECT_EQ(store_.servable_node_points(), 0u);
}

TEST_F(RateStoreTest, NodePointBetweenPrevAndLastKeepsPrev) {
  Cycle c1, c2, c3;
  c1.node("node1", point(kT0, kT0 + 15 * kSec, 10 * kCoreSec, 1 * kMiB));
  c2.node("node1", point(kT0, kT0 + 35 * kSec, 50 * kCoreSec, 4 * kMiB));
  c3.node("node1", point(kT0, kT0 + 25 * kSec, 35 * kCoreSec, 2 * kMiB));
  run(c1);
  run(c2);
  // prev (15 s) < new (25 s) < last (35 s): prev stays, last becomes the new point.
  // (35 - 10) core-s / (25 - 15) s = 2.5 cores.
  Snapshot s = run(c3);
  const NodeMetrics* n = find_node(s, "node1");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->usage.timestamp_ns, kT0 + 25 * kSec);
  EXPECT_EQ(n->usage.window_ns, 10 * kSec);
  EXPECT_EQ(n->usage.cpu_nanocores, 2'500'000'000u);
  EXPECT_EQ(n->usage.memory_working_set_bytes, 2 * kMiB);
}

TEST_F(RateStoreTest, NodeWithZeroStartTimeIsServed) {
  Cycle c1, c2;
  c1.node("node1", point(0, kT0 + 10 * kSec, 10 * kCoreSec, 2 * kMiB));
  c2.node("node1", point(0, kT0 + 20 * kSec, 20 * kCoreSec, 3 * kMiB));
  EXPECT_TRUE(run(c1).nodes.empty());
  Snapshot s = run(c2);
  // Same numbers as ServesNodeFromTwoBatches: 1 core over 10 s.
  const NodeMetrics* n = find_node(s, "node1");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->usage.window_ns, 10 * kSec);
  EXPECT_EQ(n->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(n->usage.memory_working_set_bytes, 3 * kMiB);
}

// --- pod_test.go ---

TEST_F(RateStoreTest, ServesPodFromTwoBatches) {
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 1 * kCoreSec, 4 * kMiB, 6 * kMiB)}}));
  EXPECT_TRUE(s.pods.empty());
  s = run(pod_cycle({{"container1", point(kT0, kT0 + 125 * kSec, 6 * kCoreSec, 5 * kMiB, 7 * kMiB)}}));
  // (6 - 1) core-s over 125 s - 120 s = 1 core; memory and swap are last values.
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 125 * kSec);
  EXPECT_EQ(p->usage.window_ns, 5 * kSec);
  ASSERT_EQ(p->container_count, 1u);
  const ContainerMetrics& c = s.containers[p->first_container];
  EXPECT_EQ(s.names.name(c.name), "container1");
  EXPECT_EQ(c.usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(c.usage.memory_working_set_bytes, 5 * kMiB);
  EXPECT_EQ(c.usage.swap_usage_bytes, 7 * kMiB);
  EXPECT_TRUE(c.usage.present & kHasSwap);
  EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(s.names.name(p->node), "node1");
  EXPECT_EQ(find_pod(s, "ns1", "pod2"), nullptr);

  s = run(Cycle{});
  EXPECT_TRUE(s.pods.empty());
  EXPECT_TRUE(s.containers.empty());
}

TEST_F(RateStoreTest, PodTimestampIsThatOfEarliestContainer) {
  run(pod_cycle({{"container1", point(kT0, kT0 + 110 * kSec, 1 * kCoreSec, 4 * kMiB)},
                 {"container2", point(kT0, kT0 + 115 * kSec, 2 * kCoreSec, 5 * kMiB)}}));
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 6 * kCoreSec, 6 * kMiB)},
                              {"container2", point(kT0, kT0 + 125 * kSec, 7 * kCoreSec, 7 * kMiB)}}));
  // container1 (last at 120 s, window 10 s) is the earliest. Usage: (6-1)/10 + (7-2)/10 = 0.5 + 0.5
  // cores; memory 6 + 7 MiB.
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 120 * kSec);
  EXPECT_EQ(p->usage.window_ns, 10 * kSec);
  EXPECT_EQ(p->container_count, 2u);
  EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(p->usage.memory_working_set_bytes, 13 * kMiB);
}

TEST_F(RateStoreTest, RepeatedPodPointIsNotServed) {
  Cycle c = pod_cycle({{"container1", point(kT0, kT0 + 110 * kSec, 1 * kCoreSec, 4 * kMiB)}});
  run(c);
  Snapshot s = run(c);
  EXPECT_TRUE(s.pods.empty());
  EXPECT_FALSE(store_.ready());
}

TEST_F(RateStoreTest, ContainerRestartUsesStartTimeWindow) {
  run(pod_cycle({{"container1", point(kT0, kT0 + 10 * kSec, 1 * kCoreSec, 4 * kMiB)}}));
  // Restarted at 15 s (after the stored 10 s point), sampled at 25 s: age 10 s is within
  // [10 s, 60 s), so prev = {ts: 15 s, cpu: 0}. 5 core-s over 10 s = 0.5 core.
  Snapshot s = run(pod_cycle({{"container1", point(kT0 + 15 * kSec, kT0 + 25 * kSec, 5 * kCoreSec, 5 * kMiB)}}));
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 25 * kSec);
  EXPECT_EQ(p->usage.window_ns, 10 * kSec);
  ASSERT_EQ(p->container_count, 1u);
  EXPECT_EQ(s.containers[p->first_container].usage.cpu_nanocores, 500'000'000u);
  EXPECT_EQ(s.containers[p->first_container].usage.memory_working_set_bytes, 5 * kMiB);
}

TEST_F(RateStoreTest, CpuDecreaseServesPodWithNoContainers) {
  run(pod_cycle({{"container1", point(kT0, kT0 + 110 * kSec, 20 * kCoreSec, 4 * kMiB)}}));
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 10 * kCoreSec, 4 * kMiB)}}));
  // 20 -> 10 core-s without a restart: the container is omitted, the pod is still served (the
  // reference test "should return pod empty metrics if decreased data point reported").
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->container_count, 0u);
  EXPECT_EQ(p->usage.cpu_nanocores, 0u);
  EXPECT_EQ(p->usage.timestamp_ns, 0);
  EXPECT_EQ(stats_.container_rate_errors, 1u);
}

TEST_F(RateStoreTest, PodPointOlderThanPrevIsNotServed) {
  run(pod_cycle({{"container1", point(kT0, kT0 + 1115 * kSec, 20 * kCoreSec, 4 * kMiB)}}));
  run(pod_cycle({{"container1", point(kT0, kT0 + 1125 * kSec, 40 * kCoreSec, 4 * kMiB)}}));
  // 115 s is before both last (1125 s) and prev (1115 s).
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 115 * kSec, 10 * kCoreSec, 4 * kMiB)}}));
  EXPECT_TRUE(s.pods.empty());
}

TEST_F(RateStoreTest, PodPointBetweenPrevAndLastKeepsPrev) {
  run(pod_cycle({{"container1", point(kT0, kT0 + 115 * kSec, 10 * kCoreSec, 4 * kMiB)}}));
  run(pod_cycle({{"container1", point(kT0, kT0 + 125 * kSec, 50 * kCoreSec, 5 * kMiB)}}));
  // prev 115 s < new 120 s < last 125 s: (35 - 10) core-s / 5 s = 5 cores.
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 35 * kCoreSec, 5 * kMiB)}}));
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 120 * kSec);
  EXPECT_EQ(p->usage.window_ns, 5 * kSec);
  EXPECT_EQ(s.containers[p->first_container].usage.cpu_nanocores, 5'000'000'000u);
  EXPECT_EQ(s.containers[p->first_container].usage.memory_working_set_bytes, 5 * kMiB);
}

TEST_F(RateStoreTest, LongRunningContainerIsNotServedInFirstCycle) {
  // Age 120 s >= resolution 60 s: no shortcut.
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 1 * kCoreSec, 4 * kMiB)}}));
  EXPECT_TRUE(s.pods.empty());
  EXPECT_FALSE(store_.ready());
}

TEST_F(RateStoreTest, FreshContainerIsServedInFirstCycle) {
  // Age 10 s is in [10 s, 60 s): prev = {ts: start, cpu: 0}; 10 core-s / 10 s = 1 core.
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 10 * kSec, 10 * kCoreSec, 4 * kMiB, 6 * kMiB)}}));
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 10 * kSec);
  EXPECT_EQ(p->usage.window_ns, 10 * kSec);
  EXPECT_EQ(s.containers[p->first_container].usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(s.containers[p->first_container].usage.memory_working_set_bytes, 4 * kMiB);
  EXPECT_EQ(store_.servable_container_points(), 1u);
  // v0.9.0 readiness also needs a node with a prev; there is none.
  EXPECT_FALSE(store_.ready());
}

TEST_F(RateStoreTest, FreshContainerStartedAfterItsTimestampIsNotServed) {
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 - 10 * kSec, 10 * kCoreSec, 4 * kMiB)}}));
  EXPECT_TRUE(s.pods.empty());
}

TEST_F(RateStoreTest, FreshContainerYoungerThan10sIsNotServed) {
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 9 * kSec, 10 * kCoreSec, 4 * kMiB)}}));
  EXPECT_TRUE(s.pods.empty());
}

TEST_F(RateStoreTest, PodWithZeroStartTimeIsServed) {
  // Start time 0 (unknown) is far older than resolution: no shortcut, but a normal prev.
  EXPECT_TRUE(run(pod_cycle({{"container1", point(0, kT0 + 120 * kSec, 1 * kCoreSec, 4 * kMiB)}})).pods.empty());
  Snapshot s = run(pod_cycle({{"container1", point(0, kT0 + 125 * kSec, 6 * kCoreSec, 5 * kMiB)}}));
  const PodMetrics* p = find_pod(s, "ns1", "pod1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->usage.window_ns, 5 * kSec);
  EXPECT_EQ(s.containers[p->first_container].usage.cpu_nanocores, 1'000'000'000u);  // 5 core-s / 5 s
}

TEST_F(RateStoreTest, PodIsOmittedUntilAllContainersHavePrev) {
  run(pod_cycle({{"container1", point(kT0, kT0 + 110 * kSec, 1 * kCoreSec, 4 * kMiB)}}));
  Snapshot s = run(pod_cycle({{"container1", point(kT0, kT0 + 120 * kSec, 6 * kCoreSec, 6 * kMiB)},
                              {"container2", point(kT0, kT0 + 120 * kSec, 8 * kCoreSec, 5 * kMiB)}}));
  // container2 is new (age 120 s, no shortcut): serving container1 alone would under-report.
  EXPECT_TRUE(s.pods.empty());
  EXPECT_EQ(stats_.pods_missing_prev, 1u);
  EXPECT_EQ(store_.servable_container_points(), 1u);
}

TEST_F(RateStoreTest, RestartOlderThanResolutionLosesPrev) {
  RateStore store(15s);
  Snapshot a = pod_cycle({{"container1", point(kT0, kT0 + 100 * kSec, 50 * kCoreSec, kMiB)}}).snapshot();
  store.process(a);
  // Restarted at 110 s (after the stored 100 s point), sampled at 130 s: age 20 s >= resolution 15 s,
  // so neither the shortcut nor the old points apply.
  Snapshot b = pod_cycle({{"container1", point(kT0 + 110 * kSec, kT0 + 130 * kSec, 5 * kCoreSec, kMiB)}}).snapshot();
  store.process(b);
  EXPECT_TRUE(b.pods.empty());
  EXPECT_EQ(store.servable_container_points(), 0u);
}

TEST_F(RateStoreTest, RepeatedPointOfContainerWithoutPrevStaysWithoutPrev) {
  // Cycle 1: "fresh" gets a shortcut prev, "old" (age 1 h) none. Cycle 2 repeats both points. The
  // reference would give "old" a zero-value prev (its pod has a prev entry) and serve it with a
  // ~292-year window; we keep it without prev, so the pod waits for a real second point.
  Cycle c = pod_cycle({{"fresh", point(kT0, kT0 + 20 * kSec, 2 * kCoreSec, kMiB)},
                       {"old", point(kT0 - 3600 * kSec, kT0 + 20 * kSec, 2 * kCoreSec, kMiB)}});
  run(c);
  Snapshot s = run(c);
  EXPECT_TRUE(s.pods.empty());
  EXPECT_EQ(store_.servable_container_points(), 1u);  // "fresh" keeps its shortcut prev
}

// --- ready_test.go ---

TEST_F(RateStoreTest, ReadinessNeedsNodeAndPod) {
  Cycle n1, n2;
  n1.node("node1", point(0, kT0 + 10 * kSec, 10 * kCoreSec, 2 * kMiB));
  n2.node("node1", point(0, kT0 + 20 * kSec, 20 * kCoreSec, 2 * kMiB));
  run(n1);
  run(n2);
  EXPECT_EQ(store_.servable_node_points(), 1u);
  EXPECT_FALSE(store_.ready());  // nodes only

  Cycle b1, b2;
  b1.node("node1", point(0, kT0 + 30 * kSec, 30 * kCoreSec, 2 * kMiB))
      .add_container("ns1", "pod1", "c", point(kT0, kT0 + 130 * kSec, 1 * kCoreSec, kMiB));
  b2.node("node1", point(0, kT0 + 40 * kSec, 40 * kCoreSec, 2 * kMiB))
      .add_container("ns1", "pod1", "c", point(kT0, kT0 + 140 * kSec, 2 * kCoreSec, kMiB));
  run(b1);
  EXPECT_FALSE(store_.ready());  // the pod has no prev yet
  run(b2);
  EXPECT_TRUE(store_.ready());
}

// --- beyond the reference's unit tests ---

// A node with one pod, sampled at cycle i (15 s apart).
Cycle node_with_pod(int i, bool scrape_fails = false) {
  Cycle c;
  if (scrape_fails) {
    c.failed("node1");
    return c;
  }
  c.node("node1", point(0, kT0 + i * 15 * kSec, (i + 1) * 10 * kCoreSec, 2 * kMiB))
      .add_container("ns1", "pod1", "c", point(kT0 - 3600 * kSec, kT0 + i * 15 * kSec, (i + 1) * kCoreSec, kMiB));
  return c;
}

TEST_F(RateStoreTest, FailedScrapeDropsNodeAndPodsUntilTwoGoodCycles) {
  EXPECT_TRUE(run(node_with_pod(0)).nodes.empty());
  Snapshot s = run(node_with_pod(1));
  EXPECT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.pods.size(), 1u);
  EXPECT_TRUE(store_.ready());

  s = run(node_with_pod(2, /*scrape_fails=*/true));
  EXPECT_TRUE(s.nodes.empty());
  EXPECT_TRUE(s.pods.empty());
  EXPECT_EQ(s.scrapes[0].reason, FailureReason::kTimeout);  // the source's reason is left alone
  EXPECT_FALSE(store_.ready());

  s = run(node_with_pod(3));  // last only: still missing
  EXPECT_TRUE(s.nodes.empty());
  EXPECT_TRUE(s.pods.empty());

  s = run(node_with_pod(4));
  ASSERT_EQ(s.nodes.size(), 1u);
  ASSERT_EQ(s.pods.size(), 1u);
  // Window is one cycle (15 s), not the gap since the failure.
  EXPECT_EQ(s.nodes[0].usage.window_ns, 15 * kSec);
  EXPECT_EQ(s.nodes[0].usage.cpu_nanocores, 666'666'666u);  // 10 core-s / 15 s, truncated
}

TEST_F(RateStoreTest, DeletedPodVanishesAtOnce) {
  auto cycle = [](int i, bool with_pod2) {
    Cycle c;
    NodeBatch& b = c.node("node1");
    b.add_container("ns1", "pod1", "c", point(0, kT0 + i * 15 * kSec, (i + 1) * kCoreSec, kMiB));
    if (with_pod2) b.add_container("ns1", "pod2", "c", point(0, kT0 + i * 15 * kSec, (i + 1) * kCoreSec, kMiB));
    return c;
  };
  run(cycle(0, true));
  EXPECT_EQ(run(cycle(1, true)).pods.size(), 2u);
  Snapshot s = run(cycle(2, false));
  ASSERT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.names.name(s.pods[0].name), "pod1");
  EXPECT_EQ(store_.stored_containers(), 1u);
}

TEST_F(RateStoreTest, NodeZeroRuleDropsPointAndRecordsReason) {
  Cycle c1, c2;
  c1.node("node1", point(0, kT0, 10 * kCoreSec, 2 * kMiB));
  c1.node("node2", point(0, kT0, 10 * kCoreSec, 2 * kMiB));
  c2.node("node1", point(0, kT0 + 15 * kSec, 0, 2 * kMiB));         // CPU 0
  c2.node("node2", point(0, kT0 + 15 * kSec, 25 * kCoreSec, 0));    // memory 0
  run(c1);
  Snapshot s = run(c2);
  EXPECT_TRUE(s.nodes.empty());
  ASSERT_EQ(store_.dropped_nodes().size(), 2u);
  EXPECT_EQ(store_.dropped_nodes()[0].name, "node1");
  EXPECT_EQ(store_.dropped_nodes()[0].reason, FailureReason::kZeroValues);
  EXPECT_EQ(store_.dropped_nodes()[1].scrape_index, 1u);
  // The scrape succeeded; the snapshot says why its node has no metrics.
  EXPECT_TRUE(s.scrapes[0].status.is_ok());
  EXPECT_EQ(s.scrapes[0].reason, FailureReason::kZeroValues);
  EXPECT_EQ(s.scrapes[1].reason, FailureReason::kZeroValues);
  // The dropped point also breaks the pair: a good point next cycle is last-only.
  Cycle c3;
  c3.node("node1", point(0, kT0 + 30 * kSec, 30 * kCoreSec, 2 * kMiB));
  EXPECT_TRUE(run(c3).nodes.empty());
  EXPECT_TRUE(store_.dropped_nodes().empty());
}

TEST_F(RateStoreTest, ContainerZeroRuleDropsWholePod) {
  auto cycle = [](int i) {
    Cycle c;
    NodeBatch& b = c.node("node1");
    const std::int64_t ts = kT0 + i * 15 * kSec;
    b.add_container("ns1", "bad", "ok", point(0, ts, (i + 1) * kCoreSec, kMiB));
    b.add_container("ns1", "bad", "nomem", point(0, ts, (i + 1) * kCoreSec, 0));
    // Only a start-time line: not all zero, so it hides its pod too.
    Sample start_only;
    start_only.start_time_ns = kT0;
    start_only.present = kHasStartTime;
    b.add_container("ns1", "startonly", "c", start_only);
    b.add_container("ns1", "good", "c", point(0, ts, (i + 1) * kCoreSec, kMiB));
    // An all-zero point is skipped without dropping its pod.
    b.add_container("ns1", "good", "empty", Sample{});
    return c;
  };
  run(cycle(0));
  EXPECT_EQ(store_.dropped_pods(), 2u);
  Snapshot s = run(cycle(1));
  ASSERT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.names.name(s.pods[0].name), "good");
  EXPECT_EQ(s.pods[0].container_count, 1u);
  EXPECT_EQ(store_.stored_containers(), 1u);
}

TEST_F(RateStoreTest, CpuRateMatchesGoFloatArithmetic) {
  // §1.6: 357.35491 -> 359.10000 core-s over 15.012 s = 116 246 336.26... -> 116246336n.
  EXPECT_EQ(go_cpu_nanocores(1'745'090'000, 15'012'000'000), 116'246'336u);
  EXPECT_EQ(go_cpu_nanocores(10 * kCoreSec, 15 * kSec), 666'666'666u);  // truncated, not rounded
  EXPECT_EQ(go_cpu_nanocores(0, 15 * kSec), 0u);
  EXPECT_EQ(go_cpu_nanocores(UINT64_MAX, 1), UINT64_MAX);  // saturates instead of undefined behaviour
  Rate r;
  Sample last = point(5, 20, 10, 1);
  EXPECT_EQ(compute_rate(last, PrevPoint{10, 6, 5}, r), RateError::kStartTimeDecreased);
  EXPECT_EQ(compute_rate(last, PrevPoint{10, 5, 11}, r), RateError::kCpuDecreased);
  EXPECT_EQ(compute_rate(last, PrevPoint{20, 5, 5}, r), RateError::kEmptyWindow);
  ASSERT_EQ(compute_rate(last, PrevPoint{10, 5, 5}, r), RateError::kNone);
  EXPECT_EQ(r.window_ns, 10);
  EXPECT_EQ(r.cpu_nanocores, 500'000'000u);  // 5 core-ns over 10 ns
}

TEST_F(RateStoreTest, OutputIsSortedByName) {
  auto cycle = [](int i) {
    Cycle c;
    const std::int64_t ts = kT0 + i * 15 * kSec;
    const std::uint64_t cpu = (i + 1) * kCoreSec;
    c.node("node-b", point(0, ts, cpu, kMiB)).add_container("ns2", "a", "z", point(0, ts, cpu, kMiB));
    NodeBatch& a = c.node("node-a", point(0, ts, cpu, kMiB));
    a.add_container("ns1", "b", "y", point(0, ts, cpu, kMiB));
    a.add_container("ns1", "b", "x", point(0, ts, cpu, kMiB));
    a.add_container("ns1", "a", "w", point(0, ts, cpu, kMiB));
    return c;
  };
  run(cycle(0));
  Snapshot s = run(cycle(1));
  ASSERT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(s.names.name(s.nodes[0].name), "node-a");
  EXPECT_EQ(s.names.name(s.nodes[1].name), "node-b");
  ASSERT_EQ(s.pods.size(), 3u);
  EXPECT_EQ(s.names.name(s.pods[0].name), "a");
  EXPECT_EQ(s.names.name(s.pods[0].namespace_name), "ns1");
  EXPECT_EQ(s.names.name(s.pods[1].name), "b");
  EXPECT_EQ(s.names.name(s.pods[2].namespace_name), "ns2");
  EXPECT_EQ(s.names.name(s.pods[2].node), "node-b");
  ASSERT_EQ(s.pods[1].container_count, 2u);
  EXPECT_EQ(s.names.name(s.containers[s.pods[1].first_container].name), "x");
  EXPECT_EQ(s.names.name(s.containers[s.pods[1].first_container + 1].name), "y");
}

TEST_F(RateStoreTest, DuplicatePodFromSecondBatchIsIgnored) {
  auto cycle = [](int i) {
    Cycle c;
    const std::int64_t ts = kT0 + i * 15 * kSec;
    c.node("node1").add_container("ns1", "pod1", "c", point(0, ts, (i + 1) * kCoreSec, kMiB));
    c.node("node2").add_container("ns1", "pod1", "c", point(0, ts, (i + 1) * 3 * kCoreSec, 9 * kMiB));
    return c;
  };
  run(cycle(0));
  Snapshot s = run(cycle(1));
  ASSERT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.names.name(s.pods[0].node), "node1");
  EXPECT_EQ(s.pods[0].usage.memory_working_set_bytes, kMiB);
}

TEST_F(RateStoreTest, MemoryStaysBoundedWhenPodsAreRenamedEveryCycle) {
  // 1000 nodes x 30 pods x 2 containers, every pod renamed each cycle (a churn worst case for an
  // append-only name table). Names have a fixed width so that every cycle holds the same bytes.
  constexpr int kNodes = 1000, kPods = 30, kCycles = 10;
  std::size_t steady = 0;
  char buf[64];
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    Cycle c;
    const std::int64_t ts = kT0 + cycle * 15 * kSec;
    for (int n = 0; n < kNodes; ++n) {
      std::snprintf(buf, sizeof buf, "node-%04d", n);
      NodeBatch& b = c.node(buf, point(0, ts, (cycle + 1) * kCoreSec, kMiB));
      for (int p = 0; p < kPods; ++p) {
        std::snprintf(buf, sizeof buf, "pod-%04d-%02d-c%02d", n, p, cycle);
        // Fresh containers (age 20 s) so that renamed pods are still served every cycle.
        const Sample s = point(ts - 20 * kSec, ts, 20 * kCoreSec, kMiB);
        b.add_container("default", buf, "app", s);
        b.add_container("default", buf, "sidecar", s);
      }
    }
    Snapshot snap = run(c);
    ASSERT_EQ(store_.stored_containers(), static_cast<std::size_t>(kNodes * kPods * 2));
    ASSERT_EQ(snap.pods.size(), static_cast<std::size_t>(kNodes * kPods));
    if (cycle == 1) steady = store_.memory_bytes();  // both generations are populated from here on
    if (cycle > 1) {
      EXPECT_LE(store_.memory_bytes(), steady + steady / 20) << "cycle " << cycle;
      EXPECT_GE(store_.memory_bytes() + steady / 20, steady) << "cycle " << cycle;
    }
  }
  // Two generations of 60 000 containers: a few hundred bytes per container at most.
  EXPECT_LT(steady, static_cast<std::size_t>(kNodes * kPods * 2) * 600);
}

TEST_F(RateStoreTest, InPlaceAndRebuiltCyclesServeTheSame) {
  // Store `a` sees the same batches every cycle and updates in place; store `b` also gets a node
  // that comes and goes, so that every one of its cycles is rebuilt. Both must serve the same pods,
  // through restarts, a counter decrease, a repeated point and a container without a prev.
  auto batches = [](int i, Cycle& c) {
    const std::int64_t ts = kT0 + i * 15 * kSec;
    NodeBatch& b = c.node("node1", point(0, ts, (i + 1) * 10 * kCoreSec, 2 * kMiB));
    b.add_container("ns1", "steady", "c", point(kT0 - 3600 * kSec, ts, (i + 1) * kCoreSec, kMiB, kMiB));
    // Restarted in cycle 2 (start 25 s, sampled 30 s: too young for the shortcut); fresh at 45 s.
    const bool restarted = i >= 2;
    b.add_container("ns1", "restart", "a", point(kT0 - 3600 * kSec, ts, (i + 1) * 2 * kCoreSec, kMiB));
    b.add_container("ns1", "restart", "b", point(restarted ? kT0 + 25 * kSec : kT0 - 3600 * kSec, ts,
                                                restarted ? (i - 1) * kCoreSec : (i + 1) * 3 * kCoreSec, kMiB));
    // CPU goes down in cycle 3 only.
    b.add_container("ns2", "decrease", "c", point(0, ts, (i == 3 ? 1 : i + 5) * kCoreSec, 3 * kMiB));
    // Repeats its point in cycle 3.
    const int j = i == 3 ? 2 : i;
    b.add_container("ns2", "repeat", "c", point(0, kT0 + j * 15 * kSec, (j + 1) * kCoreSec, kMiB));
  };
  RateStore a(60s), b(60s);
  for (int i = 0; i < 6; ++i) {
    Cycle ca, cb;
    batches(i, ca);
    batches(i, cb);
    if (i % 2 == 1) cb.node("node-extra", point(0, kT0 + i * 15 * kSec, (i + 1) * kCoreSec, kMiB));
    Snapshot sa = ca.snapshot(), sb = cb.snapshot();
    const ProduceStats stats_a = a.process(sa);
    const ProduceStats stats_b = b.process(sb);
    EXPECT_EQ(a.last_update_in_place(), i > 0) << i;
    EXPECT_FALSE(b.last_update_in_place()) << i;
    EXPECT_EQ(stats_a.container_rate_errors, stats_b.container_rate_errors) << i;
    EXPECT_EQ(stats_a.pods_missing_prev, stats_b.pods_missing_prev) << i;
    EXPECT_EQ(a.servable_container_points(), b.servable_container_points()) << i;
    ASSERT_EQ(sa.pods.size(), sb.pods.size()) << i;
    for (std::size_t k = 0; k < sa.pods.size(); ++k) {
      const PodMetrics& pa = sa.pods[k];
      const PodMetrics& pb = sb.pods[k];
      EXPECT_EQ(sa.names.name(pa.name), sb.names.name(pb.name)) << i;
      EXPECT_EQ(pa.usage.timestamp_ns, pb.usage.timestamp_ns) << i;
      EXPECT_EQ(pa.usage.window_ns, pb.usage.window_ns) << i;
      EXPECT_EQ(pa.usage.cpu_nanocores, pb.usage.cpu_nanocores) << i;
      EXPECT_EQ(pa.usage.memory_working_set_bytes, pb.usage.memory_working_set_bytes) << i;
      EXPECT_EQ(pa.usage.swap_usage_bytes, pb.usage.swap_usage_bytes) << i;
      EXPECT_EQ(pa.usage.present, pb.usage.present) << i;
      ASSERT_EQ(pa.container_count, pb.container_count) << i;
      for (std::uint32_t c = 0; c < pa.container_count; ++c) {
        const ContainerMetrics& ma = sa.containers[pa.first_container + c];
        const ContainerMetrics& mb = sb.containers[pb.first_container + c];
        EXPECT_EQ(sa.names.name(ma.name), sb.names.name(mb.name)) << i;
        EXPECT_EQ(ma.usage.cpu_nanocores, mb.usage.cpu_nanocores) << i;
        EXPECT_EQ(ma.usage.window_ns, mb.usage.window_ns) << i;
      }
    }
    if (i == 2) {
      EXPECT_EQ(stats_a.pods_missing_prev, 1u);  // "restart"
    }
    if (i == 3) {
      EXPECT_EQ(stats_a.container_rate_errors, 1u);  // "decrease"
    }
  }
}

}  // namespace
}  // namespace mpf::core
