#pragma once

/// @file
/// What the host gives a plugin instance: its name, a logger and self-metrics. Later SDK versions add
/// shared services here (HTTP client, cluster view) so plugins never include core headers.

#include <string_view>

#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"

namespace mpf {

/// Owned by the host; outlives every plugin instance created with it. Thread-safe.
class PluginContext {
 public:
  virtual ~PluginContext() = default;
  /// The instance name: the entry's `name:` in the config, or the plugin name.
  virtual std::string_view instance_name() const noexcept = 0;
  virtual Logger& logger() noexcept = 0;
  virtual SelfMetrics& self_metrics() noexcept = 0;
};

}  // namespace mpf
