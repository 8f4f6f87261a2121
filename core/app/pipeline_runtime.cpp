#include "core/app/pipeline_runtime.h"

#include <csignal>

#include <boost/asio/signal_set.hpp>

#include "core/app/instance_context.h"
#include "core/export/sink_runner.h"
#include "core/scheduler/scheduler.h"
#include "core/serve/host_routes.h"
#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

// metrics-server's /metrics (our self-metrics) and /version on every port the host serves, and the
// delegated authentication of listeners that ask for it.
ServingServiceOptions serving_options(SelfMetricsRegistry& metrics, std::shared_ptr<Logger> auth_log) {
  ServingServiceOptions options;
  options.host_routes = metrics_server_host_routes([&metrics] { return metrics.render_prometheus_text(); },
                                                   version_info_json("v" MPF_VERSION));
  options.make_access_control = [&metrics, auth_log](const DelegatedAuthOptions& auth) {
    return auth::AccessControl::create(auth, process_env(), *auth_log, metrics);
  };
  return options;
}

}  // namespace

PipelineRuntime::PipelineRuntime(const PipelineConfig& config, const PluginRegistry& registry, LogWriter& log_writer)
    : config_(config),
      registry_(registry),
      log_writer_(log_writer),
      log_(log_writer.logger_for("pipeline")),
      cluster_views_(std::make_shared<ClusterViews>(http_engine_, log_writer.logger_for("discovery"), metrics_)),
      serving_(std::make_shared<ServingService>(serving_options(metrics_, log_writer.logger_for("authentication")),
                                                log_writer.logger_for("serving"))) {}

PipelineRuntime::~PipelineRuntime() {
  // Runners first: their workers may still be inside a sink; then the scheduler, then instances.
  for (auto& runner : sink_runners_) runner->stop(std::chrono::nanoseconds(0));
  sink_runners_.clear();
  scheduler_.reset();
  cluster_views_->stop_all();
  serving_->stop();
  // Instances are destroyed next; their HTTP callbacks must have run (or failed) by then.
  http_engine_->stop();
}

InstanceContext& PipelineRuntime::new_context(const PluginEntry& entry) {
  contexts_.push_back(
      std::make_shared<InstanceContext>(entry.name, log_writer_.logger_for(entry.name), metrics_, http_engine_, cluster_views_, serving_,
                                        PipelineSettings{config_.global.resolution, config_.global.scrape_timeout}, sink_board_));
  return *contexts_.back();
}

Status PipelineRuntime::start() {
  const GlobalSettings& g = config_.global;
  auto fail = [](const PluginEntry& entry, const Status& st) {
    return Status::invalid_argument(entry.path + " (" + entry.plugin + "): " + st.message());
  };
  if (Status st = http_engine_->start(); !st.is_ok()) return st;

  for (const PluginEntry& entry : config_.sinks) {
    auto sink = registry_.create_sink(entry.plugin, entry.options, entry.path + ".options", new_context(entry));
    if (!sink) return fail(entry, sink.status());
    // The sink's owner also keeps its context alive (see contexts_).
    std::shared_ptr<Sink> made = std::move(sink).value();
    std::shared_ptr<Sink> owned(made.get(), [made, context = contexts_.back()](Sink*) mutable {
      made.reset();  // the sink goes first: it may use its context while being destroyed
      context.reset();
    });
    SinkRunnerOptions options;
    const SinkDeliverySettings& delivery = entry.delivery;
    options.queue_capacity = static_cast<std::size_t>(
        delivery.queue.max_snapshots > 0 ? delivery.queue.max_snapshots : g.sink_queue_snapshots);
    options.queue_max_bytes = static_cast<std::size_t>(delivery.queue_max_bytes);
    options.consume_timeout = delivery.timeout;
    options.retry = delivery.retry;
    auto runner = std::make_unique<SinkRunner>(entry.name, std::move(owned), options,
                                               contexts_.back()->logger(), metrics_);
    if (Status st = runner->start(); !st.is_ok()) return fail(entry, st);
    sink_board_->add(entry.name, runner->worker_state());
    sink_runners_.push_back(std::move(runner));
  }

  std::vector<NamedProcessor> processors;
  for (const PluginEntry& entry : config_.processors) {
    auto made = registry_.create_processor(entry.plugin, entry.options, entry.path + ".options", new_context(entry));
    if (!made) return fail(entry, made.status());
    if (Status st = (*made)->start(); !st.is_ok()) return fail(entry, st);
    processors_.push_back(std::move(made).value());
    processors.push_back(NamedProcessor{entry.name, processors_.back().get()});
  }

  std::vector<NamedSource> sources;
  for (const PluginEntry& entry : config_.sources) {
    auto made = registry_.create_source(entry.plugin, entry.options, entry.path + ".options", new_context(entry));
    if (!made) return fail(entry, made.status());
    if (Status st = (*made)->start(); !st.is_ok()) return fail(entry, st);
    sources_.push_back(std::move(made).value());
    sources.push_back(NamedSource{entry.name, sources_.back().get()});
  }

  SchedulerOptions options;
  options.resolution = g.resolution;
  options.scrape_timeout = g.scrape_timeout;
  options.max_in_flight = static_cast<std::size_t>(g.max_concurrent_scrapes);
  options.jitter_per_target = g.jitter_per_target;
  options.max_jitter = g.max_jitter;
  auto publish = [this](SnapshotPtr snapshot) {
    for (auto& runner : sink_runners_) runner->offer(snapshot);
  };
  scheduler_ = std::make_unique<Scheduler>(io_, options, std::move(sources), std::move(processors), publish,
                                           *log_, metrics_);
  return Status::ok();
}

void PipelineRuntime::run() {
  boost::asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    log_->info("Shutting down", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
    scheduler_->stop([this] { shut_down(); });
  });
  log_->info("Starting pipeline", {{"sources", std::to_string(sources_.size())},
                                   {"processors", std::to_string(processors_.size())},
                                   {"sinks", std::to_string(sink_runners_.size())},
                                   {"resolution", format_duration(config_.global.resolution)}});
  scheduler_->start();
  io_.run();
}

void PipelineRuntime::shut_down() {
  // The scheduler has published its last snapshot; give the sinks the configured bound to drain.
  const auto deadline = std::chrono::steady_clock::now() + config_.global.shutdown_timeout;
  for (auto& runner : sink_runners_) {
    auto left = std::max(std::chrono::nanoseconds(0), std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                          deadline - std::chrono::steady_clock::now()));
    if (!runner->stop(left)) {
      log_->warn("Sink did not drain in time", {{"sink", runner->name()},
                                                {"timeout", format_duration(config_.global.shutdown_timeout)}});
    }
  }
  for (auto& source : sources_) source->stop();
  cluster_views_->stop_all();
  serving_->stop();
  for (auto& processor : processors_) processor->stop();
  io_.stop();
  log_->info("Stopped");
}

}  // namespace mpf::core
