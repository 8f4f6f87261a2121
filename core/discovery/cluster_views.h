#pragma once

// The cluster views of one process, one per API server connection (kubeconfig), shared by every plugin
// instance that asks: two kubelet sources and the Metrics API over the same kubeconfig watch the
// cluster once. Behind PluginContext::cluster_view().

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/discovery/api_connection.h"
#include "core/discovery/cluster_view_service.h"
#include "core/net/http_engine.h"
#include "mpf/sdk/cluster_view.h"

namespace mpf::core {

class ClusterViews {
 public:
  ClusterViews(std::shared_ptr<HttpEngine> engine, std::unique_ptr<Logger> logger, SelfMetrics& metrics,
               EnvGetter env = process_env(), ClusterViewTuning tuning = {});
  ~ClusterViews();
  ClusterViews(const ClusterViews&) = delete;
  ClusterViews& operator=(const ClusterViews&) = delete;

  // The view of options.kubeconfig (empty: in-cluster), started on first use; pods enabled when asked
  // for. `credentials`, when not null, receives the connection's HTTP client options.
  Result<std::shared_ptr<ClusterView>> get(const ClusterViewOptions& options, HttpClientOptions* credentials);

  // Stops every view (their last snapshots stay readable). Idempotent.
  void stop_all();

 private:
  std::shared_ptr<HttpEngine> engine_;
  std::unique_ptr<Logger> logger_;
  SelfMetrics& metrics_;
  EnvGetter env_;
  ClusterViewTuning tuning_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::map<std::string, std::shared_ptr<ClusterViewService>> views_;
};

}  // namespace mpf::core
