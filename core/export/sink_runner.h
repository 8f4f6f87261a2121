#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/export/sink_worker_state.h"
#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/sink.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// Runs one sink instance: a worker thread of its own fed by a bounded queue (by count and by
// approximate bytes), so a slow or hung sink delays neither the scheduler nor other sinks. A plain sink
// gets consume() once per snapshot; an Exporter is driven batch by batch with the per-attempt timeout,
// retries with jittered backoff and per-batch counting (exporter_delivery.h).
//
// Safety with a hung sink: the runner shares ownership of the sink with its worker through reference
// counted state, so stop() can give up on a worker stuck in plugin code after the drain timeout and
// detach it. The detached worker only touches that shared state, the sink and the metric handles
// (all kept alive by the state), never the runner, the registry or the host's logger; when the plugin
// call finally returns it calls Sink::stop(), releases the sink and exits. What the sink itself uses must
// stay valid as long as it lives: its code (a run-time loaded plugin must stay loaded, e.g. through
// the shared_ptr's deleter) and whatever it borrowed, such as its PluginContext.
class SinkRunner {
 public:
  // Takes (shared) ownership of `sink`; a SinkPtr converts. `log` and `metrics` must outlive the
  // runner, not its worker.
  SinkRunner(std::string name, std::shared_ptr<mpf::Sink> sink, SinkRunnerOptions options, mpf::Logger& log,
             SelfMetricsRegistry& metrics);
  // Stops with a zero drain timeout if stop() was not called.
  ~SinkRunner();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  // Calls Sink::start() on the calling thread, then starts the worker. A failure is returned (the host
  // treats it as fatal) and leaves the runner degraded and not accepting snapshots.
  mpf::Status start();

  // Queues a snapshot without ever blocking. While the queue is over its count or byte bound the oldest
  // queued snapshot is dropped and counted (the new one is always kept). Returns false when the snapshot
  // itself was not queued (null, not started or stopped; counted as dropped unless null).
  bool offer(mpf::SnapshotPtr snapshot) noexcept;

  // Stops accepting, lets the worker drain the queue until `drain_timeout` (attempt deadlines and
  // backoff waits are capped by it; what is cut off is counted with reason "shutdown"), counts what is
  // left as dropped, has Sink::stop() called and joins the worker. A worker stuck in plugin code past
  // the timeout is detached instead of joined (see the class comment). Returns false in that case.
  // Later calls return at once.
  bool stop(std::chrono::nanoseconds drain_timeout);

  SinkState state() const;
  const std::string& name() const { return name_; }
  std::size_t queue_length() const;
  // For the status board: the worker state, read under its mutex.
  std::weak_ptr<const SinkWorkerState> worker_state() const { return shared_; }

  // Waits until the worker has exited (also after a detach); true if it did within `timeout`.
  bool wait_for_worker_exit_for_test(std::chrono::nanoseconds timeout) const;

 private:
  static void run_worker(std::shared_ptr<SinkWorkerState> shared);
  // Logs the run's totals once, at stop.
  void log_totals();

  std::string name_;
  mpf::Logger& log_;
  SelfMetricsRegistry& registry_;
  std::shared_ptr<SinkWorkerState> shared_;
  std::thread worker_;
};

}  // namespace mpf::core
