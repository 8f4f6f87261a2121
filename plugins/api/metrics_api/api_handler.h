#pragma once

/// @file
/// The Metrics API's request handling as a plain function of (request, state) -> response, apart from
/// the socket (the host's server calls it), so it reads like metrics-server's read path (§3.5).

#include <cstdint>
#include <memory>
#include <string>

#include "metrics_api/list_bodies.h"
#include "metrics_api/metric_freshness.h"
#include "metrics_api/pod_label_index.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/label_selector.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::api::metrics {

/// What one request reads; both are immutable snapshots, so a request never blocks the scheduler.
struct ApiState {
  /// The latest metrics; null before the first cycle (lists are then empty).
  SnapshotPtr metrics;
  /// The cluster view's latest state; null while the view has not synced. metrics-server does not
  /// listen before its informers synced; we listen at once and answer resource requests with 503
  /// until then, so probes can tell "starting" from "down".
  std::shared_ptr<const ClusterSnapshot> cluster;
};

class ApiHandler {
 public:
  /// `node_selector` is AND-ed with each node list's labelSelector; `preferred_version` ("v1beta1" or
  /// "v1") is what discovery reports as preferred.
  /// `freshness` (may be null) observes every returned item's age.
  ApiHandler(LabelSelector node_selector, std::string preferred_version, bool show_swap = false,
             std::shared_ptr<const MetricFreshness> freshness = nullptr);

  /// Answers every path under /apis. `now_ns` is the request time (reported as creationTimestamp).
  void handle(const ServerRequest& request, const ApiState& state, std::int64_t now_ns, ServerResponse& response) const;

 private:
  LabelSelector node_selector_;
  std::string preferred_version_;
  bool show_swap_ = false;
  // Shared by copies of the handler; internally synchronised.
  std::shared_ptr<WholeListBodies> lists_;
  std::shared_ptr<const MetricFreshness> freshness_;
  // Shared by copies of the handler; internally synchronised.
  std::shared_ptr<PodLabelIndexCache> label_index_;
};

}  // namespace mpf::api::metrics
