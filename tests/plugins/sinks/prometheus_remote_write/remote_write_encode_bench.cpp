// Encoding cost of the prometheus_remote_write sink: a snapshot of N nodes x 30 pods x 2 containers
// (W5000: N = 5000, 1.2 M series) through RemoteWriteExporter::encode() with a no-op emitter (protobuf +
// snappy), and through SeriesEncoder alone (protobuf only). Reports per snapshot: compressed and raw
// bytes, batches, series, ns per series, and the peak heap the encoding adds (live bytes counted by a
// replaced operator new; the snapshot itself is excluded).
//
//   build-rw/tests/plugins/sinks/prometheus_remote_write/remote_write_encode_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "remote_write_config.h"
#include "remote_write_exporter.h"
#include "series_encoder.h"

namespace {

std::atomic<std::size_t> g_live_bytes{0};
std::atomic<std::size_t> g_peak_bytes{0};

void* tracked_allocate(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  const std::size_t live = g_live_bytes.fetch_add(malloc_usable_size(p), std::memory_order_relaxed) + malloc_usable_size(p);
  std::size_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  return p;
}

void tracked_free(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t size) { return tracked_allocate(size); }
void* operator new[](std::size_t size) { return tracked_allocate(size); }
void operator delete(void* p) noexcept { tracked_free(p); }
void operator delete[](void* p) noexcept { tracked_free(p); }
void operator delete(void* p, std::size_t) noexcept { tracked_free(p); }
void operator delete[](void* p, std::size_t) noexcept { tracked_free(p); }

namespace mpf::sinks::remote_write {
namespace {

constexpr int kPodsPerNode = 30;
constexpr int kContainersPerPod = 2;
constexpr const char* kNamespaces[] = {"kube-system", "default", "monitoring", "ingress-nginx", "cert-manager",
                                       "team-payments", "team-search", "logging", "istio-system", "batch-jobs"};
constexpr const char* kContainers[] = {"app", "istio-proxy"};

// "coredns-7d764666f9-qdcxt": a Deployment's pod name (replica-set hash, random suffix).
std::string pod_name(int i) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string name = "workload-" + std::to_string(i % 997) + "-7d764666f9-";
  unsigned v = static_cast<unsigned>(i) * 2654435761u;
  for (int k = 0; k < 5; ++k, v /= 27) name += kAlphabet[v % 27];
  return name;
}

std::string node_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "node-%05d", i);
  return buf;
}

Usage usage_of(std::int64_t ts, std::uint64_t cpu, std::uint64_t memory) {
  Usage u;
  u.timestamp_ns = ts;
  u.window_ns = 15000000000;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = kHasCpu | kHasMemory;
  return u;
}

// A snapshot as the pipeline publishes it, with one scrape batch per node (for the cumulative series).
std::shared_ptr<const Snapshot> make_snapshot(int nodes) {
  auto s = std::make_shared<Snapshot>();
  const std::int64_t t0 = 1700000000000000000;
  s->finished_at = std::chrono::system_clock::time_point(std::chrono::nanoseconds(t0 + 2000000000));
  std::vector<std::shared_ptr<NodeBatch>> batches;
  for (int n = 0; n < nodes; ++n) {
    const std::int64_t ts = t0 + n * 1000003;
    NodeMetrics& node = s->nodes.emplace_back();
    node.name = s->names.intern(node_name(n));
    node.usage = usage_of(ts, 1234567890u + n, 8000000000u + n);
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = node_name(n);
    Sample node_sample;
    node_sample.timestamp_ns = ts;
    node_sample.cpu_usage_core_ns = 987654321012345u + n;
    node_sample.present = kHasCpu | kHasMemory;
    batch->set_node(node_sample);
    batches.push_back(batch);
  }
  const int pods = nodes * kPodsPerNode;
  for (int p = 0; p < pods; ++p) {
    const int node = p % nodes;
    const char* ns = kNamespaces[(p / std::max(1, pods / 10)) % 10];  // sorted-by-namespace runs
    const std::string name = pod_name(p);
    const std::int64_t ts = t0 + p * 7919;
    PodMetrics pod;
    pod.namespace_name = s->names.intern(ns);
    pod.name = s->names.intern(name);
    pod.node = s->names.intern(node_name(node));
    pod.usage = usage_of(ts, 20000000u + p, 200000000u + p);
    pod.first_container = static_cast<std::uint32_t>(s->containers.size());
    pod.container_count = kContainersPerPod;
    s->pods.push_back(pod);
    for (const char* container : kContainers) {
      s->containers.push_back(ContainerMetrics{s->names.intern(container), usage_of(ts, 10000000u + p, 100000000u + p)});
      Sample sample;
      sample.timestamp_ns = ts;
      sample.cpu_usage_core_ns = 5000000000000u + static_cast<std::uint64_t>(p) * 1000;
      sample.present = kHasCpu | kHasMemory;
      batches[static_cast<std::size_t>(node)]->add_container(ns, name, container, sample);
    }
  }
  for (int n = 0; n < nodes; ++n) {
    s->scrapes.push_back(ScrapeResult{"kubelet", node_name(n), Status::ok(), FailureReason::kNone, {}, batches[static_cast<std::size_t>(n)]});
  }
  for (const char* ns : kNamespaces) {
    s->namespaces.push_back(NamespaceTotals{s->names.intern(ns), usage_of(t0, 1000, 2000), 1});
  }
  std::sort(s->namespaces.begin(), s->namespaces.end(), [&](const auto& a, const auto& b) {
    return s->names.name(a.name) < s->names.name(b.name);
  });
  s->cluster.nodes = usage_of(t0, 5000, 6000);
  return s;
}

struct CountingEmitter final : BatchEmitter {
  std::size_t batches = 0;
  std::size_t bytes = 0;
  std::size_t samples = 0;
  bool emit(ExportBatch&& batch) noexcept override {
    ++batches;
    bytes += batch.payload.size();
    samples += batch.samples;
    return true;
  }
};

RemoteWriteSettings settings() {
  RemoteWriteConfig config;
  config.url = "http://127.0.0.1:9090/api/v1/write";
  config.external_labels = {{"cluster", "prod"}};
  return *make_settings(config);
}

void BM_ExporterEncode(benchmark::State& state) {
  auto snapshot = make_snapshot(static_cast<int>(state.range(0)));
  // Constructed here so the first iteration's buffer growth counts towards the peak.
  RemoteWriteExporter exporter(settings(), nullptr);
  CountingEmitter emitter;
  std::size_t peak_extra = 0;
  for (auto _ : state) {
    emitter = CountingEmitter{};
    const std::size_t baseline = g_live_bytes.load();
    g_peak_bytes.store(baseline);
    Status st = exporter.encode(*snapshot, emitter);
    if (!st.is_ok()) state.SkipWithError(st.message().c_str());
    peak_extra = std::max(peak_extra, g_peak_bytes.load() - baseline);
  }
  state.counters["series"] = static_cast<double>(emitter.samples);
  state.counters["batches"] = static_cast<double>(emitter.batches);
  state.counters["payload_bytes"] = static_cast<double>(emitter.bytes);
  state.counters["peak_extra_MiB"] = static_cast<double>(peak_extra) / (1 << 20);
  state.counters["retained_KiB"] = static_cast<double>(exporter.retained_bytes_for_test()) / 1024;
  state.counters["ns_per_series"] = benchmark::Counter(static_cast<double>(emitter.samples) * 1e-9,
                                                       benchmark::Counter::kIsIterationInvariantRate |
                                                           benchmark::Counter::kInvert);
}
BENCHMARK(BM_ExporterEncode)->Arg(1)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_SeriesEncoderOnly(benchmark::State& state) {
  auto snapshot = make_snapshot(static_cast<int>(state.range(0)));
  SeriesEncoder encoder({{"cluster", "prod"}}, SeriesOptions{});
  std::size_t raw_bytes = 0;
  std::size_t series = 0;
  for (auto _ : state) {
    raw_bytes = 0;
    series = 0;
    encoder.encode(*snapshot, [&](std::string_view request, std::size_t n) {
      raw_bytes += request.size();
      series += n;
      benchmark::DoNotOptimize(request.data());
      return true;
    });
  }
  state.counters["series"] = static_cast<double>(series);
  state.counters["raw_bytes"] = static_cast<double>(raw_bytes);
  state.counters["ns_per_series"] = benchmark::Counter(static_cast<double>(series) * 1e-9,
                                                       benchmark::Counter::kIsIterationInvariantRate |
                                                           benchmark::Counter::kInvert);
}
BENCHMARK(BM_SeriesEncoderOnly)->Arg(1)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mpf::sinks::remote_write

BENCHMARK_MAIN();
