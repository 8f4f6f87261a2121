#pragma once

#include <string>

#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/context.h"
#include "tests/mocks/test_logger.h"

namespace mpf::test {

/// A PluginContext for plugin tests: a recording logger and a real self-metrics registry.
class TestContext : public PluginContext {
 public:
  explicit TestContext(std::string name = "test") : name_(std::move(name)) {}
  std::string_view instance_name() const noexcept override { return name_; }
  Logger& logger() noexcept override { return logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }

  TestLogger& test_logger() { return logger_; }
  core::SelfMetricsRegistry& registry() { return metrics_; }

 private:
  std::string name_;
  TestLogger logger_;
  core::SelfMetricsRegistry metrics_;
};

}  // namespace mpf::test
