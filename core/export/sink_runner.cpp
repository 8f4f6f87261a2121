#include "core/export/sink_runner.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <initializer_list>
#include <mutex>
#include <system_error>
#include <utility>

#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using Clock = std::chrono::steady_clock;

// After the drain deadline stop() still waits this long, so that a sink that returns right at its
// (capped) consume deadline, and its stop(), are joined rather than abandoned.
constexpr std::chrono::milliseconds kStopGrace{100};

const char* result_label(const mpf::Status& status) {
  if (status.is_ok()) return "ok";
  return status.is_retryable() ? "retryable" : "permanent";
}

}  // namespace

const char* sink_phase_name(SinkPhase phase) {
  switch (phase) {
    case SinkPhase::kStarting: return "starting";
    case SinkPhase::kOk: return "ok";
    case SinkPhase::kDegraded: return "degraded";
    case SinkPhase::kStopped: return "stopped";
  }
  return "unknown";
}

// Everything the worker touches. Shared with the runner through a shared_ptr, so that a worker
// abandoned by stop() keeps it alive on its own.
struct SinkRunner::Shared {
  std::string name;
  SinkRunnerOptions options;
  // Used by start(), then only by the worker, which releases it on its way out.
  std::shared_ptr<mpf::Sink> sink;

  std::shared_ptr<mpf::Counter> consumed_ok;
  std::shared_ptr<mpf::Counter> consumed_retryable;
  std::shared_ptr<mpf::Counter> consumed_permanent;
  std::shared_ptr<mpf::Counter> dropped;
  std::shared_ptr<mpf::Gauge> queue_length;
  std::shared_ptr<Histogram> consume_duration;

  mutable std::mutex mu;
  std::condition_variable work_cv;                // the worker waits for snapshots or stop
  mutable std::condition_variable exited_cv;      // stop() waits for the worker
  std::deque<mpf::SnapshotPtr> queue;
  bool accepting = false;
  bool stop_called = false;
  bool stop_requested = false;  // seen by the worker: drain until stop_deadline, then exit
  bool abandoned = false;       // stop() gave up on the worker and detached it
  bool worker_started = false;
  bool exited = false;
  Clock::time_point stop_deadline;
  SinkState state;

  // The logger is the host's and may be gone once a worker was abandoned; stop() clears this
  // pointer under log_mu before detaching, and the worker logs only under log_mu.
  std::mutex log_mu;
  mpf::Logger* log = nullptr;

  void log_event(mpf::Severity severity, std::string_view message, std::initializer_list<mpf::LogField> fields) {
    std::lock_guard lock(log_mu);
    if (log != nullptr) log->log(severity, 0, message, fields);
  }

  // Removes and counts what is still queued; the snapshots are released by the caller, outside the lock.
  std::deque<mpf::SnapshotPtr> take_queue_as_dropped() {
    std::deque<mpf::SnapshotPtr> left;
    left.swap(queue);
    if (!left.empty()) dropped->add(static_cast<double>(left.size()));
    queue_length->set(0);
    return left;
  }
};

SinkRunner::SinkRunner(std::string name, std::shared_ptr<mpf::Sink> sink, SinkRunnerOptions options,
                       mpf::Logger& log, SelfMetricsRegistry& metrics)
    : name_(std::move(name)), log_(log), shared_(std::make_shared<Shared>()) {
  Shared& s = *shared_;
  s.name = name_;
  s.options = options;
  s.options.queue_capacity = std::max<std::size_t>(s.options.queue_capacity, 1);
  s.sink = std::move(sink);
  s.log = &log;
  const char* snapshots_help = "Snapshots handed to a sink, by result.";
  s.consumed_ok = metrics.counter("mpf_sink_snapshots_total", snapshots_help, {{"sink", name_}, {"result", "ok"}});
  s.consumed_retryable =
      metrics.counter("mpf_sink_snapshots_total", snapshots_help, {{"sink", name_}, {"result", "retryable"}});
  s.consumed_permanent =
      metrics.counter("mpf_sink_snapshots_total", snapshots_help, {{"sink", name_}, {"result", "permanent"}});
  s.dropped = metrics.counter("mpf_sink_dropped_snapshots_total",
                              "Snapshots a sink never consumed: queue overflow, shutdown or not running.",
                              {{"sink", name_}});
  s.queue_length = metrics.gauge("mpf_sink_queue_length", "Snapshots waiting for a sink.", {{"sink", name_}});
  s.consume_duration = metrics.histogram("mpf_sink_consume_duration_seconds", "Time a sink spent in consume().",
                                         exponential_buckets(0.001, 2, 16), {{"sink", name_}});
}

SinkRunner::~SinkRunner() { stop(std::chrono::nanoseconds::zero()); }

mpf::Status SinkRunner::start() {
  Shared& s = *shared_;
  {
    std::lock_guard lock(s.mu);
    if (s.stop_called) return mpf::Status::permanent("sink " + name_ + ": start() after stop()");
    if (worker_.joinable()) return mpf::Status::ok();
  }
  mpf::Status status;
  if (!s.sink) {
    status = mpf::Status::permanent("no sink instance");
  } else {
    try {
      status = s.sink->start();
    } catch (...) {
      status = mpf::Status::permanent("start threw an exception");
    }
  }
  if (status.is_ok()) {
    try {
      worker_ = std::thread(&SinkRunner::run_worker, shared_);
    } catch (const std::system_error& e) {
      status = mpf::Status::permanent(std::string("cannot start the worker thread: ") + e.what());
      s.sink->stop();
    }
  }
  std::lock_guard lock(s.mu);
  if (!status.is_ok()) {
    s.state.phase = SinkPhase::kDegraded;
    s.state.last_error = status.to_string();
    return status;
  }
  s.accepting = true;
  s.worker_started = true;
  return status;
}

bool SinkRunner::offer(mpf::SnapshotPtr snapshot) noexcept {
  if (!snapshot) return false;
  Shared& s = *shared_;
  // Released after the lock: freeing a large snapshot must not hold up the worker or other offers.
  mpf::SnapshotPtr evicted;
  try {
    std::lock_guard lock(s.mu);
    if (!s.accepting) {
      s.dropped->inc();
      return false;
    }
    if (s.queue.size() >= s.options.queue_capacity) {
      evicted = std::move(s.queue.front());
      s.queue.pop_front();
      s.dropped->inc();
    }
    s.queue.push_back(std::move(snapshot));
    s.queue_length->set(static_cast<double>(s.queue.size()));
  } catch (...) {
    s.dropped->inc();
    return false;
  }
  s.work_cv.notify_one();
  return true;
}

void SinkRunner::run_worker(std::shared_ptr<Shared> shared) {
  Shared& s = *shared;
  std::unique_lock lock(s.mu);
  for (;;) {
    s.work_cv.wait(lock, [&] { return !s.queue.empty() || s.stop_requested; });
    if (s.abandoned) break;
    if (s.stop_requested && (s.queue.empty() || Clock::now() >= s.stop_deadline)) break;
    mpf::SnapshotPtr snapshot = std::move(s.queue.front());
    s.queue.pop_front();
    s.queue_length->set(static_cast<double>(s.queue.size()));
    Clock::time_point start = Clock::now();
    Clock::time_point deadline = start + s.options.consume_timeout;
    // While draining, nothing may outlast the drain timeout.
    if (s.stop_requested) deadline = std::min(deadline, s.stop_deadline);
    lock.unlock();

    // One delivery attempt. Retries with backoff belong here: repeat consume() while the status is
    // retryable and time is left, waiting on work_cv so that stop() can cut a backoff short.
    mpf::Status status;
    try {
      status = s.sink->consume(snapshot, deadline);
    } catch (...) {
      status = mpf::Status::permanent("consume threw an exception");
    }
    s.consume_duration->observe(std::chrono::duration<double>(Clock::now() - start).count());
    std::uint64_t cycle = snapshot->cycle;
    snapshot.reset();

    lock.lock();
    bool was_degraded = s.state.phase == SinkPhase::kDegraded;
    std::string previous_error = s.state.last_error;
    // An abandoned worker leaves the final state alone.
    bool report = s.state.phase != SinkPhase::kStopped;
    if (report && status.is_ok()) {
      s.state.phase = SinkPhase::kOk;
    } else if (report) {
      s.state.phase = SinkPhase::kDegraded;
      s.state.last_error = status.to_string();
    }
    lock.unlock();
    // Counted after the state changed, so whoever sees the count also sees the state.
    if (status.is_ok()) {
      s.consumed_ok->inc();
    } else if (status.is_retryable()) {
      s.consumed_retryable->inc();
    } else {
      s.consumed_permanent->inc();
    }
    // Logged once per state change, not per snapshot; an abandoned worker stays quiet.
    if (report && !status.is_ok() && (!was_degraded || previous_error != status.to_string())) {
      s.log_event(mpf::Severity::kWarning, "Sink failed to consume a snapshot",
                  {{"sink", s.name}, {"cycle", std::to_string(cycle)}, {"result", result_label(status)},
                   {"error", status.message()}});
    } else if (report && status.is_ok() && was_degraded) {
      s.log_event(mpf::Severity::kInfo, "Sink recovered", {{"sink", s.name}, {"cycle", std::to_string(cycle)}});
    }
    lock.lock();
  }
  std::deque<mpf::SnapshotPtr> left = s.take_queue_as_dropped();
  lock.unlock();
  left.clear();
  // The last consume() has returned: the SDK's condition for stop().
  try {
    s.sink->stop();
  } catch (...) {
    // noexcept by contract; nothing to clean up if it lied.
  }
  s.sink.reset();
  lock.lock();
  s.exited = true;
  s.exited_cv.notify_all();
}

bool SinkRunner::stop(std::chrono::nanoseconds drain_timeout) {
  Shared& s = *shared_;
  std::unique_lock lock(s.mu);
  if (s.stop_called) return !s.abandoned;
  s.stop_called = true;
  s.accepting = false;
  s.stop_requested = true;
  s.stop_deadline = Clock::now() + std::max(drain_timeout, std::chrono::nanoseconds::zero());
  s.work_cv.notify_all();

  if (!worker_.joinable()) {
    // Never started: Sink::start() was not called or failed, so Sink::stop() is not due either.
    std::deque<mpf::SnapshotPtr> left = s.take_queue_as_dropped();
    s.state.phase = SinkPhase::kStopped;
    lock.unlock();
    return true;
  }

  s.exited_cv.wait_until(lock, s.stop_deadline + kStopGrace, [&] { return s.exited; });
  if (s.exited) {
    s.state.phase = SinkPhase::kStopped;
    lock.unlock();
    worker_.join();
    return true;
  }

  // Stuck in plugin code. Count what it will never get, then let it go: from here on it touches only
  // the shared state (see the class comment).
  std::deque<mpf::SnapshotPtr> left = s.take_queue_as_dropped();
  s.abandoned = true;
  s.state.phase = SinkPhase::kStopped;
  lock.unlock();
  s.work_cv.notify_all();
  {
    std::lock_guard log_lock(s.log_mu);
    s.log = nullptr;
  }
  log_.warn("Sink did not stop within the drain timeout; abandoning its worker thread",
            {{"sink", name_}, {"drain_timeout", mpf::format_duration(drain_timeout)}});
  worker_.detach();
  return false;
}

SinkState SinkRunner::state() const {
  std::lock_guard lock(shared_->mu);
  return shared_->state;
}

std::size_t SinkRunner::queue_length() const {
  std::lock_guard lock(shared_->mu);
  return shared_->queue.size();
}

bool SinkRunner::wait_for_worker_exit_for_test(std::chrono::nanoseconds timeout) const {
  std::unique_lock lock(shared_->mu);
  if (!shared_->worker_started) return true;
  return shared_->exited_cv.wait_for(lock, timeout, [&] { return shared_->exited; });
}

}  // namespace mpf::core
