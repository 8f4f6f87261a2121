// Throughput of the JSON lines codec on a synthetic 100-node cluster (30 pods of 2 containers per
// node, every usage field present, the raw batches behind them): lines/s and bytes/s, both shapes.
//
//   ninja -C build jsonl_encoder_bench && build/bin/jsonl_encoder_bench
#include <benchmark/benchmark.h>

#include <string>

#include "json_lines_encoder.h"

namespace mpf::sinks::jsonl {
namespace {

Snapshot make_cluster(int nodes, int pods_per_node) {
  Snapshot s;
  s.cycle = 1;
  Usage u;
  u.timestamp_ns = 1700000000123456789;
  u.window_ns = 15000000000;
  u.cpu_nanocores = 123456789;
  u.memory_working_set_bytes = 987654321;
  u.swap_usage_bytes = 1;
  u.ephemeral_storage_bytes = 2;
  u.present = kHasCpu | kHasMemory | kHasSwap | kHasEphemeralStorage;
  Sample raw;
  raw.cpu_usage_core_ns = 123456789012345;
  raw.present = kHasCpu;
  for (int n = 0; n < nodes; ++n) {
    std::string node = "node-" + std::to_string(n);
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = node;
    batch->set_node(raw);
    NodeMetrics nm;
    nm.name = s.names.intern(node);
    nm.usage = u;
    s.nodes.push_back(nm);
    for (int p = 0; p < pods_per_node; ++p) {
      std::string pod = "web-" + std::to_string(n) + "-" + std::to_string(p);
      PodMetrics pm;
      pm.node = nm.name;
      pm.namespace_name = s.names.intern("default");
      pm.name = s.names.intern(pod);
      pm.usage = u;
      pm.first_container = static_cast<std::uint32_t>(s.containers.size());
      pm.container_count = 2;
      s.pods.push_back(pm);
      batch->add_pod("default", pod, raw);
      for (const char* c : {"app", "sidecar"}) {
        s.containers.push_back(ContainerMetrics{s.names.intern(c), u});
        batch->add_container("default", pod, c, raw);
      }
    }
    s.scrapes.push_back(ScrapeResult{"kubelet", node, Status::ok(), FailureReason::kNone, {}, batch});
  }
  return s;
}

void run(benchmark::State& state, JsonShape shape) {
  const Snapshot s = make_cluster(100, 30);
  EncoderOptions options;
  options.shape = shape;
  JsonLinesEncoder encoder(options);
  std::size_t lines = 0, bytes = 0;
  for (auto _ : state) {
    encoder.encode(s, [&](std::string_view line, std::size_t) {
      ++lines;
      bytes += line.size() + 1;
      benchmark::DoNotOptimize(line.data());
      return true;
    });
  }
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_SampleShape(benchmark::State& state) { run(state, JsonShape::kSample); }
void BM_SnapshotShape(benchmark::State& state) { run(state, JsonShape::kSnapshot); }
BENCHMARK(BM_SampleShape)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SnapshotShape)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mpf::sinks::jsonl

BENCHMARK_MAIN();
