// Encoding cost of the influxdb sink: a snapshot of N nodes x 30 pods x 2 containers (with the raw
// scrapes, so cumulative counter lines too) through PointEncoder, and the same with gzip level 1 on
// each batch as the exporter does. Reports per snapshot: lines, bytes (raw and gzipped), ns per line.
//
//   build-influx/bin/influxdb_encode_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>

#include "mpf/sdk/gzip.h"
#include "point_encoder.h"

namespace mpf::sinks::influxdb {
namespace {

Snapshot make_snapshot(int nodes) {
  Snapshot s;
  const std::int64_t ts = 1768329614000000000;
  for (int n = 0; n < nodes; ++n) {
    const std::string node_name = "ip-10-0-" + std::to_string(n / 250) + "-" + std::to_string(n % 250) + ".ec2.internal";
    NodeMetrics node;
    node.name = s.names.intern(node_name);
    node.usage = Usage{ts, 10000000000, 1500000000, 8000000000, 0, 0, kHasCpu | kHasMemory};
    s.nodes.push_back(node);
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = node_name;
    batch->set_node(Sample{ts, 0, 123456789012345, 8000000000, 0, 0, 0, kHasCpu | kHasMemory});
    for (int p = 0; p < 30; ++p) {
      const std::string ns = "team-" + std::to_string(p % 7);
      const std::string pod = "deployment-" + std::to_string(n) + "-" + std::to_string(p) + "-7c9f8d6b5-x2k4q";
      PodMetrics pm;
      pm.namespace_name = s.names.intern(ns);
      pm.name = s.names.intern(pod);
      pm.node = node.name;
      pm.usage = Usage{ts, 10000000000, 25000000, 120000000, 0, 0, kHasCpu | kHasMemory};
      pm.first_container = static_cast<std::uint32_t>(s.containers.size());
      pm.container_count = 2;
      s.pods.push_back(pm);
      for (const char* c : {"app", "istio-proxy"}) {
        ContainerMetrics cm;
        cm.name = s.names.intern(c);
        cm.usage = Usage{ts, 10000000000, 12500000, 60000000, 0, 0, kHasCpu | kHasMemory};
        s.containers.push_back(cm);
        batch->add_container(ns, pod, c, Sample{ts, 0, 98765432101, 60000000, 0, 0, 0, kHasCpu | kHasMemory});
      }
    }
    ScrapeResult r;
    r.target = node_name;
    r.batch = std::move(batch);
    s.scrapes.push_back(std::move(r));
  }
  return s;
}

void encode(benchmark::State& state, bool gzip) {
  const Snapshot snapshot = make_snapshot(static_cast<int>(state.range(0)));
  PointEncoderOptions options;
  options.extra_tags = {{"cluster", "prod-eu-west-1"}};
  const PointEncoder encoder(options);
  std::size_t lines = 0, raw = 0, sent = 0;
  // Counted once, outside the timed loop.
  encoder.encode(snapshot, [&](std::string&& text, std::size_t) {
    lines += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    return true;
  });
  for (auto _ : state) {
    raw = sent = 0;
    encoder.encode(snapshot, [&](std::string&& text, std::size_t) {
      raw += text.size();
      sent += gzip ? gzip_compress(text).size() : text.size();
      return true;
    });
  }
  state.counters["lines"] = static_cast<double>(lines);
  state.counters["raw_MB"] = static_cast<double>(raw) / 1e6;
  state.counters["sent_MB"] = static_cast<double>(sent) / 1e6;
  state.counters["ns_per_line"] = benchmark::Counter(static_cast<double>(lines) * state.iterations(),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Encode(benchmark::State& state) { encode(state, false); }
void BM_EncodeGzip(benchmark::State& state) { encode(state, true); }
BENCHMARK(BM_Encode)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeGzip)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mpf::sinks::influxdb

BENCHMARK_MAIN();
