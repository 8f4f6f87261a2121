#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/self_metrics.h"

namespace mpf::sources::kubelet {

/// metrics-server's kubelet request families (its pkg/scraper/scraper.go), names and HELP texts as
/// its /metrics shows them.
inline constexpr const char* kRequestDuration = "metrics_server_kubelet_request_duration_seconds";
inline constexpr const char* kRequestDurationHelp = "[ALPHA] Duration of requests to Kubelet API in seconds";
inline constexpr const char* kRequestTotal = "metrics_server_kubelet_request_total";
inline constexpr const char* kRequestTotalHelp = "[ALPHA] Number of requests sent to Kubelet API";
inline constexpr const char* kLastRequestTime = "metrics_server_kubelet_last_request_time_seconds";
inline constexpr const char* kLastRequestTimeHelp =
    "[ALPHA] Time of last request performed to Kubelet API since unix epoch in seconds";

/// One observation per kubelet request, as metrics-server makes them:
///   metrics_server_kubelet_request_duration_seconds{node}   histogram, Prometheus default buckets
///   metrics_server_kubelet_last_request_time_seconds{node}  gauge, unix seconds when it finished
///   metrics_server_kubelet_request_total{success}           counter, "true" / "false"
/// Unlike metrics-server (#1114), a node's per-node series are removed once it leaves the target list,
/// and on destruction. Thread-safe: requests finish on HTTP engine threads.
class KubeletRequestMetrics {
 public:
  /// Wall clock in unix seconds, injectable for tests.
  using UnixClock = std::function<std::int64_t()>;

  /// `metrics` must outlive this object (it is the host's registry). Handles may be null (a host
  /// without self-metrics); they are then skipped.
  explicit KubeletRequestMetrics(SelfMetrics& metrics, UnixClock now = {});
  ~KubeletRequestMetrics();
  KubeletRequestMetrics(const KubeletRequestMetrics&) = delete;
  KubeletRequestMetrics& operator=(const KubeletRequestMetrics&) = delete;

  /// Records one finished request to `node`, failed or not, decode included.
  void record(std::string_view node, std::chrono::steady_clock::duration duration, bool success) noexcept;

  /// The nodes just listed. The per-node series of every other node are removed, and a request to
  /// such a node that finishes later (cut by its deadline, answered late) counts only in request_total,
  /// so a departed node cannot bring its series back. Before the first call every node is accepted.
  void set_nodes(const std::vector<std::string>& nodes) noexcept;

  std::size_t nodes_with_series_for_test() const;

 private:
  struct NodeSeries {
    std::shared_ptr<Histogram> duration;
    std::shared_ptr<Gauge> last_request;
  };
  void remove_series(const std::string& node) noexcept;

  SelfMetrics& metrics_;
  UnixClock now_;
  std::shared_ptr<Counter> succeeded_;
  std::shared_ptr<Counter> failed_;
  mutable std::mutex mu_;
  bool listed_once_ = false;                         // guarded by mu_
  std::set<std::string, std::less<>> listed_;        // guarded by mu_
  std::map<std::string, NodeSeries, std::less<>> series_;  // guarded by mu_
};

}  // namespace mpf::sources::kubelet
