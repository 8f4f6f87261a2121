#pragma once

#include <memory>
#include <string>

#include "core/net/http_engine.h"
#include "mpf/sdk/context.h"

namespace mpf::core {

/// The PluginContext of one plugin instance: its name, a logger tagged with it, the shared registry and
/// the shared HTTP engine (which the runtime starts before and stops after every instance). The engine
/// is shared, not borrowed: a context may outlive the runtime (see PipelineRuntime::contexts_).
class InstanceContext : public PluginContext {
 public:
  InstanceContext(std::string name, std::unique_ptr<Logger> logger, SelfMetrics& metrics,
                  std::shared_ptr<HttpEngine> http, PipelineSettings settings)
      : name_(std::move(name)),
        logger_(std::move(logger)),
        metrics_(metrics),
        http_(std::move(http)),
        settings_(settings) {}

  std::string_view instance_name() const noexcept override { return name_; }
  Logger& logger() noexcept override { return *logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }
  const PipelineSettings& pipeline_settings() const noexcept override { return settings_; }
  Result<std::shared_ptr<HttpClient>> make_http_client(const HttpClientOptions& options) noexcept override {
    return http_->make_client(options);
  }

 private:
  std::string name_;
  std::unique_ptr<Logger> logger_;
  SelfMetrics& metrics_;
  std::shared_ptr<HttpEngine> http_;
  PipelineSettings settings_;
};

}  // namespace mpf::core
