#include "core/aggregation/rate_math.h"

namespace mpf::core {

namespace {

// time.Duration.Seconds(): whole seconds and the remainder are converted separately, which rounds
// differently from a plain window_ns / 1e9.
double go_seconds(std::int64_t window_ns) {
  // Points of one cycle mostly share their window, and the two 64-bit divisions cost more than the
  // rest of a rate, so remember the last conversion (exact: it depends on window_ns only).
  thread_local std::int64_t cached_window_ns = 0;
  thread_local double cached_seconds = 0.0;  // go_seconds(0)
  if (window_ns != cached_window_ns) {
    constexpr std::int64_t kSecond = 1'000'000'000;
    cached_seconds = static_cast<double>(window_ns / kSecond) + static_cast<double>(window_ns % kSecond) / 1e9;
    cached_window_ns = window_ns;
  }
  return cached_seconds;
}

}  // namespace

std::uint64_t go_cpu_nanocores(std::uint64_t delta_core_ns, std::int64_t window_ns) {
  const double seconds = go_seconds(window_ns);
  const double rate = static_cast<double>(delta_core_ns) / seconds;
  // Go's conversion of an out-of-range float is implementation-defined and C++'s is undefined, so
  // saturate instead; a rate of 2^64 nanocores is not a real measurement either way.
  if (!(rate >= 0.0)) return 0;
  if (rate >= 18446744073709551616.0) return UINT64_MAX;
  return static_cast<std::uint64_t>(rate);  // truncation toward zero, as Go does
}

RateError compute_rate(const Sample& last, const PrevPoint& prev, Rate& out) {
  if (last.start_time_ns < prev.start_time_ns) return RateError::kStartTimeDecreased;
  if (last.cpu_usage_core_ns < prev.cpu_usage_core_ns) return RateError::kCpuDecreased;
  const std::int64_t window_ns = last.timestamp_ns - prev.timestamp_ns;
  if (window_ns <= 0) return RateError::kEmptyWindow;
  out.window_ns = window_ns;
  out.cpu_nanocores = go_cpu_nanocores(last.cpu_usage_core_ns - prev.cpu_usage_core_ns, window_ns);
  return RateError::kNone;
}

}  // namespace mpf::core
