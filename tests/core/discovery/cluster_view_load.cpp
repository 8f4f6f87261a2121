// Measures the cluster view against a running (fake) kube-apiserver: time to the first complete list of
// nodes and Running pods, objects kept, and resident memory before and after. Not a test; see
// tests/sim/README.md and the issue notes for the figures.
//   fake-apiserver --nodes 5000 --pods-per-node 30 --token t --kubeconfig-out kc --ready-file r &
//   cluster-view-load kc
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/discovery/api_connection.h"
#include "core/discovery/cluster_view_service.h"
#include "core/net/http_engine.h"
#include "core/status/self_metrics_registry.h"

namespace {

class StderrLogger : public mpf::Logger {
 public:
  bool enabled(int v) const noexcept override { return v == 0; }
  void log(mpf::Severity, int, std::string_view message, std::initializer_list<mpf::LogField> fields) noexcept override {
    std::string line(message);
    for (const auto& f : fields) line += " " + std::string(f.key) + "=" + f.value;
    std::fprintf(stderr, "%s\n", line.c_str());
  }
};

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cluster-view-load KUBECONFIG\n");
    return 2;
  }
  auto connection = mpf::core::load_kubeconfig(argv[1]);
  if (!connection) {
    std::fprintf(stderr, "%s\n", connection.status().message().c_str());
    return 1;
  }
  mpf::core::HttpEngine engine;
  if (!engine.start().is_ok()) return 1;
  StderrLogger logger;
  mpf::core::SelfMetricsRegistry metrics;
  const long rss_before = resident_kib();
  auto view = mpf::core::ClusterViewService::create(*connection, engine, logger, metrics);
  if (!view) {
    std::fprintf(stderr, "%s\n", view.status().message().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  (*view)->enable_pods();
  (*view)->start();
  if (!(*view)->wait_synced(std::chrono::minutes(5))) {
    std::fprintf(stderr, "not synced: %s\n", (*view)->health().message().c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto snapshot = (*view)->snapshot();
  std::printf("synced in %.2f s: %zu nodes, %zu pods; RSS %ld MiB -> %ld MiB\n", seconds, snapshot->nodes.size(),
              snapshot->pods.size(), rss_before / 1024, resident_kib() / 1024);
  (*view)->stop();
  engine.stop();
  return 0;
}
