// The whole exporter path at scale, as the pipeline runs it: one W5000 snapshot through the host's sink
// runtime (SinkRunner: queue, per-attempt timeout, retries) into the prometheus_remote_write exporter
// (encode, snappy) and the host's HTTP engine (POST per batch) to a real receiver given by URL. Prints
// the CPU this process spent on it (every thread but the waiting main thread, getrusage), the wall time, the batches and bytes sent,
// and the resident memory the delivery added (peak RSS after minus RSS before). The receiver runs in
// its own process, so its cost is not counted.
//
//   remote_write_delivery_bench URL [NODES=5000] [ROUNDS=3] [MAX_SAMPLES_PER_REQUEST=2000]
// tests/plugins/sinks/prometheus_remote_write/run_delivery_bench.sh starts VictoriaMetrics and runs it.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "bench_snapshot.h"
#include "core/export/sink_runner.h"
#include "core/status/self_metrics_registry.h"
#include "remote_write_config.h"
#include "remote_write_exporter.h"
#include "tests/test_common/test_context.h"

namespace {

using Clock = std::chrono::steady_clock;

// CPU of the whole process (`who` = RUSAGE_SELF) or of the calling thread (RUSAGE_THREAD).
double cpu_seconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// VmRSS or VmHWM from /proc/self/status, in KiB.
long status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux ≥ 4.0).
void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mpf;
  using namespace mpf::sinks::remote_write;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s URL [NODES=5000] [ROUNDS=3] [MAX_SAMPLES_PER_REQUEST=2000]\n", argv[0]);
    return 2;
  }
  const int nodes = argc > 2 ? std::atoi(argv[2]) : 5000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;

  test::TestContext context("prom");
  RemoteWriteConfig config;
  config.url = argv[1];
  config.external_labels = {{"cluster", "bench"}};
  if (argc > 4) config.max_samples_per_request = std::atoi(argv[4]);
  Result<RemoteWriteSettings> settings = make_settings(config);
  if (!settings) {
    std::fprintf(stderr, "%s\n", settings.status().message().c_str());
    return 2;
  }
  Result<std::shared_ptr<HttpClient>> client = context.make_http_client(settings->client);
  if (!client) return 2;
  auto exporter = std::make_shared<RemoteWriteExporter>(*settings, *client);

  core::SelfMetricsRegistry metrics;
  core::SinkRunnerOptions options;
  options.consume_timeout = std::chrono::seconds(30);
  core::SinkRunner runner("prom", exporter, options, context.logger(), metrics);
  if (!runner.start().is_ok()) return 2;
  auto sent_batches = [&] { return metrics.value("mpf_sink_sent_batches_total", {{"sink", "prom"}}).value_or(0); };
  auto failed = [&] {
    double n = 0;
    for (const char* reason : {"permanent", "retries_exhausted", "shutdown"}) {
      n += metrics.value("mpf_sink_failed_batches_total", {{"sink", "prom"}, {"reason", reason}}).value_or(0);
    }
    return n;
  };
  auto done = [&] {
    return metrics.value("mpf_sink_snapshots_total", {{"sink", "prom"}, {"result", "ok"}}).value_or(0) +
           metrics.value("mpf_sink_snapshots_total", {{"sink", "prom"}, {"result", "retryable"}}).value_or(0) +
           metrics.value("mpf_sink_snapshots_total", {{"sink", "prom"}, {"result", "permanent"}}).value_or(0);
  };

  std::printf("nodes=%d\n", nodes);
  for (int round = 1; round <= rounds; ++round) {
    // Each round's snapshot is built first (not measured), stamped now: receivers drop samples older
    // than their retention.
    const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count();
    auto snapshot = bench::make_snapshot(nodes, now_ns - 1'700'000'000'000'000'000 - 60'000'000'000);
    const double batches_before = sent_batches();
    const double samples_before = metrics.value("mpf_sink_sent_samples_total", {{"sink", "prom"}}).value_or(0);
    const long rss_before = status_kib("VmRSS");
    reset_peak_rss();
    // The main thread only waits; its polling is taken out of the figure.
    const double cpu_before = cpu_seconds(RUSAGE_SELF);
    const double main_before = cpu_seconds(RUSAGE_THREAD);
    const auto wall_before = Clock::now();
    runner.offer(snapshot);
    while (done() < round) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const double cpu = (cpu_seconds(RUSAGE_SELF) - cpu_before) - (cpu_seconds(RUSAGE_THREAD) - main_before);
    const double wall = std::chrono::duration<double>(Clock::now() - wall_before).count();
    const long peak = status_kib("VmHWM");
    const double samples = metrics.value("mpf_sink_sent_samples_total", {{"sink", "prom"}}).value_or(0) - samples_before;
    std::printf("round %d: cpu %.3f core-s, wall %.2f s, series %.0f, batches %.0f, failed %.0f, peak RSS +%.1f MiB\n",
                round, cpu, wall, samples, sent_batches() - batches_before, failed(),
                static_cast<double>(peak - rss_before) / 1024);
  }
  runner.stop(std::chrono::seconds(5));
  return failed() == 0 ? 0 : 1;
}
