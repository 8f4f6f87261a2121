#pragma once

/// @file
/// metrics-server's /healthz, /livez and /readyz (reference §1.10): which checks each endpoint runs,
/// in which order, and the bodies the apiserver's healthz handlers write. A plain function of the
/// check states, so it is tested without sockets; the sink computes the states per request.

#include <span>
#include <string>
#include <string_view>

#include "mpf/sdk/context.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::api::metrics {

enum class HealthEndpoint { kHealthz, kLivez, kReadyz };

/// The state of every check that can fail here (ping, log and the two post-start hooks always pass).
struct HealthState {
  /// metric-storage-ready: the latest snapshot has ≥1 node and ≥1 pod with metrics.
  bool storage_ready = false;
  /// metric-informer-sync and metadata-informer-sync: the cluster view has synced.
  bool informers_synced = false;
  /// metric-collection-timely: no snapshot yet, or the last cycle started ≤ 1.5 × resolution ago.
  bool collection_timely = true;
  /// shutdown: the sink's stop() was called.
  bool shutting_down = false;
  /// The last cycle's failed scrapes by reason, e.g. "2 of 5 nodes failing: 1 timeout, 1 unauthorized"
  /// (empty when none failed). Verbose bodies end with it, so a probe's output says why data is missing.
  std::string failing_nodes;
  /// One line per sink of the pipeline ("sink prom: degraded: retryable: ... (3 queued)"), from
  /// summarize_sinks(). Verbose bodies end with it: a dead exporter is visible here but never makes the
  /// Metrics API unready.
  std::string sinks;
};

/// The sinks line block for HealthState::sinks: "sink <name>: <phase>", plus the last error while
/// degraded and the queue length when snapshots are waiting; empty without sinks.
std::string summarize_sinks(std::span<const SinkStatus> sinks);

/// The failing_nodes line for a snapshot's scrapes: counts per failure reason, reasons by name.
std::string summarize_failing_targets(std::span<const ScrapeResult> scrapes);

/// The endpoint's path: "/healthz", "/livez" or "/readyz".
std::string_view health_path(HealthEndpoint endpoint);

/// Answers `request` (whose path starts with health_path(endpoint)) as metrics-server does:
/// - exactly the endpoint: every check in order; 200 `ok` (with `?verbose`, one `[+]<check> ok` line
///   each then `<name> check passed`), or 500 listing every check, failures as
///   `[-]<check> failed: reason withheld`, ending `<name> check failed` (both verbose forms then add
///   `state.failing_nodes` on a line of its own when it is not empty; metrics-server has no such line). `?exclude=<check>` (repeatable)
///   skips a check (`[+]<check> excluded: ok`); unknown names get a `warn:` line;
/// - endpoint + "/<check>": that check alone, 200 `ok` or 500 `internal server error: <reason>`;
/// - anything else (unknown check, "/readyzx", "/readyz/"): the generic 404 Status.
void answer_health(HealthEndpoint endpoint, const ServerRequest& request, const HealthState& state,
                   ServerResponse& response);

}  // namespace mpf::api::metrics
