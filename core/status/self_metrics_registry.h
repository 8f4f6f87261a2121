#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/self_metrics.h"

namespace mpf::core {

// Formats a sample value the way Prometheus' Go client does (strconv 'g', shortest round-trip
// digits: "0.25", "1.5e-07", "1.2345675e+06", "+Inf", "-Inf", "NaN"), except that whole numbers up
// to 2^53 are written without an exponent ("1048576", not "1.048576e+06") so counters stay readable.
std::string format_metric_value(double value);

// The registry's histogram (mpf::Histogram). Exported for the registry's own rendering and tests;
// callers hold it as mpf::Histogram. observe() and observe_counts() are lock-free.
class AtomicHistogram final : public mpf::Histogram {
 public:
  // Bounds are sorted and deduplicated; +Inf and NaN are dropped (the +Inf bucket is implicit).
  explicit AtomicHistogram(std::vector<double> upper_bounds);

  // NaN observations are ignored; they would poison the sum forever.
  void observe(double value) noexcept override;
  void observe_counts(std::span<const std::uint64_t> bucket_counts, double sum) noexcept override;

  struct Counts {
    // cumulative[i] = observations <= upper_bounds()[i]; the +Inf bucket equals `count`.
    std::vector<std::uint64_t> cumulative;
    std::uint64_t count = 0;
    double sum = 0;
  };
  // A consistent-enough copy for rendering: `count` is derived from the buckets, so the +Inf
  // bucket and _count always agree even while other threads observe.
  Counts counts() const;

  const std::vector<double>& upper_bounds() const noexcept { return upper_bounds_; }
  std::uint64_t count() const noexcept;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  // Non-cumulative counts; the extra last slot is the +Inf bucket.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// The host's self-metrics registry, rendered on /metrics. Handles are lock-free atomics; the mutex
// only guards the name -> series map, which changes at set-up and when series are removed.
//
// Misuse (an invalid name or label, a name registered with another type or other buckets) never
// fails the caller: it gets a working handle that is not exported, and the misuse is counted in
// mpf_self_metrics_errors_total{reason}.
class SelfMetricsRegistry final : public mpf::SelfMetrics {
 public:
  SelfMetricsRegistry();
  ~SelfMetricsRegistry() override;
  SelfMetricsRegistry(const SelfMetricsRegistry&) = delete;
  SelfMetricsRegistry& operator=(const SelfMetricsRegistry&) = delete;

  std::shared_ptr<mpf::Counter> counter(std::string_view name, std::string_view help,
                                        mpf::MetricLabels labels = {}) noexcept override;
  std::shared_ptr<mpf::Gauge> gauge(std::string_view name, std::string_view help,
                                    mpf::MetricLabels labels = {}) noexcept override;
  // Asking again with the same name and labels returns the same histogram; the buckets must match
  // those the family was first registered with.
  std::shared_ptr<mpf::Histogram> histogram(std::string_view name, std::string_view help,
                                            std::vector<double> upper_bounds,
                                            mpf::MetricLabels labels = {}) noexcept override;
  // Label order does not matter, as for lookups. A family left without series is not rendered.
  void remove(std::string_view name, const mpf::MetricLabels& labels) noexcept override;

  // Prometheus text exposition format 0.0.4: families sorted by name, series sorted by labels.
  std::string render_prometheus_text() const;

  // The current value of a counter or gauge series, or nullopt if it is not registered.
  std::optional<double> value(std::string_view name, const mpf::MetricLabels& labels = {}) const;
  // The current counts of a histogram series, or nullopt if it is not registered.
  std::optional<AtomicHistogram::Counts> histogram_counts(std::string_view name,
                                                          const mpf::MetricLabels& labels = {}) const;
  // Number of exported series over all families.
  std::size_t series_count() const;

 private:
  enum class Type : unsigned char { kCounter, kGauge, kHistogram };
  // Exactly the member matching the family's type is set.
  struct Series {
    std::shared_ptr<mpf::Counter> counter;
    std::shared_ptr<mpf::Gauge> gauge;
    std::shared_ptr<AtomicHistogram> histogram;
  };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> buckets;  // histograms only, normalised
    // Keyed by labels sorted by label name, which is also the rendering order.
    std::map<mpf::MetricLabels, Series> series;
  };

  // The registered series for (name, labels), created on first use. On misuse returns nullptr and
  // sets `error` to the reason; the caller counts it once the lock is released.
  const Series* find_or_add(std::string_view name, std::string_view help, Type type, mpf::MetricLabels labels,
                            const std::vector<double>* buckets, const char*& error);
  void count_error(const char* reason) noexcept;

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace mpf::core
