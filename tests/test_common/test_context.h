#pragma once

#include <optional>
#include <string>

#include "core/net/http_engine.h"
#include "core/serve/serving_service.h"
#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/context.h"
#include "tests/mocks/test_logger.h"

namespace mpf::test {

/// A PluginContext for plugin tests: a recording logger, a real self-metrics registry and a real HTTP
/// engine (one I/O thread, started on construction, stopped on destruction, before the members the
/// callbacks may touch go away; declare the plugin instance after the context) and a real HTTPS server
/// (core's ServingService, stopped first on destruction: serve on 127.0.0.1 port 0 with a TempDir as
/// cert_dir).
class TestContext : public PluginContext {
 public:
  explicit TestContext(std::string name = "test", core::HttpEngineOptions http_options = {})
      : name_(std::move(name)), http_(http_options) {
    http_.start();
  }
  ~TestContext() override {
    serving_.stop();
    http_.stop();
  }
  std::string_view instance_name() const noexcept override { return name_; }
  Logger& logger() noexcept override { return logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }
  const PipelineSettings& pipeline_settings() const noexcept override { return settings_; }
  PipelineSettings& settings() { return settings_; }
  Result<std::shared_ptr<HttpClient>> make_http_client(const HttpClientOptions& options) noexcept override {
    return http_.make_client(options);
  }

  Result<std::shared_ptr<ServingHandle>> serve(const ServingOptions& options, std::vector<Route> routes) noexcept override {
    return serving_.serve(options, std::move(routes));
  }

  Result<std::shared_ptr<ClusterView>> cluster_view(const ClusterViewOptions& options,
                                                    HttpClientOptions* api_client_options) noexcept override {
    asked_view_ = options;
    if (!view_) return Status::invalid_argument("this host does not provide a cluster view");
    if (api_client_options != nullptr) *api_client_options = api_credentials_;
    return view_;
  }

  /// What cluster_view() returns, with the API identity it reports; none by default (the call then
  /// fails as on a host without a view).
  void set_cluster_view(std::shared_ptr<ClusterView> view, HttpClientOptions api_credentials = {}) {
    view_ = std::move(view);
    api_credentials_ = std::move(api_credentials);
  }
  /// The options of the last cluster_view() call.
  const std::optional<ClusterViewOptions>& asked_view() const { return asked_view_; }

  TestLogger& test_logger() { return logger_; }
  core::SelfMetricsRegistry& registry() { return metrics_; }
  core::HttpEngine& http_engine() { return http_; }
  core::ServingService& serving() { return serving_; }

 private:
  std::string name_;
  TestLogger logger_;
  core::SelfMetricsRegistry metrics_;
  PipelineSettings settings_;
  std::shared_ptr<ClusterView> view_;
  HttpClientOptions api_credentials_;
  std::optional<ClusterViewOptions> asked_view_;
  core::HttpEngine http_;
  // Logs into logger_ (a member: the aliasing pointer owns nothing); stopped before it goes.
  core::ServingService serving_{core::ServingServiceOptions{}, std::shared_ptr<Logger>(std::shared_ptr<void>(), &logger_)};
};

}  // namespace mpf::test
