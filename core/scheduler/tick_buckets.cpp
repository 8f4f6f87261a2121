#include "core/scheduler/tick_buckets.h"

#include <cstddef>

#include "mpf/sdk/self_metrics.h"

namespace mpf::core {

std::vector<double> manager_tick_buckets(std::chrono::nanoseconds resolution) {
  std::vector<double> buckets = mpf::prometheus_default_buckets();
  const double max_bucket = buckets.back();
  const double timeout = std::chrono::duration<double>(resolution).count();
  if (timeout > max_bucket) {
    buckets.insert(buckets.end(), {max_bucket + (timeout - max_bucket) / 2, timeout, timeout * 1.5, timeout * 2.0});
    return buckets;
  }
  if (timeout == max_bucket) return buckets;
  // The first bound above the timeout; Go's range loop leaves `i` on it.
  std::size_t i = 0;
  while (i + 1 < buckets.size() && buckets[i] <= timeout) ++i;
  // Close enough to a neighbour already: no extra bucket.
  if (buckets[i] - timeout < buckets[0] || (i > 0 && timeout - buckets[i - 1] < buckets[0])) return buckets;
  buckets.insert(buckets.begin() + static_cast<std::ptrdiff_t>(i), timeout);
  return buckets;
}

}  // namespace mpf::core
