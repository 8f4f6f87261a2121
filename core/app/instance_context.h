#pragma once

#include <memory>
#include <string>

#include "core/discovery/cluster_views.h"
#include "core/export/sink_status_board.h"
#include "core/net/http_engine.h"
#include "core/serve/serving_service.h"
#include "mpf/sdk/context.h"

namespace mpf::core {

/// The PluginContext of one plugin instance: its name, a logger tagged with it, the shared registry, the
/// shared HTTP engine (which the runtime starts before and stops after every instance), the shared
/// cluster views and the shared HTTPS server. Engine, views and server are shared, not borrowed: a context may outlive the runtime (see
/// PipelineRuntime::contexts_).
class InstanceContext : public PluginContext {
 public:
  InstanceContext(std::string name, std::unique_ptr<Logger> logger, SelfMetrics& metrics,
                  std::shared_ptr<HttpEngine> http, std::shared_ptr<ClusterViews> cluster_views,
                  std::shared_ptr<ServingService> serving, PipelineSettings settings,
                  std::shared_ptr<const SinkStatusBoard> sink_board = nullptr)
      : name_(std::move(name)),
        logger_(std::move(logger)),
        metrics_(metrics),
        http_(std::move(http)),
        cluster_views_(std::move(cluster_views)),
        serving_(std::move(serving)),
        settings_(settings),
        sink_board_(std::move(sink_board)) {}

  std::string_view instance_name() const noexcept override { return name_; }
  Logger& logger() noexcept override { return *logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }
  const PipelineSettings& pipeline_settings() const noexcept override { return settings_; }
  Result<std::shared_ptr<HttpClient>> make_http_client(const HttpClientOptions& options) noexcept override {
    return http_->make_client(options);
  }
  Result<std::shared_ptr<ClusterView>> cluster_view(const ClusterViewOptions& options,
                                                    HttpClientOptions* api_client_options) noexcept override {
    try {
      return cluster_views_->get(options, api_client_options);
    } catch (const std::exception& e) {  // allocation failure or thread creation
      return Status::retryable(std::string("cluster view: ") + e.what());
    }
  }
  Result<std::shared_ptr<ServingHandle>> serve(const ServingOptions& options, std::vector<Route> routes) noexcept override {
    return serving_->serve(options, std::move(routes));
  }
  std::vector<SinkStatus> sink_statuses() const noexcept override {
    if (!sink_board_) return {};
    try {
      return sink_board_->read();
    } catch (...) {  // allocation failure: no detail rather than no answer
      return {};
    }
  }

 private:
  std::string name_;
  std::unique_ptr<Logger> logger_;
  SelfMetrics& metrics_;
  std::shared_ptr<HttpEngine> http_;
  std::shared_ptr<ClusterViews> cluster_views_;
  std::shared_ptr<ServingService> serving_;
  PipelineSettings settings_;
  std::shared_ptr<const SinkStatusBoard> sink_board_;
};

}  // namespace mpf::core
