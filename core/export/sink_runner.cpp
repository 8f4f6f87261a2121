#include "core/export/sink_runner.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <random>
#include <system_error>
#include <utility>

#include "core/export/exporter_delivery.h"
#include "core/export/snapshot_size.h"
#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using Clock = SinkWorkerState::Clock;

// After the drain deadline stop() still waits this long, so that a sink that returns right at its
// (capped) deadline, and its stop(), are joined rather than abandoned.
constexpr std::chrono::milliseconds kStopGrace{100};

}  // namespace

SinkRunner::SinkRunner(std::string name, std::shared_ptr<mpf::Sink> sink, SinkRunnerOptions options,
                       mpf::Logger& log, SelfMetricsRegistry& metrics)
    : name_(std::move(name)), log_(log), registry_(metrics), shared_(std::make_shared<SinkWorkerState>()) {
  SinkWorkerState& s = *shared_;
  s.name = name_;
  s.options = options;
  s.options.queue_capacity = std::max<std::size_t>(s.options.queue_capacity, 1);
  if (s.options.random_seed == 0) s.options.random_seed = std::random_device{}();
  s.sink = std::move(sink);
  s.log = &log;
  s.metrics = SinkMetrics::make(metrics, name_);
}

SinkRunner::~SinkRunner() { stop(std::chrono::nanoseconds::zero()); }

mpf::Status SinkRunner::start() {
  SinkWorkerState& s = *shared_;
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
      if (s.sink->as_exporter() != nullptr) s.metrics.add_exporter_series(registry_, name_);
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
  SinkWorkerState& s = *shared_;
  // Released after the lock: freeing a large snapshot must not hold up the worker or other offers.
  std::deque<SinkWorkerState::Queued> evicted;
  try {
    const std::size_t bytes = approximate_snapshot_bytes(*snapshot);
    std::lock_guard lock(s.mu);
    if (!s.accepting) {
      s.metrics.dropped_snapshots->inc();
      return false;
    }
    while (!s.queue.empty() && (s.queue.size() >= s.options.queue_capacity ||
                                s.queued_bytes + bytes > s.options.queue_max_bytes)) {
      s.queued_bytes -= s.queue.front().bytes;
      evicted.push_back(std::move(s.queue.front()));
      s.queue.pop_front();
      s.metrics.dropped_snapshots->inc();
    }
    s.queue.push_back({std::move(snapshot), bytes});
    s.queued_bytes += bytes;
    s.metrics.queue_length->set(static_cast<double>(s.queue.size()));
    s.metrics.queue_bytes->set(static_cast<double>(s.queued_bytes));
  } catch (...) {
    s.metrics.dropped_snapshots->inc();
    return false;
  }
  s.work_cv.notify_all();
  return true;
}

void SinkRunner::run_worker(std::shared_ptr<SinkWorkerState> shared) {
  SinkWorkerState& s = *shared;
  mpf::Exporter* exporter = s.sink->as_exporter();
  std::optional<ExporterDelivery> delivery;
  if (exporter != nullptr) delivery.emplace(s, *exporter, s.options.random_seed);

  std::unique_lock lock(s.mu);
  for (;;) {
    s.work_cv.wait(lock, [&] { return !s.queue.empty() || s.stop_requested; });
    if (s.abandoned) break;
    if (s.stop_requested && (s.queue.empty() || Clock::now() >= s.stop_deadline)) break;
    mpf::SnapshotPtr snapshot = std::move(s.queue.front().snapshot);
    s.queued_bytes -= s.queue.front().bytes;
    s.queue.pop_front();
    s.metrics.queue_length->set(static_cast<double>(s.queue.size()));
    s.metrics.queue_bytes->set(static_cast<double>(s.queued_bytes));
    Clock::time_point start = Clock::now();
    Clock::time_point deadline = start + s.options.consume_timeout;
    // While draining, nothing may outlast the drain timeout.
    if (s.stop_requested) deadline = std::min(deadline, s.stop_deadline);
    lock.unlock();

    mpf::Status status;
    if (delivery) {
      status = delivery->deliver(*snapshot);  // reports the state per batch itself
    } else {
      try {
        status = s.sink->consume(snapshot, deadline);
      } catch (...) {
        status = mpf::Status::permanent("consume threw an exception");
      }
      s.report(status, snapshot->cycle);
    }
    s.metrics.consume_duration->observe(std::chrono::duration<double>(Clock::now() - start).count());
    snapshot.reset();
    if (status.is_ok()) {
      s.metrics.snapshots_ok->inc();
    } else if (status.is_retryable()) {
      s.metrics.snapshots_retryable->inc();
    } else {
      s.metrics.snapshots_permanent->inc();
    }
    lock.lock();
  }
  std::deque<SinkWorkerState::Queued> left = s.take_queue_as_dropped();
  lock.unlock();
  left.clear();
  // The last plugin call has returned: the SDK's condition for stop().
  try {
    s.sink->stop();
  } catch (...) {
    // noexcept by contract; nothing to clean up if it lied.
  }
  delivery.reset();
  s.sink.reset();
  lock.lock();
  s.exited = true;
  s.exited_cv.notify_all();
}

bool SinkRunner::stop(std::chrono::nanoseconds drain_timeout) {
  SinkWorkerState& s = *shared_;
  std::unique_lock lock(s.mu);
  if (s.stop_called) return !s.abandoned;
  s.stop_called = true;
  s.accepting = false;
  s.stop_requested = true;
  s.stop_deadline = Clock::now() + std::max(drain_timeout, std::chrono::nanoseconds::zero());
  s.work_cv.notify_all();

  if (!worker_.joinable()) {
    // Never started: Sink::start() was not called or failed, so Sink::stop() is not due either.
    std::deque<SinkWorkerState::Queued> left = s.take_queue_as_dropped();
    s.state.phase = SinkPhase::kStopped;
    lock.unlock();
    return true;
  }

  s.exited_cv.wait_until(lock, s.stop_deadline + kStopGrace, [&] { return s.exited; });
  if (s.exited) {
    s.state.phase = SinkPhase::kStopped;
    lock.unlock();
    worker_.join();
    log_totals();
    return true;
  }

  // Stuck in plugin code. Count what it will never get, then let it go: from here on it touches only
  // the shared state (see the class comment).
  std::deque<SinkWorkerState::Queued> left = s.take_queue_as_dropped();
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
  log_totals();
  return false;
}

void SinkRunner::log_totals() {
  // The last counts of a run, which a scrape of /metrics can no longer see once the server stopped.
  const SinkMetrics& m = shared_->metrics;
  auto count = [](const std::shared_ptr<mpf::Counter>& c) {
    return std::to_string(c ? static_cast<std::uint64_t>(c->value()) : 0);
  };
  if (!m.sent_batches) {
    log_.info("Sink stopped", {{"sink", name_},
                               {"snapshots_ok", count(m.snapshots_ok)},
                               {"dropped_snapshots", count(m.dropped_snapshots)}});
    return;
  }
  double failed_samples = 0;
  for (const auto& c : m.failed_samples) failed_samples += c->value();
  log_.info("Sink stopped",
            {{"sink", name_},
             {"sent_samples", count(m.sent_samples)},
             {"failed_samples", std::to_string(static_cast<std::uint64_t>(failed_samples))},
             {"shutdown_samples", count(m.failed_samples[static_cast<std::size_t>(BatchFailure::kShutdown)])},
             {"retried_batches", count(m.retried_batches)},
             {"dropped_snapshots", count(m.dropped_snapshots)}});
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
