// RateStoreOptions::tolerate_container_gaps: each rule that makes one container hide or empty its
// pod, with the option off (the reference's behaviour) and on (the pod is served with the
// containers that have usage), on both update paths (in place and rebuild).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/aggregation/rate_store.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::uint64_t kCoreSec = 1'000'000'000;
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::int64_t kT0 = 1'633'253'000 * kSec;
constexpr std::int64_t kLongAgo = kT0 - 3600 * kSec;  // start time of long-running containers

Sample point(std::int64_t start_ns, std::int64_t ts_ns, std::uint64_t cpu, std::uint64_t mem) {
  Sample s;
  s.start_time_ns = start_ns;
  s.timestamp_ns = ts_ns;
  s.cpu_usage_core_ns = cpu;
  s.memory_working_set_bytes = mem;
  s.present = kHasCpu | kHasMemory | kHasStartTime;
  return s;
}

Sample start_only(std::int64_t start_ns) {
  Sample s;
  s.start_time_ns = start_ns;
  s.present = kHasStartTime;
  return s;
}

struct C {
  std::string pod;
  std::string container;
  Sample s;
};

// One cycle: per node, its containers (all in namespace ns1; nodes have no node sample).
struct N {
  std::string node;
  std::vector<C> containers;
};

Snapshot cycle(const std::vector<N>& nodes) {
  Snapshot snap;
  for (const N& n : nodes) {
    auto b = std::make_shared<NodeBatch>();
    b->node_name = n.node;
    for (const C& c : n.containers) b->add_container("ns1", c.pod, c.container, c.s);
    ScrapeResult r;
    r.target = n.node;
    r.batch = std::move(b);
    snap.scrapes.push_back(std::move(r));
  }
  return snap;
}

const PodMetrics* find_pod(const Snapshot& s, std::string_view name) {
  for (const PodMetrics& p : s.pods) {
    if (s.names.name(p.name) == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> container_names(const Snapshot& s, const PodMetrics& p) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < p.container_count; ++i) {
    out.emplace_back(s.names.name(s.containers[p.first_container + i].name));
  }
  return out;
}

using Names = std::vector<std::string>;

class ContainerToleranceTest : public ::testing::Test {
 protected:
  Snapshot run(RateStore& store, const std::vector<N>& nodes) {
    Snapshot s = cycle(nodes);
    stats_ = store.process(s);
    return s;
  }

  RateStore strict_{60s};
  RateStore tolerant_{60s, RateStoreOptions{.tolerate_container_gaps = true}};
  ProduceStats stats_;
};

TEST_F(ContainerToleranceTest, DefaultIsStrict) {
  EXPECT_FALSE(strict_.options().tolerate_container_gaps);
  EXPECT_TRUE(tolerant_.options().tolerate_container_gaps);
}

// Rule 1, the zero rule, with the container coming back: it needs a prev again, then is served.
TEST_F(ContainerToleranceTest, IncompleteContainerDropsOnlyItselfWhenTolerant) {
  // "a" is sampled at 100/115/130/145 s, "b" 5 s earlier; "b" has no memory in cycle 1.
  auto nodes = [](int i, bool b_incomplete) {
    const std::int64_t ts = kT0 + (100 + 15 * i) * kSec;
    return std::vector<N>{{"node1",
                           {{"p", "a", point(kLongAgo, ts, (i + 1) * 3 * kCoreSec, 10 * kMiB)},
                            {"p", "b", point(kLongAgo, ts - 5 * kSec, (i + 1) * 6 * kCoreSec, b_incomplete ? 0 : 20 * kMiB)},
                            {"q", "c", point(kLongAgo, ts, (i + 1) * kCoreSec, kMiB)}}}};
  };
  for (RateStore* store : {&strict_, &tolerant_}) run(*store, nodes(0, false));

  Snapshot s = run(strict_, nodes(1, true));
  EXPECT_EQ(find_pod(s, "p"), nullptr);
  EXPECT_NE(find_pod(s, "q"), nullptr);
  EXPECT_EQ(strict_.dropped_pods(), 1u);
  EXPECT_EQ(strict_.dropped_containers(), 1u);

  s = run(tolerant_, nodes(1, true));
  const PodMetrics* p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"a"});
  // "a" alone: 3 core-s over 15 s; its own timestamp and window, not "b"'s earlier ones.
  EXPECT_EQ(p->usage.cpu_nanocores, 200'000'000u);
  EXPECT_EQ(p->usage.memory_working_set_bytes, 10 * kMiB);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 115 * kSec);
  EXPECT_EQ(p->usage.window_ns, 15 * kSec);
  EXPECT_NE(find_pod(s, "q"), nullptr);
  EXPECT_EQ(tolerant_.dropped_pods(), 0u);
  EXPECT_EQ(tolerant_.dropped_containers(), 1u);
  EXPECT_EQ(tolerant_.stored_containers(), 2u);

  // "b" is back but was not stored last cycle. Strict dropped "a" with it, so "p" has no prev at
  // all and stays hidden; tolerant kept "a" and serves it alone again.
  s = run(strict_, nodes(2, false));
  EXPECT_EQ(find_pod(s, "p"), nullptr);
  EXPECT_EQ(strict_.servable_container_points(), 1u);  // "c" only
  s = run(tolerant_, nodes(2, false));
  p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"a"});
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 130 * kSec);
  EXPECT_EQ(stats_.containers_missing_prev, 1u);
  EXPECT_EQ(stats_.pods_missing_prev, 0u);

  // Two points for "b": both modes serve the whole pod, timed by "b" (the earlier one).
  for (RateStore* store : {&strict_, &tolerant_}) {
    s = run(*store, nodes(3, false));
    p = find_pod(s, "p");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(container_names(s, *p), (Names{"a", "b"}));
    EXPECT_EQ(p->usage.cpu_nanocores, 200'000'000u + 400'000'000u);  // 3/15 + 6/15 cores
    EXPECT_EQ(p->usage.memory_working_set_bytes, 30 * kMiB);
    EXPECT_EQ(p->usage.timestamp_ns, kT0 + 140 * kSec);
    EXPECT_EQ(p->usage.window_ns, 15 * kSec);
    EXPECT_EQ(stats_.containers_missing_prev, 0u);
  }
}

// Rule 1 for a container that only has a start-time line (kubelet knows it, has no stats).
TEST_F(ContainerToleranceTest, StartTimeOnlyContainerDoesNotHidePodWhenTolerant) {
  auto nodes = [](int i) {
    const std::int64_t ts = kT0 + 15 * i * kSec;
    return std::vector<N>{{"node1",
                           {{"p", "init", start_only(kT0)},
                            {"p", "app", point(kLongAgo, ts, (i + 1) * 15 * kCoreSec, 5 * kMiB)}}}};
  };
  for (RateStore* store : {&strict_, &tolerant_}) run(*store, nodes(0));
  EXPECT_TRUE(run(strict_, nodes(1)).pods.empty());
  Snapshot s = run(tolerant_, nodes(1));
  const PodMetrics* p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"app"});
  EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 15 * kSec);
  EXPECT_EQ(p->usage.window_ns, 15 * kSec);
  // A pod of which every container is incomplete has nothing to serve in either mode.
  std::vector<N> only_bad{{"node1", {{"p", "init", start_only(kT0)}}}};
  EXPECT_TRUE(run(tolerant_, only_bad).pods.empty());
  EXPECT_EQ(tolerant_.stored_containers(), 0u);
}

// Rule 2 through the rebuild path: a container added to a running pod has no prev yet.
TEST_F(ContainerToleranceTest, NewContainerWithoutPrevDoesNotHidePodWhenTolerant) {
  auto nodes = [](int i, bool with_new) {
    const std::int64_t ts = kT0 + (100 + 10 * i) * kSec;
    std::vector<N> n{{"node1", {{"p", "old", point(kLongAgo, ts, (i + 1) * 5 * kCoreSec, 4 * kMiB)}}}};
    // Long-running, sampled 3 s before "old": no fresh-container shortcut.
    if (with_new) n[0].containers.push_back({"p", "new", point(kLongAgo, ts - 3 * kSec, (i + 1) * 2 * kCoreSec, 6 * kMiB)});
    return n;
  };
  for (RateStore* store : {&strict_, &tolerant_}) run(*store, nodes(0, false));

  Snapshot s = run(strict_, nodes(1, true));
  EXPECT_FALSE(strict_.last_update_in_place());
  EXPECT_TRUE(s.pods.empty());
  EXPECT_EQ(stats_.pods_missing_prev, 1u);

  s = run(tolerant_, nodes(1, true));
  EXPECT_FALSE(tolerant_.last_update_in_place());
  const PodMetrics* p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"old"});
  EXPECT_EQ(p->usage.cpu_nanocores, 500'000'000u);  // 5 core-s over 10 s
  EXPECT_EQ(p->usage.memory_working_set_bytes, 4 * kMiB);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 110 * kSec);  // not "new"'s earlier 107 s
  EXPECT_EQ(p->usage.window_ns, 10 * kSec);
  EXPECT_EQ(stats_.containers_missing_prev, 1u);
  EXPECT_EQ(stats_.pods_missing_prev, 0u);
  EXPECT_EQ(tolerant_.servable_container_points(), 1u);

  // Same shape again, so in place: now "new" has a prev and times the pod in both modes.
  for (RateStore* store : {&strict_, &tolerant_}) {
    s = run(*store, nodes(2, true));
    EXPECT_TRUE(store->last_update_in_place());
    p = find_pod(s, "p");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(container_names(s, *p), (Names{"new", "old"}));
    EXPECT_EQ(p->usage.cpu_nanocores, 500'000'000u + 200'000'000u);
    EXPECT_EQ(p->usage.timestamp_ns, kT0 + 117 * kSec);
    EXPECT_EQ(p->usage.window_ns, 10 * kSec);
  }
}

// Rule 2 through the in-place path: a restart long enough ago loses the container's prev while the
// batch keeps its shape; then the container comes back on its own.
TEST_F(ContainerToleranceTest, RestartedContainerDoesNotHidePodInPlaceWhenTolerant) {
  // "b" restarts at 125 s; sampled at 130 s (age 5 s: too young for the shortcut).
  auto nodes = [](int i) {
    const std::int64_t ts = kT0 + (100 + 15 * i) * kSec;
    const bool restarted = i >= 2;
    return std::vector<N>{{"node1",
                           {{"p", "a", point(kLongAgo, ts, (i + 1) * 15 * kCoreSec, kMiB)},
                            {"p", "b", point(restarted ? kT0 + 125 * kSec : kLongAgo, ts,
                                             restarted ? (i - 1) * kCoreSec : (i + 1) * 30 * kCoreSec, 2 * kMiB)}}}};
  };
  for (RateStore* store : {&strict_, &tolerant_}) {
    run(*store, nodes(0));
    EXPECT_EQ(run(*store, nodes(1)).pods.size(), 1u);
  }
  Snapshot s = run(strict_, nodes(2));
  EXPECT_TRUE(strict_.last_update_in_place());
  EXPECT_TRUE(s.pods.empty());
  EXPECT_EQ(stats_.pods_missing_prev, 1u);

  s = run(tolerant_, nodes(2));
  EXPECT_TRUE(tolerant_.last_update_in_place());
  const PodMetrics* p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"a"});
  EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(p->usage.memory_working_set_bytes, kMiB);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 130 * kSec);
  EXPECT_EQ(p->usage.window_ns, 15 * kSec);
  EXPECT_EQ(stats_.containers_missing_prev, 1u);

  // Back: "b" is now 20 s old, so the fresh-container shortcut gives it a prev at its start
  // (2 core-s over 20 s = 0.1 core), and the pod is timed by the earliest of equal timestamps.
  for (RateStore* store : {&strict_, &tolerant_}) {
    s = run(*store, nodes(3));
    EXPECT_TRUE(store->last_update_in_place());
    p = find_pod(s, "p");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(container_names(s, *p), (Names{"a", "b"}));
    EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u + 100'000'000u);
    EXPECT_EQ(p->usage.memory_working_set_bytes, 3 * kMiB);
    EXPECT_EQ(p->usage.timestamp_ns, kT0 + 145 * kSec);
    EXPECT_EQ(p->usage.window_ns, 15 * kSec);  // "a" comes first by name on the timestamp tie
  }
}

// Rule 2 when an earlier batch was applied in place and a later one forces a rebuild: the carried
// over batch keeps its missing prev, and tolerance still serves its pod.
TEST_F(ContainerToleranceTest, CarriedOverBatchServesPodWithRemainingContainers) {
  auto nodes = [](int i, bool node2_grows) {
    const std::int64_t ts = kT0 + (100 + 15 * i) * kSec;
    const bool restarted = i >= 2;
    std::vector<N> n{{"node1",
                      {{"p", "a", point(kLongAgo, ts, (i + 1) * 15 * kCoreSec, kMiB)},
                       {"p", "b", point(restarted ? kT0 + 125 * kSec : kLongAgo, ts, (i + 1) * kCoreSec, kMiB)}}},
                     {"node2", {{"q", "c", point(kLongAgo, ts, (i + 1) * kCoreSec, kMiB)}}}};
    if (node2_grows) n[1].containers.push_back({"r", "d", point(kLongAgo, ts, (i + 1) * kCoreSec, kMiB)});
    return n;
  };
  run(tolerant_, nodes(0, false));
  run(tolerant_, nodes(1, false));
  Snapshot s = run(tolerant_, nodes(2, true));
  EXPECT_FALSE(tolerant_.last_update_in_place());
  const PodMetrics* p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"a"});
  EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_NE(find_pod(s, "q"), nullptr);
  EXPECT_EQ(find_pod(s, "r"), nullptr);  // one point only
  // "d" has no prev either, but its pod has none at all: not served, not counted.
  EXPECT_EQ(stats_.containers_missing_prev, 1u);
}

// Rule 3: a failing rate omits the container in both modes; tolerant withholds an emptied pod.
TEST_F(ContainerToleranceTest, FailedRateOmitsContainerAndTolerantWithholdsEmptyPod) {
  // Cycle 1: "b" (pod p) and "solo" (pod s) report less CPU than in cycle 0, without a restart.
  auto nodes = [](int i) {
    const std::int64_t ts = kT0 + (100 + 15 * i) * kSec;
    const std::uint64_t down = (i == 0 ? 50 : 10) * kCoreSec;
    return std::vector<N>{{"node1",
                           {{"p", "a", point(kLongAgo, ts, (i + 1) * 15 * kCoreSec, kMiB)},
                            {"p", "b", point(kLongAgo, ts - 2 * kSec, down, 2 * kMiB)},
                            {"s", "solo", point(kLongAgo, ts, down, kMiB)}}}};
  };
  for (RateStore* store : {&strict_, &tolerant_}) run(*store, nodes(0));

  Snapshot s = run(strict_, nodes(1));
  EXPECT_TRUE(strict_.last_update_in_place());
  EXPECT_EQ(stats_.container_rate_errors, 2u);
  const PodMetrics* p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"a"});
  const PodMetrics* solo = find_pod(s, "s");
  ASSERT_NE(solo, nullptr);  // the reference serves it empty
  EXPECT_EQ(solo->container_count, 0u);
  EXPECT_EQ(solo->usage.timestamp_ns, 0);

  s = run(tolerant_, nodes(1));
  EXPECT_TRUE(tolerant_.last_update_in_place());
  EXPECT_EQ(stats_.container_rate_errors, 2u);
  EXPECT_EQ(stats_.pods_without_containers, 1u);
  EXPECT_EQ(find_pod(s, "s"), nullptr);
  p = find_pod(s, "p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(container_names(s, *p), Names{"a"});
  EXPECT_EQ(p->usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(p->usage.memory_working_set_bytes, kMiB);
  EXPECT_EQ(p->usage.timestamp_ns, kT0 + 115 * kSec);  // "a"'s, not the failed "b"'s 113 s
  EXPECT_EQ(p->usage.window_ns, 15 * kSec);
  ASSERT_EQ(s.pods.size(), 1u);
  EXPECT_EQ(s.containers.size(), 1u);
}

// With no gap anywhere, the option changes nothing, over rebuild and in-place cycles alike.
TEST_F(ContainerToleranceTest, WithoutGapsBothModesServeTheSame) {
  auto nodes = [](int i) {
    const std::int64_t ts = kT0 + (100 + 15 * i) * kSec;
    std::vector<N> n;
    for (int k = 0; k < 3; ++k) {
      N node{"node" + std::to_string(k), {}};
      // Cycle 3 adds a pod to node1 (a rebuild); the others keep the shape (in place).
      const int pods = (i >= 3 && k == 1) ? 3 : 2;
      for (int q = 0; q < pods; ++q) {
        const std::string pod = "pod-" + std::to_string(k) + "-" + std::to_string(q);
        node.containers.push_back({pod, "app", point(kLongAgo, ts - q * kSec, (i + 1) * (q + 1) * kCoreSec, kMiB)});
        node.containers.push_back({pod, "side", point(kLongAgo, ts, (i + 1) * 2 * kCoreSec, 2 * kMiB)});
      }
      n.push_back(std::move(node));
    }
    return n;
  };
  for (int i = 0; i < 6; ++i) {
    Snapshot a = run(strict_, nodes(i));
    const ProduceStats strict_stats = stats_;
    Snapshot b = run(tolerant_, nodes(i));
    EXPECT_EQ(strict_.last_update_in_place(), tolerant_.last_update_in_place()) << i;
    EXPECT_EQ(tolerant_.last_update_in_place(), i != 0 && i != 3) << i;
    EXPECT_EQ(strict_stats.pods_missing_prev, stats_.pods_missing_prev);
    ASSERT_EQ(a.pods.size(), b.pods.size()) << i;
    ASSERT_EQ(a.containers.size(), b.containers.size()) << i;
    for (std::size_t k = 0; k < a.pods.size(); ++k) {
      EXPECT_EQ(a.names.name(a.pods[k].name), b.names.name(b.pods[k].name));
      EXPECT_EQ(a.pods[k].usage.cpu_nanocores, b.pods[k].usage.cpu_nanocores);
      EXPECT_EQ(a.pods[k].usage.memory_working_set_bytes, b.pods[k].usage.memory_working_set_bytes);
      EXPECT_EQ(a.pods[k].usage.timestamp_ns, b.pods[k].usage.timestamp_ns);
      EXPECT_EQ(a.pods[k].usage.window_ns, b.pods[k].usage.window_ns);
      EXPECT_EQ(a.pods[k].container_count, b.pods[k].container_count);
    }
  }
}

}  // namespace
}  // namespace mpf::core
