#pragma once

/// @file
/// Self-metrics: counters, gauges and histograms a plugin exposes about itself (requests, failures,
/// drops, latencies). The host renders them on /metrics in the Prometheus text format. Anything a
/// plugin drops must be counted here.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpf {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing value. Thread-safe and lock-free.
class Counter {
 public:
  virtual ~Counter() = default;
  virtual void add(double delta) noexcept = 0;
  void inc() noexcept { add(1); }
  virtual double value() const noexcept = 0;
};

/// A value that goes up and down. Thread-safe and lock-free.
class Gauge {
 public:
  virtual ~Gauge() = default;
  virtual void set(double value) noexcept = 0;
  virtual void add(double delta) noexcept = 0;
  virtual double value() const noexcept = 0;
};

/// A cumulative histogram with fixed upper bounds. Thread-safe and lock-free.
///
/// Rendered as `<name>_bucket{le="..."}` (cumulative), `<name>_sum` and `<name>_count`. NaN
/// observations are ignored: they would poison the sum forever.
class Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void observe(double value) noexcept = 0;
  /// Adds many observations at once: `bucket_counts[i]` observations fell in bucket i (non-cumulative;
  /// one entry per upper bound plus a last one for +Inf), summing to `sum`. Wrong sizes are ignored.
  /// The buckets are the histogram's upper bounds as registered after sorting and removing duplicates
  /// and +Inf, so pass sorted, distinct, finite bounds to know which index is which. A NaN `sum` makes
  /// the whole call ignored, like a NaN observation.
  virtual void observe_counts(std::span<const std::uint64_t> bucket_counts, double sum) noexcept = 0;
};

/// Prometheus' default buckets (client_golang's DefBuckets), meant for latencies in seconds:
/// .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
inline std::vector<double> prometheus_default_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

/// `count` upper bounds start, start*factor, start*factor^2, ... (client_golang's ExponentialBuckets,
/// without its panics: the caller is trusted to pass start > 0 and factor > 1).
inline std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  std::vector<double> out;
  out.reserve(count);
  double bound = start;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(bound);
    bound *= factor;
  }
  return out;
}

/// The registry. Thread-safe. Names follow Prometheus conventions (snake_case, counters end _total).
/// Asking twice for the same name and labels (in any order) returns the same series. Counters ignore
/// negative deltas. A malformed name or label never fails the caller: it gets a working handle that is
/// not exported, and the misuse is counted.
class SelfMetrics {
 public:
  virtual ~SelfMetrics() = default;
  virtual std::shared_ptr<Counter> counter(std::string_view name, std::string_view help,
                                           MetricLabels labels = {}) noexcept = 0;
  virtual std::shared_ptr<Gauge> gauge(std::string_view name, std::string_view help,
                                       MetricLabels labels = {}) noexcept = 0;
  /// A histogram with the given upper bounds (the +Inf bucket is implicit). Asking again for the same
  /// name and labels returns the same series; every series of a family must use the same bounds, or
  /// the caller gets an unexported handle and the misuse is counted. The label `le` is reserved.
  virtual std::shared_ptr<Histogram> histogram(std::string_view name, std::string_view help,
                                               std::vector<double> upper_bounds,
                                               MetricLabels labels = {}) noexcept = 0;
  /// Stops exporting the series (e.g. for a node that left the cluster). Handles already given out
  /// stay valid but are no longer rendered.
  virtual void remove(std::string_view name, const MetricLabels& labels) noexcept = 0;
};

}  // namespace mpf
