#pragma once

/// @file
/// The snapshot: everything one cycle produced, published once and then immutable. Sinks and API
/// readers hold it through SnapshotPtr (shared_ptr<const Snapshot>) without locks; the next cycle
/// publishes a new one rather than changing this one.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mpf/sdk/names.h"
#include "mpf/sdk/sample.h"
#include "mpf/sdk/status.h"

namespace mpf {

/// Why a target produced no usable data. Sources classify their failures so operators see one
/// reason per node (in logs, self-metrics and readiness detail) instead of a raw error string.
enum class FailureReason : std::uint8_t {
  kNone = 0,
  kTimeout,            ///< no complete answer before the deadline
  kConnectionRefused,  ///< TCP connect refused or reset
  kDns,                ///< the address could not be resolved
  kTls,                ///< TLS handshake or certificate verification failed
  kUnauthorized,       ///< HTTP 401
  kForbidden,          ///< HTTP 403
  kHttpStatus,         ///< any other non-200 HTTP status
  kParse,              ///< the body could not be decoded
  kZeroValues,         ///< the target answered but reported zero CPU or memory
  kTooLarge,           ///< the body exceeded the size cap
  kInternal,           ///< the plugin failed for a reason of its own
};

inline const char* failure_reason_name(FailureReason r) {
  switch (r) {
    case FailureReason::kNone: return "none";
    case FailureReason::kTimeout: return "timeout";
    case FailureReason::kConnectionRefused: return "connection_refused";
    case FailureReason::kDns: return "dns";
    case FailureReason::kTls: return "tls";
    case FailureReason::kUnauthorized: return "unauthorized";
    case FailureReason::kForbidden: return "forbidden";
    case FailureReason::kHttpStatus: return "http_status";
    case FailureReason::kParse: return "parse_error";
    case FailureReason::kZeroValues: return "zero_values";
    case FailureReason::kTooLarge: return "too_large";
    case FailureReason::kInternal: return "internal";
  }
  return "unknown";
}

/// How one target's scrape ended in a cycle.
struct ScrapeResult {
  /// The source instance's name (its `name:` in the config, or the plugin name).
  std::string source;
  /// The target's name (normally the node name).
  std::string target;
  Status status;
  FailureReason reason = FailureReason::kNone;
  /// Wall time from the scrape's start to its completion (or to the deadline).
  std::chrono::nanoseconds duration{0};
  /// The data, or null when the scrape failed.
  std::shared_ptr<const NodeBatch> batch;
};

/// Usage computed over a window: CPU as a rate, memory and the optional resources as last values.
struct Usage {
  /// End of the window (time of the newest sample), ns since the epoch.
  std::int64_t timestamp_ns = 0;
  /// Length of the window the CPU rate was computed over.
  std::int64_t window_ns = 0;
  std::uint64_t cpu_nanocores = 0;
  std::uint64_t memory_working_set_bytes = 0;
  std::uint64_t swap_usage_bytes = 0;
  std::uint64_t ephemeral_storage_bytes = 0;
  /// Bits of SampleField saying which values are present (kHasCpu means cpu_nanocores is valid).
  std::uint16_t present = 0;
};

struct NodeMetrics {
  NameId name = kEmptyName;
  Usage usage;
  /// Sum over the pods running on this node in this snapshot, filled by the totals processor (zero
  /// without it). Lets a reader compare what the node reports with what its pods account for.
  Usage pods;
  /// Number of pods summed into `pods`.
  std::uint32_t pod_count = 0;
};

struct ContainerMetrics {
  NameId name = kEmptyName;
  Usage usage;
};

/// A pod: its containers are containers[first_container, first_container + container_count).
struct PodMetrics {
  NameId namespace_name = kEmptyName;
  NameId name = kEmptyName;
  NameId node = kEmptyName;
  /// Sum over containers; timestamp and window are those of the container with the earliest timestamp.
  Usage usage;
  std::uint32_t first_container = 0;
  std::uint32_t container_count = 0;
  /// The kubelet's own pod-level values (the pod cgroup, sandbox included), as a rate over the pod
  /// sample's two points; `present == 0` when the source gave none or no rate exists yet (filled by
  /// the `pod_usage` processor).
  Usage kubelet_usage;
};

struct NamespaceTotals {
  NameId name = kEmptyName;
  Usage usage;
  std::uint32_t pods = 0;
};

struct ClusterTotals {
  Usage nodes;  ///< sum over nodes
  Usage pods;   ///< sum over pods
  std::uint32_t node_count = 0;
  std::uint32_t pod_count = 0;
};

/// One cycle's published state.
struct Snapshot {
  /// 1 for the first cycle, then increasing by one.
  std::uint64_t cycle = 0;
  /// Cycle start and end, wall clock.
  std::chrono::system_clock::time_point started_at;
  std::chrono::system_clock::time_point finished_at;
  /// Every target of every source, in source order then target order.
  std::vector<ScrapeResult> scrapes;

  /// Names referenced by the metrics below.
  NameTable names;
  /// Sorted by name.
  std::vector<NodeMetrics> nodes;
  /// Sorted by (namespace, name).
  std::vector<PodMetrics> pods;
  std::vector<ContainerMetrics> containers;
  /// Sorted by name.
  std::vector<NamespaceTotals> namespaces;
  ClusterTotals cluster;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace mpf
