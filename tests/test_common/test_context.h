#pragma once

#include <string>

#include "core/net/http_engine.h"
#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/context.h"
#include "tests/mocks/test_logger.h"

namespace mpf::test {

/// A PluginContext for plugin tests: a recording logger, a real self-metrics registry and a real HTTP
/// engine (one I/O thread, started on construction, stopped on destruction, before the members the
/// callbacks may touch go away; declare the plugin instance after the context).
class TestContext : public PluginContext {
 public:
  explicit TestContext(std::string name = "test", core::HttpEngineOptions http_options = {})
      : name_(std::move(name)), http_(http_options) {
    http_.start();
  }
  ~TestContext() override { http_.stop(); }
  std::string_view instance_name() const noexcept override { return name_; }
  Logger& logger() noexcept override { return logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }
  const PipelineSettings& pipeline_settings() const noexcept override { return settings_; }
  PipelineSettings& settings() { return settings_; }
  Result<std::shared_ptr<HttpClient>> make_http_client(const HttpClientOptions& options) noexcept override {
    return http_.make_client(options);
  }

  TestLogger& test_logger() { return logger_; }
  core::SelfMetricsRegistry& registry() { return metrics_; }
  core::HttpEngine& http_engine() { return http_; }

 private:
  std::string name_;
  TestLogger logger_;
  core::SelfMetricsRegistry metrics_;
  PipelineSettings settings_;
  core::HttpEngine http_;
};

}  // namespace mpf::test
