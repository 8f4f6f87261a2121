// The aggregation stage at W5000: 5000 nodes × 30 pods × 2 containers (300 000 containers) per cycle.
// Goal (issue #5): a store update within 15 ms per cycle on one core; metrics-server's own benchmark
// measured 70–324 ms for this scenario on 8 cores.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "core/aggregation/pod_usage.h"
#include "core/aggregation/rate_store.h"

namespace mpf::core {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr int kTimedCycles = 8;

// One cycle's scrape results; cycle `c` advances every counter by 15 s of its container's rate.
std::vector<ScrapeResult> make_cycle(int nodes, int pods, int containers, int cycle) {
  std::vector<ScrapeResult> scrapes;
  scrapes.reserve(static_cast<std::size_t>(nodes));
  const std::int64_t t = (1'700'000'000 + 15LL * cycle) * kSecond;
  for (int n = 0; n < nodes; ++n) {
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = "node-" + std::to_string(n);
    Sample node;
    node.timestamp_ns = t;
    node.cpu_usage_core_ns = static_cast<std::uint64_t>(cycle + 1) * 15 * kSecond;
    node.memory_working_set_bytes = 8ull << 30;
    node.present = kHasCpu | kHasMemory;
    batch->set_node(node);
    for (int p = 0; p < pods; ++p) {
      std::string pod = "pod-" + std::to_string(n) + "-" + std::to_string(p);
      for (int c = 0; c < containers; ++c) {
        Sample s;
        s.timestamp_ns = t;
        s.start_time_ns = 1'600'000'000 * kSecond;
        s.cpu_usage_core_ns = static_cast<std::uint64_t>(cycle + 1) * 100'000'000ull * 15;
        s.memory_working_set_bytes = 64ull << 20;
        s.present = kHasCpu | kHasMemory | kHasStartTime;
        batch->add_container("team-" + std::to_string(p % 7), pod, c == 0 ? "app" : "sidecar", s);
      }
    }
    ScrapeResult r;
    r.target = batch->node_name;
    r.batch = std::move(batch);
    scrapes.push_back(std::move(r));
  }
  return scrapes;
}

// update() + produce() for one cycle, in steady state (every node and container has two points).
void BM_RateStoreCycle(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  RateStore store(std::chrono::seconds(15));
  // Counters only ever increase, so every timed cycle is a steady-state cycle with a rate for everyone.
  std::vector<std::vector<ScrapeResult>> cycles;
  for (int c = 0; c <= kTimedCycles; ++c) cycles.push_back(make_cycle(nodes, 30, 2, c));
  {
    Snapshot warm;
    warm.scrapes = cycles[0];
    store.process(warm);
  }
  int next = 1;
  std::size_t pods_served = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Snapshot snapshot;
    snapshot.scrapes = cycles[static_cast<std::size_t>(next++)];
    state.ResumeTiming();
    store.process(snapshot);
    benchmark::DoNotOptimize(snapshot.pods.data());
    pods_served = snapshot.pods.size();
  }
  state.counters["containers"] = static_cast<double>(nodes) * 60;
  state.counters["pods_served"] = static_cast<double>(pods_served);
  state.counters["store_MiB"] = static_cast<double>(store.memory_bytes()) / (1 << 20);
}
BENCHMARK(BM_RateStoreCycle)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(kTimedCycles);

// update() alone (the points), then produce() alone (the snapshot), of the same steady-state cycles.
void BM_RateStoreUpdateOnly(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  RateStore store(std::chrono::seconds(15));
  std::vector<std::vector<ScrapeResult>> cycles;
  for (int c = 0; c <= kTimedCycles; ++c) cycles.push_back(make_cycle(nodes, 30, 2, c));
  store.update(cycles[0]);
  std::size_t next = 1;
  for (auto _ : state) store.update(cycles[next++]);
  state.counters["in_place"] = store.last_update_in_place() ? 1 : 0;
}
BENCHMARK(BM_RateStoreUpdateOnly)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(kTimedCycles);

void BM_RateStoreProduceOnly(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  RateStore store(std::chrono::seconds(15));
  store.update(make_cycle(nodes, 30, 2, 0));
  store.update(make_cycle(nodes, 30, 2, 1));
  for (auto _ : state) {
    state.PauseTiming();
    auto snapshot = std::make_unique<Snapshot>();
    state.ResumeTiming();
    store.produce(*snapshot);
    benchmark::DoNotOptimize(snapshot->pods.data());
    state.PauseTiming();
    snapshot.reset();  // freeing the output is the reader's cost, not the store's
    state.ResumeTiming();
  }
}
BENCHMARK(BM_RateStoreProduceOnly)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(kTimedCycles);

// A reader of a published snapshot (a sink, the Metrics API): every pod with its namespace and name
// resolved and its containers' usage summed, as a list of all pods walks it. Lock-free: the snapshot is
// immutable and shared.
void BM_SnapshotReadAllPods(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  RateStore store(std::chrono::seconds(15));
  store.update(make_cycle(nodes, 30, 2, 0));
  store.update(make_cycle(nodes, 30, 2, 1));
  auto snapshot = std::make_shared<Snapshot>();
  store.produce(*snapshot);
  const std::shared_ptr<const Snapshot> published = snapshot;
  for (auto _ : state) {
    std::uint64_t cpu = 0, bytes = 0;
    for (const PodMetrics& pod : published->pods) {
      bytes += published->names.name(pod.namespace_name).size() + published->names.name(pod.name).size();
      for (std::uint32_t c = 0; c < pod.container_count; ++c) {
        cpu += published->containers[pod.first_container + c].usage.cpu_nanocores;
      }
    }
    benchmark::DoNotOptimize(cpu);
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["pods"] = static_cast<double>(published->pods.size());
}
BENCHMARK(BM_SnapshotReadAllPods)->Arg(5000)->Unit(benchmark::kMillisecond);

// The slow path: the set of nodes changes every cycle (one node leaves, then comes back), so every
// cycle is rebuilt by name.
void BM_RateStoreRebuildCycle(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  RateStore store(std::chrono::seconds(15));
  std::vector<std::vector<ScrapeResult>> cycles;
  for (int c = 0; c <= kTimedCycles; ++c) cycles.push_back(make_cycle(nodes - c % 2, 30, 2, c));
  {
    Snapshot warm;
    warm.scrapes = cycles[0];
    store.process(warm);
  }
  std::size_t next = 1;
  for (auto _ : state) {
    state.PauseTiming();
    Snapshot snapshot;
    snapshot.scrapes = cycles[next++];
    state.ResumeTiming();
    store.process(snapshot);
    benchmark::DoNotOptimize(snapshot.pods.data());
  }
  state.counters["in_place"] = store.last_update_in_place() ? 1 : 0;
}
BENCHMARK(BM_RateStoreRebuildCycle)->Arg(5000)->Unit(benchmark::kMillisecond)->Iterations(kTimedCycles);

// The `pod_usage` processor's cycle at W5000: 5000 nodes × 30 pods, each with a pod-level sample, over
// the snapshot `rates` produced (150 000 pods to fill). Only PodUsageTracker::process is timed.
// Second argument 1: one node leaves and comes back every other cycle, so every cycle is rebuilt.
void BM_PodUsageCycle(benchmark::State& state) {
  const bool churn = state.range(1) != 0;
  constexpr int kPods = 30;
  RateStore store(std::chrono::seconds(15));
  std::vector<std::unique_ptr<Snapshot>> snapshots;
  for (int c = 0; c <= kTimedCycles; ++c) {
    auto snapshot = std::make_unique<Snapshot>();
    const int nodes = static_cast<int>(state.range(0)) - (churn ? c % 2 : 0);
    snapshot->scrapes = make_cycle(nodes, kPods, 2, c);
    for (ScrapeResult& r : snapshot->scrapes) {
      auto batch = std::make_shared<NodeBatch>(*r.batch);
      const Sample& first = batch->containers.front().sample;
      for (int p = 0; p < kPods; ++p) {
        const ContainerSample& app = batch->containers[static_cast<std::size_t>(p) * 2];
        Sample s = first;
        s.cpu_usage_core_ns = app.sample.cpu_usage_core_ns * 2 + static_cast<std::uint64_t>(c) * 1'000'000;
        s.memory_working_set_bytes = app.sample.memory_working_set_bytes * 2 + (1u << 20);
        batch->add_pod(batch->names.name(app.namespace_name), batch->names.name(app.pod_name), s);
      }
      r.batch = std::move(batch);
    }
    store.process(*snapshot);  // what `rates` leaves: the pods to fill (none in cycle 0)
    snapshots.push_back(std::move(snapshot));
  }
  PodUsageTracker tracker;
  tracker.process(*snapshots[0]);
  std::size_t next = 1;
  for (auto _ : state) {
    tracker.process(*snapshots[next]);
    benchmark::DoNotOptimize(snapshots[next]->pods.data());
    ++next;
  }
  const Snapshot& last = *snapshots[next - 1];
  std::size_t filled = 0;
  for (const PodMetrics& p : last.pods) filled += p.kubelet_usage.present != 0;
  state.counters["pods"] = static_cast<double>(last.pods.size());
  state.counters["filled"] = static_cast<double>(filled);
  state.counters["entries"] = static_cast<double>(tracker.entries());
  state.counters["MiB"] = static_cast<double>(tracker.memory_bytes()) / (1 << 20);
  state.counters["in_place"] = tracker.last_update_in_place() ? 1 : 0;
}
BENCHMARK(BM_PodUsageCycle)->Args({5000, 0})->Args({5000, 1})->Unit(benchmark::kMillisecond)->Iterations(kTimedCycles);

}  // namespace
}  // namespace mpf::core

BENCHMARK_MAIN();
