#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/config/pipeline_config.h"
#include "core/discovery/cluster_views.h"
#include "core/export/sink_status_board.h"
#include "core/log/logger.h"
#include "core/net/http_engine.h"
#include "core/registry/plugin_registry.h"
#include "core/serve/serving_service.h"
#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

class InstanceContext;
class Scheduler;
class SinkRunner;

/// A validated pipeline brought to life: plugin instances, one sink runner per sink, the scheduler, and
/// the signal handling that ends it. Owns everything it creates and tears it down in reverse order.
class PipelineRuntime {
 public:
  PipelineRuntime(const PipelineConfig& config, const PluginRegistry& registry, LogWriter& log_writer);
  ~PipelineRuntime();
  PipelineRuntime(const PipelineRuntime&) = delete;
  PipelineRuntime& operator=(const PipelineRuntime&) = delete;

  /// Creates and starts every instance (sinks first, so nothing is published to a sink that is not
  /// ready; sources last). The first failure is returned, naming the entry's YAML path.
  Status start();

  /// Runs cycles on the calling thread until SIGTERM or SIGINT, then stops scraping, lets sinks drain
  /// within global.shutdown_timeout, and returns.
  void run();

  SelfMetricsRegistry& self_metrics() { return metrics_; }

 private:
  InstanceContext& new_context(const PluginEntry& entry);
  void shut_down();

  const PipelineConfig& config_;
  const PluginRegistry& registry_;
  LogWriter& log_writer_;
  std::unique_ptr<Logger> log_;
  SelfMetricsRegistry metrics_;
  boost::asio::io_context io_;
  // Started before any instance exists and stopped (failing what is in flight) after the scheduler,
  // before the instances are destroyed. Shared with the contexts, which may outlive the runtime.
  std::shared_ptr<HttpEngine> http_engine_ = std::make_shared<HttpEngine>();
  // Made on first use by a plugin; stopped with the scheduler, before the engine.
  std::shared_ptr<ClusterViews> cluster_views_;
  // Listens from a plugin's first serve(); stopped after the scheduler and before the engine, so no
  // handler runs while instances are torn down. Shared with the contexts like the engine. Every
  // listener also answers /version and /metrics, rendered from metrics_ (stopped before metrics_ goes).
  std::shared_ptr<ServingService> serving_;
  // Sink states for PluginContext::sink_statuses(); shared with every context.
  std::shared_ptr<SinkStatusBoard> sink_board_ = std::make_shared<SinkStatusBoard>();

  // Declaration order is teardown order in reverse: contexts outlive the instances that use them. They
  // are shared because a sink worker abandoned at shutdown may still log after the runtime is gone.
  std::vector<std::shared_ptr<InstanceContext>> contexts_;
  std::vector<std::shared_ptr<Source>> sources_;
  std::vector<std::shared_ptr<Processor>> processors_;
  std::vector<std::shared_ptr<Sink>> sinks_;
  std::vector<std::unique_ptr<SinkRunner>> sink_runners_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace mpf::core
