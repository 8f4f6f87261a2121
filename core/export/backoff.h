#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "core/config/sink_delivery.h"

namespace mpf::core {

// Jittered exponential backoff, as the OpenTelemetry Collector's exporter helper (cenkalti/backoff)
// computes it: the k-th wait is drawn uniformly from interval_k × [1 - f, 1 + f], with interval_0 =
// initial_interval and interval_{k+1} = min(interval_k × multiplier, max_interval); retrying stops once
// the time since the first attempt plus the next wait would pass max_elapsed_time (when it is not 0).
class Backoff {
 public:
  Backoff(const RetrySettings& settings, std::uint64_t seed);

  // Starts over for a new batch.
  void reset();

  // The wait before the next attempt, given the time since the batch's first attempt; nullopt when the
  // batch should be given up.
  std::optional<std::chrono::nanoseconds> next(std::chrono::nanoseconds elapsed);

 private:
  RetrySettings settings_;
  std::chrono::nanoseconds interval_;
  std::mt19937_64 random_;
};

}  // namespace mpf::core
