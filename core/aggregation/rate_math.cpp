#include "core/aggregation/rate_math.h"

namespace mpf::core {

std::uint64_t go_cpu_nanocores(std::uint64_t delta_core_ns, std::int64_t window_ns) {
  // time.Duration.Seconds(): whole seconds and the remainder are converted separately, which rounds
  // differently from a plain window_ns / 1e9.
  constexpr std::int64_t kSecond = 1'000'000'000;
  const double seconds =
      static_cast<double>(window_ns / kSecond) + static_cast<double>(window_ns % kSecond) / 1e9;
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
