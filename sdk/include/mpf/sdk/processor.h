#pragma once

/// @file
/// A processor is one step of the aggregation stage (rates, pod totals, namespace totals, ...).
/// Processors run in configuration order, once per cycle, on one thread, after all scrapes of the
/// cycle ended; each sees what the previous ones wrote into the snapshot being built.

#include <memory>

#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf {

class Processor {
 public:
  virtual ~Processor() = default;

  /// Called once before the first cycle. A failure is fatal at start-up.
  virtual Status start() noexcept { return Status::ok(); }

  /// Reads `snapshot.scrapes` (and what earlier processors produced) and adds to `snapshot`. The
  /// snapshot is not yet shared: no locking needed. A failure is logged and counted; the cycle goes on
  /// with what the snapshot holds.
  virtual Status process(Snapshot& snapshot) noexcept = 0;

  virtual void stop() noexcept {}
};

using ProcessorPtr = std::unique_ptr<Processor>;

}  // namespace mpf
