#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/sim/cluster_model.h"

// What a kubelet answers on /metrics/resource and /stats/summary, rendered from the cluster model for one
// node at one request time. Pure functions with no I/O; they append to a caller-owned buffer that is
// meant to be reused across requests.

namespace mpf::sim {

// Which kubelet's /metrics/resource to imitate.
enum class KubeletShape : uint8_t {
  // v1.34+ (families and HELP text of the v1.36-dev catalog): [STABLE] CPU/memory families,
  // resource_scrape_error (scrape_error is hidden since 1.30), the Linux swap families, and
  // container_start_time_seconds without a timestamp. The Windows-only *_commit_bytes are not emitted.
  kCurrent,
  // v1.28 and older (the kind 2024 fixture): every family [ALPHA], scrape_error, no swap families, and
  // container_start_time_seconds carrying the start time itself as its timestamp (kubernetes #117880).
  kV128,
};

struct ResourceMetricsOptions {
  KubeletShape shape = KubeletShape::kCurrent;  // Default: current kubelets.
};

struct SummaryOptions {
  // Default: true. go-restful pretty-prints JSON with one-space indents, and kubelets serve it that way.
  bool pretty = true;
  // Default: true. v1.34 kubelets add pressure stall information to cpu and memory (KubeletPSI, beta).
  bool psi = true;
};

// Content-Type of /metrics/resource for a shape (Prometheus text 0.0.4; current client_golang adds the
// escaping scheme).
std::string_view resource_metrics_content_type(KubeletShape shape);

// GET /metrics/resource: Prometheus text exposition of `node` at request time `now_ms`, appended to `out`.
// Families sorted by name, series by label values, label order container,namespace,pod, values in Go float
// format, and each CPU/memory sample stamped with its own stats time in milliseconds.
void render_resource_metrics(const ClusterModel& model, size_t node, int64_t now_ms,
                             const ResourceMetricsOptions& options, std::string& out);

// GET /stats/summary?only_cpu_and_memory=true: the Summary API JSON of a v1.34 kubelet restricted to
// what GetCPUAndMemoryStats fills (node with system containers, pods, containers: cpu, memory, swap).
void render_summary(const ClusterModel& model, size_t node, int64_t now_ms, const SummaryOptions& options,
                    std::string& out);

}  // namespace mpf::sim
