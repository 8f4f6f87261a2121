#pragma once

#include <cstdint>

#include "core/export/backoff.h"
#include "core/export/sink_worker_state.h"
#include "mpf/sdk/sink.h"

namespace mpf::core {

// Delivers snapshots through an Exporter on the sink's worker thread: encode() cuts a snapshot into
// batches and each batch is sent as it comes, with the per-attempt timeout, retried with backoff while
// retryable, dropped and counted when permanent, exhausted or cut off by shutdown. One batch is held at
// a time, so memory stays at one encoded batch beyond the snapshot.
//
// Once a batch exhausted its retries, the rest of that snapshot gets one attempt per batch: a receiver
// that is down then costs one max_elapsed_time per snapshot, not one per batch, and a receiver that came
// back loses nothing more.
class ExporterDelivery {
 public:
  ExporterDelivery(SinkWorkerState& state, mpf::Exporter& exporter, std::uint64_t seed);

  // Called without `state.mu` held. Returns the snapshot's overall status for the snapshot counters:
  // ok when every batch was delivered, else the last failure (permanent before retryable).
  mpf::Status deliver(const mpf::Snapshot& snapshot);

 private:
  class Emitter;

  // One batch, from first attempt to delivery or failure. Returns false when the worker was abandoned.
  bool deliver_batch(const mpf::ExportBatch& batch, std::uint64_t cycle, bool retries_allowed, mpf::Status& outcome,
                     bool& exhausted);
  void count_failure(BatchFailure failure, const mpf::ExportBatch& batch);

  SinkWorkerState& state_;
  mpf::Exporter& exporter_;
  Backoff backoff_;
};

}  // namespace mpf::core
