#include "metrics_api/metrics_api_sink.h"

#include <chrono>

#include "mpf/sdk/version.h"

namespace mpf::api::metrics {

MetricsApiSink::MetricsApiSink(ServingOptions serving, ApiHandler handler, std::shared_ptr<ClusterView> view,
                               PluginContext& context)
    : serving_(std::move(serving)),
      handler_(std::move(handler)),
      openapi_(std::make_shared<const OpenApiEndpoints>("v" MPF_SDK_VERSION_STRING)),
      view_(std::move(view)),
      context_(context) {}

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
  auto handle = context_.serve(serving_, std::move(routes));
  if (!handle) return handle.status();
  handle_ = *handle;
  context_.logger().info("Serving the Metrics API",
                         {{"address", serving_.bind_address}, {"port", std::to_string(handle_->port())}});
  return Status::ok();
}

Status MetricsApiSink::consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point) noexcept {
  latest_.store(snapshot);
  return Status::ok();
}

void MetricsApiSink::stop() noexcept { stopped_.store(true); }

HealthState MetricsApiSink::health_state() {
  const SnapshotPtr latest = latest_.load();
  HealthState state;
  // v0.9.0+: a node with metrics and a pod with metrics (the store only holds those with two samples).
  state.storage_ready = latest && !latest->nodes.empty() && !latest->pods.empty();
  state.informers_synced = view_->synced();
  if (latest) {
    const auto limit = context_.pipeline_settings().resolution * 3 / 2;
    state.collection_timely = std::chrono::system_clock::now() - latest->started_at <= limit;
    state.failing_nodes = summarize_failing_targets(latest->scrapes);
  }
  state.shutting_down = stopped_.load();
  const int now_ready = state.storage_ready ? 1 : 0;
  if (storage_ready_.exchange(now_ready) != now_ready && !state.storage_ready) {
    context_.logger().info("Failed probe", {{"probe", "metric-storage-ready"}, {"err", "no metrics to serve"}});
  }
  return state;
}

}  // namespace mpf::api::metrics
