#pragma once

// The rate computation of metrics-server (`resourceUsage` in pkg/storage/types.go), bit for bit.

#include <cstdint>

#include "mpf/sdk/sample.h"

namespace mpf::core {

// What a rate needs from the older of two points. Memory and the other gauges come from the newer
// one, so they are not kept here.
struct PrevPoint {
  std::int64_t timestamp_ns = 0;
  std::int64_t start_time_ns = 0;
  std::uint64_t cpu_usage_core_ns = 0;
};

// Why two points give no rate. The reference logs these and skips the node or container.
enum class RateError : std::uint8_t {
  kNone = 0,
  kStartTimeDecreased,  // "unexpected decrease in startTime of node/container"
  kCpuDecreased,        // "unexpected decrease in cumulative CPU usage value"
  kEmptyWindow,         // unreachable through the store (prev is always strictly older); kept as a guard
};

struct Rate {
  std::int64_t window_ns = 0;
  std::uint64_t cpu_nanocores = 0;
};

// Go's `uint64(float64(delta) / window.Seconds())`. The float path is kept on purpose: it is what
// the reference serves, and exact integer division differs from it in the last unit for some inputs
// (e.g. when the true quotient is an integer that float64 rounds just below).
std::uint64_t go_cpu_nanocores(std::uint64_t delta_core_ns, std::int64_t window_ns);

// The rate between `prev` and `last`; `out` is written only on success.
RateError compute_rate(const Sample& last, const PrevPoint& prev, Rate& out);

}  // namespace mpf::core
