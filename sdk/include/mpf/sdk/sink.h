#pragma once

/// @file
/// A sink receives every published snapshot: the Metrics API server, exporters to external storage,
/// debug writers. The host gives each sink its own worker thread and bounded queue, so a slow sink
/// never delays the scrape cycle or other sinks; when the queue is full the oldest snapshot is
/// dropped and counted.
///
/// Sinks that deliver to storage derive from Exporter instead: they only cut a snapshot into encoded
/// batches and make single delivery attempts, and the host's runtime does the rest the same way for
/// every exporter (per-attempt timeout, retry with jittered exponential backoff, counters of sent,
/// failed, retried and dropped samples and batches, state in /readyz?verbose).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf {

class Exporter;

class Sink {
 public:
  virtual ~Sink() = default;

  /// Called once before the first snapshot, on the host's start-up thread. A failure is fatal.
  virtual Status start() noexcept { return Status::ok(); }

  /// Handles one snapshot. Called on the sink's worker thread, one call at a time, in cycle order.
  /// Should finish by `deadline`. Return a retryable status for transient failures and a permanent
  /// one for failures that would repeat.
  virtual Status consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point deadline) noexcept = 0;

  /// Called once at shutdown after the last consume() returned. If a consume() hangs past the host's
  /// drain bound, the host stops waiting; stop() then runs later on the sink's worker thread, when that
  /// consume() returns.
  virtual void stop() noexcept {}

  /// Non-null when this sink is an Exporter: the host then drives encode() and send() itself instead
  /// of calling consume(). (A virtual rather than dynamic_cast, which is unreliable across plugin
  /// libraries.)
  virtual Exporter* as_exporter() noexcept { return nullptr; }
};

using SinkPtr = std::unique_ptr<Sink>;

/// One request's worth of a snapshot, encoded and ready to send.
struct ExportBatch {
  /// The bytes to deliver (a request body, lines for a file), already compressed if the protocol wants.
  std::string payload;
  /// Data points in the batch, for the host's counters (a remote-write series sample, a line-protocol
  /// field, a JSON sample).
  std::size_t samples = 0;
};

/// Takes batches from Exporter::encode() as they are finished.
class BatchEmitter {
 public:
  virtual ~BatchEmitter() = default;
  /// Hands a batch over; the host delivers it (with retries) before this returns, so an exporter never
  /// holds more than the batch it is building. Returns false when the host wants no more batches from
  /// this snapshot (shutting down): encode() then returns promptly.
  virtual bool emit(ExportBatch&& batch) noexcept = 0;
};

/// A sink that delivers to external storage. Implement encode() (the codec: snapshot to batches, no
/// I/O) and send() (the transport: one attempt, no retries); the host does queueing, retries, timeouts
/// and counting.
class Exporter : public Sink {
 public:
  /// Cuts `snapshot` into batches and hands each to `emitter` as soon as it is complete. Called on the
  /// sink's worker thread, one snapshot at a time, in cycle order. Fails only for reasons of its own
  /// (the host counts the snapshot as failed); a false from emit() is not a failure.
  virtual Status encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept = 0;

  /// One delivery attempt of `batch`, finished by `deadline` (the host's per-attempt timeout). Return
  /// ok, retryable (timeouts, refused connections, HTTP 429 and 5xx: the host retries with backoff) or
  /// permanent (other 4xx, rejected data: the host drops the batch and counts it). Called on the sink's
  /// worker thread, one call at a time.
  virtual Status send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept = 0;

  /// For hosts without the runtime (and tests): every batch sent once, no retries; the first failure
  /// is returned after the remaining batches were tried.
  Status consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point deadline) noexcept override {
    if (!snapshot) return Status::ok();
    struct SendOnce final : BatchEmitter {
      Exporter* exporter = nullptr;
      std::chrono::steady_clock::time_point deadline;
      Status first_failure;
      bool emit(ExportBatch&& batch) noexcept override {
        Status status = exporter->send(batch, deadline);
        if (!status.is_ok() && first_failure.is_ok()) first_failure = std::move(status);
        return true;
      }
    } once;
    once.exporter = this;
    once.deadline = deadline;
    Status encoded = encode(*snapshot, once);
    return encoded.is_ok() ? once.first_failure : encoded;
  }

  Exporter* as_exporter() noexcept final { return this; }
};

}  // namespace mpf
