#pragma once

/// @file
/// What the host gives a plugin instance: its name, a logger, self-metrics, the shared HTTP client
/// engine, the shared cluster view and the HTTPS server. Shared services live here so plugins never
/// include core headers.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/status.h"

namespace mpf {

/// Pipeline-wide settings a plugin may need to interpret its data (the `global:` section).
struct PipelineSettings {
  /// The scrape interval (metrics-server's --metric-resolution).
  std::chrono::nanoseconds resolution{std::chrono::seconds(60)};
  /// The per-target scrape deadline (--kubelet-request-timeout).
  std::chrono::nanoseconds scrape_timeout{std::chrono::seconds(10)};
};

/// How one sink of the pipeline is doing, as the host's sink runtime sees it (for readiness detail).
struct SinkStatus {
  /// The sink's instance name.
  std::string name;
  /// "starting", "ok", "degraded" or "stopped".
  std::string phase;
  /// The last failure ("<code>: <message>"), kept after a recovery; empty if none.
  std::string last_error;
  /// Snapshots waiting for the sink.
  std::size_t queue_length = 0;
};

/// Owned by the host; outlives every plugin instance created with it. Thread-safe.
class PluginContext {
 public:
  virtual ~PluginContext() = default;
  /// The instance name: the entry's `name:` in the config, or the plugin name.
  virtual std::string_view instance_name() const noexcept = 0;
  virtual Logger& logger() noexcept = 0;
  virtual SelfMetrics& self_metrics() noexcept = 0;
  /// The pipeline's settings; fixed for the life of the instance.
  virtual const PipelineSettings& pipeline_settings() const noexcept = 0;

  /// An HTTP client on the host's engine (shared I/O threads, per-client TLS context, credentials and
  /// kept-alive connections). Call from create() or start(), once per distinct set of options, and keep
  /// the client: making one per request defeats connection reuse. Files named in `options` are read
  /// now; an unreadable or invalid CA, certificate, key or token file fails with invalid_argument naming
  /// the file, which the plugin returns as its configuration error.
  /// Threading: thread-safe; the client is thread-safe too and calls back on the engine's threads.
  /// Lifetime: the client must not outlive this context. Destroying it with requests in flight is
  /// safe (they complete or fail, each callback still runs once); when the host shuts down, requests in
  /// flight fail with a retryable "shutting down" status before the plugin instance is destroyed.
  virtual Result<std::shared_ptr<HttpClient>> make_http_client(const HttpClientOptions& options) noexcept = 0;

  /// The host's view of the cluster (cluster_view.h), shared by every instance asking with equal
  /// options. Call from create(): the view starts listing at once. Fails with invalid_argument when no
  /// API server connection can be made (unreadable kubeconfig, not running in a cluster), naming why.
  /// Also returns the connection's credentials in `api_client_options` when not null, for clients that
  /// use the same identity elsewhere (metrics-server talks to kubelets as it talks to the API server).
  virtual Result<std::shared_ptr<ClusterView>> cluster_view(const ClusterViewOptions& options,
                                                            HttpClientOptions* api_client_options = nullptr) noexcept {
    (void)options;
    (void)api_client_options;
    return Status::invalid_argument("this host does not provide a cluster view");
  }

  /// Serves `routes` over HTTPS (http_server.h) on options.bind_address:options.port. Listening starts
  /// before this returns; bind failures come back in Go's wording ("listen tcp 0.0.0.0:443: bind:
  /// permission denied"), certificate problems name the file. A second call for the same address and
  /// port adds its routes to the same listener: its options must equal the first call's, and a prefix
  /// already served there is an error naming it. Call from create() or start().
  /// Threading: thread-safe; handlers run on the server's threads from the moment this returns.
  /// Lifetime: the host stops every listener at shutdown, after the scheduler and before instances are
  /// destroyed, so a handler may use its instance; the handle only reports the port.
  virtual Result<std::shared_ptr<ServingHandle>> serve(const ServingOptions& options, std::vector<Route> routes) noexcept {
    (void)options;
    (void)routes;
    return Status::invalid_argument("this host does not serve HTTP");
  }

  /// Every sink of the pipeline, in config order, as of now (the Metrics API lists them in
  /// /readyz?verbose). Empty before the sinks are started and on hosts without a sink runtime.
  virtual std::vector<SinkStatus> sink_statuses() const noexcept { return {}; }
};

}  // namespace mpf
