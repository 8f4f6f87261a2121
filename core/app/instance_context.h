#pragma once

#include <memory>
#include <string>

#include "mpf/sdk/context.h"

namespace mpf::core {

/// The PluginContext of one plugin instance: its name, a logger tagged with it, the shared registry.
class InstanceContext : public PluginContext {
 public:
  InstanceContext(std::string name, std::unique_ptr<Logger> logger, SelfMetrics& metrics)
      : name_(std::move(name)), logger_(std::move(logger)), metrics_(metrics) {}

  std::string_view instance_name() const noexcept override { return name_; }
  Logger& logger() noexcept override { return *logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }

 private:
  std::string name_;
  std::unique_ptr<Logger> logger_;
  SelfMetrics& metrics_;
};

}  // namespace mpf::core
