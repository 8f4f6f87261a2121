#include "metrics_api/metrics_api_sink.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "metrics_api/standalone_kubeconfig.h"
#include "metrics_api/standalone_token.h"

#include "mpf/sdk/version.h"

namespace mpf::api::metrics {

MetricsApiSink::MetricsApiSink(ServingOptions serving, ApiHandler handler, std::shared_ptr<ClusterView> view,
                               PluginContext& context, std::optional<StandaloneMode> standalone)
    : serving_(std::move(serving)),
      handler_(std::move(handler)),
      openapi_(std::make_shared<const OpenApiEndpoints>("v" MPF_SDK_VERSION_STRING)),
      view_(std::move(view)),
      context_(context),
      standalone_(std::move(standalone)) {}

Status MetricsApiSink::start() noexcept {
  Route route{"/apis", [this](const ServerRequest& request, ServerResponse& response) {
                ApiState state{latest_.load(), view_->synced() ? view_->snapshot() : nullptr};
                const auto now = std::chrono::system_clock::now().time_since_epoch();
                handler_.handle(request, state, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(),
                                response);
              }};
  std::vector<Route> routes;
  routes.push_back(std::move(route));
  routes.push_back({"/openapi", [openapi = openapi_](const ServerRequest& request, ServerResponse& response) {
                      openapi->answer(request, response);
                    }});
  for (HealthEndpoint endpoint : {HealthEndpoint::kHealthz, HealthEndpoint::kLivez, HealthEndpoint::kReadyz}) {
    routes.push_back({std::string(health_path(endpoint)),
                      [this, endpoint](const ServerRequest& request, ServerResponse& response) {
                        answer_health(endpoint, request, health_state(), response);
                      }});
  }
  if (standalone_) {
    routes.push_back({"/api", [view = standalone_->view, core = standalone_->core](const ServerRequest& request,
                                                                                  ServerResponse& response) {
                        const auto now = std::chrono::system_clock::now().time_since_epoch();
                        core->handle(request, *view->inventory(),
                                     std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), response);
                      }});
    // Everything but the health checks wants the state directory's token (delegated auth is off).
    for (Route& r : routes) {
      if (r.prefix != "/apis" && r.prefix != "/api" && r.prefix != "/openapi") continue;
      r.handler = [inner = std::move(r.handler), token = standalone_->token](const ServerRequest& request,
                                                                            ServerResponse& response) {
        if (!bearer_token_matches(request, token)) return answer_unauthorized(response);
        inner(request, response);
      };
    }
  }
  auto handle = context_.serve(serving_, std::move(routes));
  if (!handle) return handle.status();
  handle_ = *handle;
  context_.logger().info("Serving the Metrics API",
                         {{"address", serving_.bind_address}, {"port", std::to_string(handle_->port())}});
  if (standalone_) return write_standalone_kubeconfig();
  return Status::ok();
}

Status MetricsApiSink::write_standalone_kubeconfig() {
  std::ifstream in(standalone_->certificate_file, std::ios::binary);
  std::ostringstream pem;
  pem << in.rdbuf();
  const std::string ca = last_pem_certificate(pem.str());
  if (ca.empty()) {
    return Status::invalid_argument("standalone: no certificate in \"" + standalone_->certificate_file +
                                    "\" to write into the kubeconfig");
  }
  const std::string server = local_server_url(serving_.bind_address, handle_->port());
  const std::string path = kubeconfig_path();
  if (Status st = write_private_file(path, standalone_kubeconfig("mpf-standalone", server, ca, standalone_->token));
      !st.is_ok()) {
    return Status::invalid_argument("standalone: " + st.message());
  }
  context_.logger().info("Standalone mode: this machine is served as a one-node cluster",
                         {{"kubeconfig", path}, {"server", server}});
  context_.logger().info("Try: kubectl --kubeconfig " + path + " top node");
  return Status::ok();
}

Status MetricsApiSink::consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point) noexcept {
  if (standalone_ && snapshot) standalone_->view->publish(build_standalone_inventory(*snapshot, standalone_->core->facts()));
  latest_.store(snapshot);
  return Status::ok();
}

void MetricsApiSink::stop() noexcept { stopped_.store(true); }

HealthState MetricsApiSink::health_state() {
  const SnapshotPtr latest = latest_.load();
  HealthState state;
  // v0.9.0+: a node with metrics and a pod with metrics (the store only holds those with two samples).
  // Standalone: a host running no workload at all is still ready once it has node metrics.
  state.storage_ready = latest && !latest->nodes.empty() && (standalone_ || !latest->pods.empty());
  state.informers_synced = view_->synced();
  if (latest) {
    const auto limit = context_.pipeline_settings().resolution * 3 / 2;
    state.collection_timely = std::chrono::system_clock::now() - latest->started_at <= limit;
    state.failing_nodes = summarize_failing_targets(latest->scrapes);
  }
  state.shutting_down = stopped_.load();
  state.sinks = summarize_sinks(context_.sink_statuses());
  const int now_ready = state.storage_ready ? 1 : 0;
  if (storage_ready_.exchange(now_ready) != now_ready && !state.storage_ready) {
    context_.logger().info("Failed probe", {{"probe", "metric-storage-ready"}, {"err", "no metrics to serve"}});
  }
  return state;
}

}  // namespace mpf::api::metrics
