#include "core/aggregation/rate_math.h"

namespace mpf::core {

namespace {

GoSecondsCache& thread_seconds() {
  thread_local GoSecondsCache cache;
  return cache;
}

}  // namespace

std::uint64_t go_cpu_nanocores(std::uint64_t delta_core_ns, std::int64_t window_ns) {
  return go_cpu_nanocores(delta_core_ns, window_ns, thread_seconds());
}

RateError compute_rate(const Sample& last, const PrevPoint& prev, Rate& out) {
  return compute_rate(last, prev, out, thread_seconds());
}

}  // namespace mpf::core
