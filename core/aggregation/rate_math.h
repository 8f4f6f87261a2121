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

// time.Duration.Seconds(): whole seconds and the remainder are converted separately, which rounds
// differently from a plain window_ns / 1e9.
inline double go_seconds(std::int64_t window_ns) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  return static_cast<double>(window_ns / kSecond) + static_cast<double>(window_ns % kSecond) / 1e9;
}

// go_seconds() of the last window seen. Points of one cycle mostly share their window, and the two
// 64-bit divisions cost more than the rest of a rate. Exact: the result depends on window_ns only.
class GoSecondsCache {
 public:
  double operator()(std::int64_t window_ns) {
    if (window_ns != window_ns_) {
      seconds_ = go_seconds(window_ns);
      window_ns_ = window_ns;
    }
    return seconds_;
  }

 private:
  std::int64_t window_ns_ = 0;
  double seconds_ = 0.0;  // go_seconds(0)
};

// Go's `uint64(float64(delta) / window.Seconds())`. The float path is kept on purpose: it is what
// the reference serves, and exact integer division differs from it in the last unit for some inputs
// (e.g. when the true quotient is an integer that float64 rounds just below).
inline std::uint64_t go_cpu_nanocores(std::uint64_t delta_core_ns, std::int64_t window_ns, GoSecondsCache& seconds) {
  const double rate = static_cast<double>(delta_core_ns) / seconds(window_ns);
  // Go's conversion of an out-of-range float is implementation-defined and C++'s is undefined, so
  // saturate instead; a rate of 2^64 nanocores is not a real measurement either way.
  if (!(rate >= 0.0)) return 0;
  if (rate >= 18446744073709551616.0) return UINT64_MAX;
  return static_cast<std::uint64_t>(rate);  // truncation toward zero, as Go does
}
std::uint64_t go_cpu_nanocores(std::uint64_t delta_core_ns, std::int64_t window_ns);

// The rate between `prev` and `last`; `out` is written only on success. Inline with an explicit
// cache for the store's per-container loop; the two-argument form uses a per-thread cache.
inline RateError compute_rate(const Sample& last, const PrevPoint& prev, Rate& out, GoSecondsCache& seconds) {
  if (last.start_time_ns < prev.start_time_ns) return RateError::kStartTimeDecreased;
  if (last.cpu_usage_core_ns < prev.cpu_usage_core_ns) return RateError::kCpuDecreased;
  const std::int64_t window_ns = last.timestamp_ns - prev.timestamp_ns;
  if (window_ns <= 0) return RateError::kEmptyWindow;
  out.window_ns = window_ns;
  out.cpu_nanocores = go_cpu_nanocores(last.cpu_usage_core_ns - prev.cpu_usage_core_ns, window_ns, seconds);
  return RateError::kNone;
}
RateError compute_rate(const Sample& last, const PrevPoint& prev, Rate& out);

}  // namespace mpf::core
