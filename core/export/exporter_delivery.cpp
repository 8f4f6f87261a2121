#include "core/export/exporter_delivery.h"

#include <algorithm>
#include <mutex>
#include <utility>

namespace mpf::core {
namespace {

using Clock = std::chrono::steady_clock;

// The snapshot's status keeps the most telling failure: a permanent one (data the receiver refuses)
// outranks a retryable one (the receiver was away).
void keep_worst(mpf::Status& worst, const mpf::Status& outcome) {
  if (outcome.is_ok()) return;
  if (worst.is_ok() || (worst.is_retryable() && !outcome.is_retryable())) worst = outcome;
}

}  // namespace

class ExporterDelivery::Emitter final : public mpf::BatchEmitter {
 public:
  Emitter(ExporterDelivery& delivery, std::uint64_t cycle) : delivery_(delivery), cycle_(cycle) {}

  bool emit(mpf::ExportBatch&& batch) noexcept override {
    if (abandoned_) return false;
    mpf::Status outcome;
    try {
      if (!delivery_.deliver_batch(batch, cycle_, !exhausted_, outcome, exhausted_)) {
        abandoned_ = true;
        return false;
      }
    } catch (...) {
      // Only allocation can throw here; the batch is lost like any other failure.
      outcome = mpf::Status::permanent("internal error while delivering a batch");
    }
    keep_worst(worst_, outcome);
    return true;
  }

  const mpf::Status& worst() const { return worst_; }

 private:
  ExporterDelivery& delivery_;
  std::uint64_t cycle_;
  bool exhausted_ = false;
  bool abandoned_ = false;
  mpf::Status worst_;
};

ExporterDelivery::ExporterDelivery(SinkWorkerState& state, mpf::Exporter& exporter, std::uint64_t seed)
    : state_(state), exporter_(exporter), backoff_(state.options.retry, seed) {}

mpf::Status ExporterDelivery::deliver(const mpf::Snapshot& snapshot) {
  Emitter emitter(*this, snapshot.cycle);
  mpf::Status encoded;
  try {
    encoded = exporter_.encode(snapshot, emitter);
  } catch (...) {
    encoded = mpf::Status::permanent("encode threw an exception");
  }
  if (!encoded.is_ok()) {
    state_.report(encoded, snapshot.cycle);
    return encoded;
  }
  return emitter.worst();
}

void ExporterDelivery::count_failure(BatchFailure failure, const mpf::ExportBatch& batch) {
  const auto index = static_cast<std::size_t>(failure);
  state_.metrics.failed_batches[index]->inc();
  state_.metrics.failed_samples[index]->add(static_cast<double>(batch.samples));
}

bool ExporterDelivery::deliver_batch(const mpf::ExportBatch& batch, std::uint64_t cycle, bool retries_allowed,
                                     mpf::Status& outcome, bool& exhausted) {
  const Clock::time_point first_attempt = Clock::now();
  backoff_.reset();
  for (;;) {
    Clock::time_point deadline = Clock::now() + state_.options.consume_timeout;
    {
      std::lock_guard lock(state_.mu);
      if (state_.abandoned) return false;
      if (state_.stop_requested) {
        if (Clock::now() >= state_.stop_deadline) {
          outcome = mpf::Status::retryable("shut down before the batch could be sent");
          count_failure(BatchFailure::kShutdown, batch);
          return true;
        }
        // While draining, no attempt may outlast the drain bound.
        deadline = std::min(deadline, state_.stop_deadline);
      }
    }

    const Clock::time_point started = Clock::now();
    mpf::Status status;
    try {
      status = exporter_.send(batch, deadline);
    } catch (...) {
      status = mpf::Status::permanent("send threw an exception");
    }
    state_.metrics.send_duration->observe(std::chrono::duration<double>(Clock::now() - started).count());
    state_.report(status, cycle);
    if (status.is_ok()) {
      state_.metrics.sent_batches->inc();
      state_.metrics.sent_samples->add(static_cast<double>(batch.samples));
      outcome = status;
      return true;
    }
    outcome = status;
    if (!status.is_retryable()) {
      count_failure(BatchFailure::kPermanent, batch);
      return true;
    }
    std::optional<std::chrono::nanoseconds> wait;
    if (retries_allowed && state_.options.retry.enabled) wait = backoff_.next(Clock::now() - first_attempt);
    if (!wait) {
      exhausted = true;
      count_failure(BatchFailure::kRetriesExhausted, batch);
      return true;
    }

    // Wait out the backoff; stop() wakes us, and a wait that would end past the drain bound ends now.
    const Clock::time_point until = Clock::now() + *wait;
    bool cut_by_shutdown = false;
    {
      std::unique_lock lock(state_.mu);
      auto past_drain = [&] { return state_.stop_requested && until > state_.stop_deadline; };
      state_.work_cv.wait_until(lock, until, [&] { return state_.abandoned || past_drain(); });
      if (state_.abandoned) return false;
      cut_by_shutdown = past_drain();
    }
    if (cut_by_shutdown) {
      count_failure(BatchFailure::kShutdown, batch);
      return true;
    }
    state_.metrics.retried_batches->inc();
    state_.metrics.retried_samples->add(static_cast<double>(batch.samples));
  }
}

}  // namespace mpf::core
