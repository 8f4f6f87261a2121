#pragma once

/// @file
/// Self-metrics: counters and gauges a plugin exposes about itself (requests, failures, drops). The
/// host renders them on /metrics in the Prometheus text format. Anything a plugin drops must be
/// counted here.

#include <initializer_list>
#include <memory>
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
  /// Stops exporting the series (e.g. for a node that left the cluster). Handles already given out
  /// stay valid but are no longer rendered.
  virtual void remove(std::string_view name, const MetricLabels& labels) noexcept = 0;
};

}  // namespace mpf
