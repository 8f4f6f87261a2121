#pragma once

// What a sink's worker thread shares with its SinkRunner (sink_runner.h explains the ownership). Kept
// apart so that the exporter delivery (exporter_delivery.h) can use it without the runner.

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/config/sink_delivery.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/sink.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {

struct SinkRunnerOptions {
  // Snapshots waiting for the sink; when full, the oldest is dropped. Default: 2.
  std::size_t queue_capacity = 2;
  // Approximate bytes of the waiting snapshots (snapshot_size.h); the newest is always kept. Default: 256 MiB.
  std::size_t queue_max_bytes = std::size_t{256} << 20;
  // Deadline of one Exporter::send() attempt, or of one Sink::consume() call, from its start. Default: 10s.
  std::chrono::nanoseconds consume_timeout{std::chrono::seconds(10)};
  // Retries of an exporter's batches. Plain sinks are never retried: their consume() owns the snapshot.
  RetrySettings retry;
  // Seeds the backoff jitter; 0 draws a seed from std::random_device.
  std::uint64_t random_seed = 0;
};

enum class SinkPhase : unsigned char {
  kStarting,  // created or started, nothing delivered yet
  kOk,        // the last delivery succeeded
  kDegraded,  // the last delivery (or start()) failed; see last_error
  kStopped,
};

const char* sink_phase_name(SinkPhase phase);

struct SinkState {
  SinkPhase phase = SinkPhase::kStarting;
  // The last failure, kept after a recovery so readiness detail can still show it. Empty if none.
  std::string last_error;
};

// Why an exporter's batch was not delivered (the `reason` label of mpf_sink_failed_*_total).
enum class BatchFailure : unsigned char { kPermanent, kRetriesExhausted, kShutdown };
inline constexpr std::size_t kBatchFailureCount = 3;
const char* batch_failure_name(BatchFailure failure);

struct SinkMetrics {
  std::shared_ptr<mpf::Counter> snapshots_ok, snapshots_retryable, snapshots_permanent;
  std::shared_ptr<mpf::Counter> dropped_snapshots;
  std::shared_ptr<mpf::Gauge> queue_length, queue_bytes;
  std::shared_ptr<mpf::Histogram> consume_duration;
  // Exporters only.
  std::shared_ptr<mpf::Counter> sent_samples, sent_batches, retried_samples, retried_batches;
  std::array<std::shared_ptr<mpf::Counter>, kBatchFailureCount> failed_samples, failed_batches;
  std::shared_ptr<mpf::Histogram> send_duration;

  // Registers the series every sink has (so that a healthy sink shows its zeros too).
  static SinkMetrics make(mpf::SelfMetrics& metrics, const std::string& name);
  // Registers the exporter series (sent, failed by reason, retried, send duration).
  void add_exporter_series(mpf::SelfMetrics& metrics, const std::string& name);
};

struct SinkWorkerState {
  using Clock = std::chrono::steady_clock;

  std::string name;
  SinkRunnerOptions options;
  // Used by start(), then only by the worker, which releases it on its way out.
  std::shared_ptr<mpf::Sink> sink;
  SinkMetrics metrics;

  mutable std::mutex mu;
  std::condition_variable work_cv;            // the worker waits for snapshots, stop, or a backoff's end
  mutable std::condition_variable exited_cv;  // stop() waits for the worker
  struct Queued {
    mpf::SnapshotPtr snapshot;
    std::size_t bytes = 0;
  };
  std::deque<Queued> queue;
  std::size_t queued_bytes = 0;
  bool accepting = false;
  bool stop_called = false;
  bool stop_requested = false;  // seen by the worker: drain until stop_deadline, then exit
  bool abandoned = false;       // stop() gave up on the worker and detached it
  bool worker_started = false;
  bool exited = false;
  Clock::time_point stop_deadline;
  SinkState state;

  // The logger is the host's and may be gone once a worker was abandoned; stop() clears this pointer
  // under log_mu before detaching, and the worker logs only under log_mu.
  std::mutex log_mu;
  mpf::Logger* log = nullptr;

  void log_event(mpf::Severity severity, std::string_view message, std::initializer_list<mpf::LogField> fields);

  // Records a delivery's outcome in the state and logs a change of state (not every failure): the first
  // failure, a different error, a recovery. `cycle` names the snapshot in the log. Takes `mu`.
  void report(const mpf::Status& status, std::uint64_t cycle);

  // Removes and counts what is still queued; the snapshots are released by the caller, outside `mu`
  // (which the caller holds).
  std::deque<Queued> take_queue_as_dropped();
};

}  // namespace mpf::core
