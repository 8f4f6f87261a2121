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

#include "bench_snapshot.h"
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

using bench::make_snapshot;

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
