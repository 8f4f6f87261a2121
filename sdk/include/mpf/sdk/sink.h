#pragma once

/// @file
/// A sink receives every published snapshot: the Metrics API server, exporters to external storage,
/// debug writers. The host gives each sink its own worker thread and bounded queue, so a slow sink
/// never delays the scrape cycle or other sinks; when the queue is full the oldest snapshot is
/// dropped and counted.

#include <chrono>
#include <memory>

#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf {

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
};

using SinkPtr = std::unique_ptr<Sink>;

}  // namespace mpf
