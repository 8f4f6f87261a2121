#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "metrics_api/api_handler.h"
#include "metrics_api/core_api.h"
#include "metrics_api/health_checks.h"
#include "metrics_api/metrics_api_config.h"
#include "metrics_api/openapi_endpoints.h"
#include "metrics_api/standalone_inventory.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/sink.h"

namespace mpf::api::metrics {

/// What standalone mode adds to the sink: the local cluster, the core API and where its state lives.
struct StandaloneMode {
  std::shared_ptr<StandaloneClusterView> view;
  std::shared_ptr<const CoreApi> core;
  std::string state_dir;
  /// The serving certificate (chain): the kubeconfig trusts its last certificate.
  std::string certificate_file;
  /// The bearer token every API request must carry (health checks excepted); in the kubeconfig.
  std::string token;
};

/// Serves the metrics.k8s.io API from the latest snapshot. consume() only swaps a pointer, so the
/// scheduler never waits for readers, and readers never wait for each other.
class MetricsApiSink : public Sink {
 public:
  MetricsApiSink(ServingOptions serving, ApiHandler handler, std::shared_ptr<ClusterView> view,
                 PluginContext& context, std::optional<StandaloneMode> standalone = std::nullopt);

  /// Starts serving (the listener is up when this returns); bind or certificate errors are fatal.
  Status start() noexcept override;
  Status consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point deadline) noexcept override;
  /// From here on /readyz fails its `shutdown` check; serving itself is stopped by the host.
  void stop() noexcept override;

  /// The port served on, 0 before start() (tests serve on port 0).
  std::uint16_t port() const noexcept { return handle_ ? handle_->port() : 0; }
  /// Standalone mode: the kubeconfig written at start(); empty otherwise.
  std::string kubeconfig_path() const { return standalone_ ? standalone_->state_dir + "/kubeconfig" : std::string(); }

 private:
  /// The health checks' states now; logs "Failed probe" when metric-storage-ready changes to failing.
  HealthState health_state();
  /// Standalone mode: writes <state_dir>/kubeconfig for the port now served.
  Status write_standalone_kubeconfig();

  ServingOptions serving_;
  ApiHandler handler_;
  std::shared_ptr<const OpenApiEndpoints> openapi_;
  std::shared_ptr<ClusterView> view_;
  PluginContext& context_;
  std::atomic<SnapshotPtr> latest_;
  std::shared_ptr<ServingHandle> handle_;
  std::atomic<bool> stopped_{false};
  // metric-storage-ready's last seen state: -1 unknown, 0 failing, 1 passing.
  std::atomic<int> storage_ready_{-1};
  std::optional<StandaloneMode> standalone_;
};

}  // namespace mpf::api::metrics
