#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/source.h"

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

/// Ours, not metrics-server's: kubelet requests that failed in TLS, by reason. metrics-server only logs
/// these; the reason label keeps the x509 wording users search for ("x509: certificate signed by unknown
/// authority") with addresses and names replaced by placeholders, so the label set stays small.
inline constexpr const char* kTlsFailures = "mpf_kubelet_tls_failures_total";
inline constexpr const char* kTlsFailuresHelp =
    "Kubelet requests that failed in TLS (handshake or certificate verification), by reason.";

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

  /// The same with the request's outcome: a TLS failure (FailureReason::kTls) also counts in
  /// mpf_kubelet_tls_failures_total{reason=tls_failure_reason(message)}.
  void record(std::string_view node, std::chrono::steady_clock::duration duration,
              const ScrapeOutcome& outcome) noexcept;

  /// Counts one TLS failure with the given transport message (core/net's failure classification wording).
  void record_tls_failure(std::string_view message) noexcept;

  /// The reason label of a TLS failure message: the part from "x509: " (else "remote error: tls: ", else
  /// "tls: ") up to any parenthesised detail, with the dialled address and certificate names replaced:
  ///   Get "https://10.0.0.5:10250/metrics/resource": tls: failed to verify certificate: x509: certificate
  ///   signed by unknown authority (openssl: ...)  ->  "x509: certificate signed by unknown authority"
  ///   ... x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP SANs (...)
  ///     ->  "x509: cannot validate certificate for <address> because it doesn't contain any IP SANs"
  ///   ... x509: certificate is valid for 10.0.0.6, not 10.0.0.5  ->  "x509: certificate is valid for <names>,
  ///     not <address>"
  ///   ... remote error: tls: certificate required (...)  ->  "remote error: tls: certificate required"
  /// A message without any of these markers gives "tls: other".
  static std::string tls_failure_reason(std::string_view message);

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
  // Hashed, looked up by string_view: record() runs once per scrape, thousands per cycle.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept { return std::hash<std::string_view>{}(name); }
  };
  using NameSet = std::unordered_set<std::string, NameHash, std::equal_to<>>;
  NameSet listed_;                                                            // guarded by mu_
  std::unordered_map<std::string, NodeSeries, NameHash, std::equal_to<>> series_;  // guarded by mu_
  std::map<std::string, std::shared_ptr<Counter>, std::less<>> tls_failures_;  // by reason; guarded by mu_
};

}  // namespace mpf::sources::kubelet
