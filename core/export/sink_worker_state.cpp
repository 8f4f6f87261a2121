#include "core/export/sink_worker_state.h"

#include <utility>

#include "core/status/self_metrics_registry.h"

namespace mpf::core {
namespace {

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

const char* batch_failure_name(BatchFailure failure) {
  switch (failure) {
    case BatchFailure::kPermanent: return "permanent";
    case BatchFailure::kRetriesExhausted: return "retries_exhausted";
    case BatchFailure::kShutdown: return "shutdown";
  }
  return "unknown";
}

SinkMetrics SinkMetrics::make(mpf::SelfMetrics& metrics, const std::string& name) {
  SinkMetrics m;
  const char* snapshots_help = "Snapshots handed to a sink, by result.";
  m.snapshots_ok = metrics.counter("mpf_sink_snapshots_total", snapshots_help, {{"sink", name}, {"result", "ok"}});
  m.snapshots_retryable =
      metrics.counter("mpf_sink_snapshots_total", snapshots_help, {{"sink", name}, {"result", "retryable"}});
  m.snapshots_permanent =
      metrics.counter("mpf_sink_snapshots_total", snapshots_help, {{"sink", name}, {"result", "permanent"}});
  m.dropped_snapshots = metrics.counter(
      "mpf_sink_dropped_snapshots_total",
      "Snapshots a sink never got to: queue overflow (by count or bytes), shutdown or not running.", {{"sink", name}});
  m.queue_length = metrics.gauge("mpf_sink_queue_length", "Snapshots waiting for a sink.", {{"sink", name}});
  m.queue_bytes =
      metrics.gauge("mpf_sink_queue_bytes", "Approximate memory of the snapshots waiting for a sink.", {{"sink", name}});
  m.consume_duration = metrics.histogram("mpf_sink_consume_duration_seconds",
                                         "Time a sink spent on one snapshot (all batches and retries of an exporter).",
                                         exponential_buckets(0.001, 2, 16), {{"sink", name}});
  return m;
}

void SinkMetrics::add_exporter_series(mpf::SelfMetrics& metrics, const std::string& name) {
  sent_samples = metrics.counter("mpf_sink_sent_samples_total", "Samples an exporter delivered.", {{"sink", name}});
  sent_batches = metrics.counter("mpf_sink_sent_batches_total", "Batches an exporter delivered.", {{"sink", name}});
  retried_samples = metrics.counter("mpf_sink_retried_samples_total",
                                    "Samples sent again after a retryable failure, once per retry.", {{"sink", name}});
  retried_batches = metrics.counter("mpf_sink_retried_batches_total",
                                    "Batches sent again after a retryable failure, once per retry.", {{"sink", name}});
  for (std::size_t i = 0; i < kBatchFailureCount; ++i) {
    const char* reason = batch_failure_name(static_cast<BatchFailure>(i));
    failed_samples[i] = metrics.counter("mpf_sink_failed_samples_total",
                                        "Samples an exporter gave up on: permanent (refused), retries_exhausted, "
                                        "shutdown.",
                                        {{"sink", name}, {"reason", reason}});
    failed_batches[i] = metrics.counter("mpf_sink_failed_batches_total",
                                        "Batches an exporter gave up on: permanent (refused), retries_exhausted, "
                                        "shutdown.",
                                        {{"sink", name}, {"reason", reason}});
  }
  send_duration = metrics.histogram("mpf_sink_send_duration_seconds", "Time of one delivery attempt of one batch.",
                                    exponential_buckets(0.001, 2, 16), {{"sink", name}});
}

void SinkWorkerState::log_event(mpf::Severity severity, std::string_view message,
                                std::initializer_list<mpf::LogField> fields) {
  std::lock_guard lock(log_mu);
  if (log != nullptr) log->log(severity, 0, message, fields);
}

void SinkWorkerState::report(const mpf::Status& status, std::uint64_t cycle) {
  bool was_degraded = false;
  bool changed = false;
  {
    std::lock_guard lock(mu);
    // A stopped (possibly abandoned) worker leaves the final state alone.
    if (state.phase == SinkPhase::kStopped) return;
    was_degraded = state.phase == SinkPhase::kDegraded;
    if (status.is_ok()) {
      state.phase = SinkPhase::kOk;
      changed = was_degraded;
    } else {
      std::string error = status.to_string();
      changed = !was_degraded || state.last_error != error;
      state.phase = SinkPhase::kDegraded;
      state.last_error = std::move(error);
    }
  }
  if (!changed) return;
  if (status.is_ok()) {
    log_event(mpf::Severity::kInfo, "Sink recovered", {{"sink", name}, {"cycle", std::to_string(cycle)}});
  } else {
    log_event(mpf::Severity::kWarning, "Sink failed to deliver",
              {{"sink", name}, {"cycle", std::to_string(cycle)}, {"result", result_label(status)},
               {"error", status.message()}});
  }
}

std::deque<SinkWorkerState::Queued> SinkWorkerState::take_queue_as_dropped() {
  std::deque<Queued> left;
  left.swap(queue);
  if (!left.empty()) metrics.dropped_snapshots->add(static_cast<double>(left.size()));
  queued_bytes = 0;
  metrics.queue_length->set(0);
  metrics.queue_bytes->set(0);
  return left;
}

}  // namespace mpf::core
