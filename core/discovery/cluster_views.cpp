#include "core/discovery/cluster_views.h"

namespace mpf::core {

ClusterViews::ClusterViews(std::shared_ptr<HttpEngine> engine, std::unique_ptr<Logger> logger, SelfMetrics& metrics,
                           EnvGetter env, ClusterViewTuning tuning)
    : engine_(std::move(engine)), logger_(std::move(logger)), metrics_(metrics), env_(std::move(env)), tuning_(std::move(tuning)) {}

ClusterViews::~ClusterViews() { stop_all(); }

Result<std::shared_ptr<ClusterView>> ClusterViews::get(const ClusterViewOptions& options,
                                                       HttpClientOptions* credentials) {
  std::lock_guard lock(mutex_);
  if (stopped_) return Status::retryable("the host is shutting down");
  auto it = views_.find(options.kubeconfig);
  if (it == views_.end()) {
    auto connection = resolve_api_connection(options.kubeconfig, env_);
    if (!connection) return connection.status();
    for (const std::string& warning : connection->warnings) logger_->warn(warning, {{"apiserver", connection->description}});
    auto view = ClusterViewService::create(*connection, *engine_, *logger_, metrics_, tuning_);
    if (!view) return view.status();
    it = views_.emplace(options.kubeconfig, std::move(view).value()).first;
  }
  const std::shared_ptr<ClusterViewService>& view = it->second;
  if (options.pods) view->enable_pods();
  view->start();
  if (credentials != nullptr) *credentials = view->connection().http;
  return std::shared_ptr<ClusterView>(view);
}

void ClusterViews::stop_all() {
  std::map<std::string, std::shared_ptr<ClusterViewService>> views;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    views = views_;
  }
  for (auto& entry : views) entry.second->stop();
}

}  // namespace mpf::core
