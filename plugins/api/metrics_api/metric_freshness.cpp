#include "metrics_api/metric_freshness.h"

#include <algorithm>

namespace mpf::api::metrics {

MetricFreshness::MetricFreshness(SelfMetrics& metrics)
    : bounds_(exponential_buckets(1, 1.364, 20)) {
  histogram_ = metrics.histogram("metrics_server_api_metric_freshness_seconds", "[ALPHA] Freshness of metrics exported",
                                 bounds_);
}

void MetricFreshness::observe(std::span<const std::int64_t> timestamps_ns, std::int64_t now_ns) const {
  if (!histogram_) return;
  for (std::int64_t ts : timestamps_ns) histogram_->observe(static_cast<double>(now_ns - ts) / 1e9);
}

void MetricFreshness::observe_sorted(std::span<const std::int64_t> sorted, std::int64_t now_ns) const {
  if (!histogram_ || sorted.empty()) return;
  // age <= bound  <=>  timestamp >= now - bound: the items from lower_bound(now - bound) on.
  std::vector<std::uint64_t> counts(bounds_.size() + 1, 0);
  std::uint64_t below = 0;  // items in earlier buckets
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    const auto limit = now_ns - static_cast<std::int64_t>(bounds_[i] * 1e9);
    const auto within = static_cast<std::uint64_t>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), limit));
    counts[i] = within - below;
    below = within;
  }
  counts.back() = sorted.size() - below;
  // The sum of ages, relative to the newest sample to keep the precision of a double.
  const std::int64_t newest = sorted.back();
  double offsets = 0;
  for (std::int64_t ts : sorted) offsets += static_cast<double>(newest - ts);
  const double sum = (static_cast<double>(sorted.size()) * static_cast<double>(now_ns - newest) + offsets) / 1e9;
  histogram_->observe_counts(counts, sum);
}

}  // namespace mpf::api::metrics
