#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/sink.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

struct SinkRunnerOptions {
  // Snapshots waiting for the sink; when full, the oldest is dropped. Default: 2.
  std::size_t queue_capacity = 2;
  // Deadline handed to each Sink::consume() call, from its start. Default: 10s.
  std::chrono::nanoseconds consume_timeout{std::chrono::seconds(10)};
};

enum class SinkPhase : unsigned char {
  kStarting,  // created or started, nothing consumed yet
  kOk,        // the last consume() succeeded
  kDegraded,  // the last consume() (or start()) failed; see last_error
  kStopped,
};

const char* sink_phase_name(SinkPhase phase);

struct SinkState {
  SinkPhase phase = SinkPhase::kStarting;
  // The last failure, kept after a recovery so readiness detail can still show it. Empty if none.
  std::string last_error;
};

// Runs one sink instance: a worker thread of its own fed by a bounded queue, so a slow or hung sink
// delays neither the scheduler nor other sinks.
//
// Safety with a hung sink: the runner shares ownership of the sink with its worker through reference
// counted state, so stop() can give up on a worker stuck in consume() after the drain timeout and
// detach it. The detached worker only touches that shared state, the sink and the metric handles
// (all kept alive by the state), never the runner, the registry or the host's logger; when consume()
// finally returns it calls Sink::stop(), releases the sink and exits. What the sink itself uses must
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

  // Queues a snapshot without ever blocking. When the queue is full the oldest queued snapshot is
  // dropped and counted. Returns false when the snapshot itself was not queued (null, not started
  // or stopped; counted as dropped unless null).
  bool offer(mpf::SnapshotPtr snapshot) noexcept;

  // Stops accepting, lets the worker drain the queue until `drain_timeout` (consume deadlines are
  // capped by it), counts what is left as dropped, has Sink::stop() called and joins the worker. A
  // worker stuck in consume() past the timeout is detached instead of joined (see the class comment).
  // Returns false in that case. Later calls return at once.
  bool stop(std::chrono::nanoseconds drain_timeout);

  SinkState state() const;
  const std::string& name() const { return name_; }
  std::size_t queue_length() const;

  // Waits until the worker has exited (also after a detach); true if it did within `timeout`.
  bool wait_for_worker_exit_for_test(std::chrono::nanoseconds timeout) const;

 private:
  struct Shared;
  static void run_worker(std::shared_ptr<Shared> shared);

  std::string name_;
  mpf::Logger& log_;
  std::shared_ptr<Shared> shared_;
  std::thread worker_;
};

}  // namespace mpf::core
