#include "core/scheduler/target_metrics.h"

#include <chrono>

namespace mpf::core {
namespace {

mpf::MetricLabels target_labels(const std::string& source, const std::string& target) {
  return {{"source", source}, {"target", target}};
}

mpf::MetricLabels reason_labels(const std::string& source, const std::string& target, mpf::FailureReason reason) {
  return {{"source", source}, {"target", target}, {"reason", mpf::failure_reason_name(reason)}};
}

}  // namespace

TargetMetrics::~TargetMetrics() {
  for (auto& [key, series] : targets_) remove_all(key, series);
}

void TargetMetrics::update(std::span<const mpf::ScrapeResult> scrapes, std::span<const std::size_t> source_of,
                           const std::vector<bool>& listed) {
  for (auto& entry : targets_) entry.second.seen = false;
  for (std::size_t i = 0; i < scrapes.size() && i < source_of.size(); ++i) {
    record(Key{source_of[i], scrapes[i].target}, scrapes[i]);
  }
  for (auto it = targets_.begin(); it != targets_.end();) {
    std::size_t source = it->first.first;
    bool source_listed = source >= listed.size() || listed[source];
    if (it->second.seen || !source_listed) {
      ++it;
      continue;
    }
    remove_all(it->first, it->second);
    it = targets_.erase(it);
  }
}

void TargetMetrics::record(const Key& key, const mpf::ScrapeResult& result) {
  auto [it, added] = targets_.try_emplace(key);
  TargetSeries& series = it->second;
  if (added) {
    series.source = result.source;
    series.up = metrics_.gauge(kUp, "1 if the last scrape of the target succeeded, 0 otherwise.",
                               target_labels(series.source, key.second));
    series.duration = metrics_.gauge(kDuration, "Duration of the last scrape of the target.",
                                     target_labels(series.source, key.second));
  }
  series.seen = true;
  series.duration->set(std::chrono::duration<double>(result.duration).count());

  bool ok = result.status.is_ok();
  series.up->set(ok ? 1 : 0);
  if (ok) {
    remove_failure_series(key, series);
    return;
  }
  if (series.failure == nullptr || series.reason != result.reason) {
    remove_failure_series(key, series);
    series.reason = result.reason;
    series.failure = metrics_.gauge(kFailure, "1 for the reason the last scrape of the target failed.",
                                    reason_labels(series.source, key.second, result.reason));
    series.failure->set(1);
  }
  auto& counter = series.failures[result.reason];
  if (counter == nullptr) {
    counter = metrics_.counter(kFailuresTotal, "Failed scrapes by target and reason.",
                               reason_labels(series.source, key.second, result.reason));
  }
  counter->inc();
}

void TargetMetrics::remove_failure_series(const Key& key, TargetSeries& series) {
  if (series.failure == nullptr) return;
  metrics_.remove(kFailure, reason_labels(series.source, key.second, series.reason));
  series.failure.reset();
  series.reason = mpf::FailureReason::kNone;
}

void TargetMetrics::remove_all(const Key& key, TargetSeries& series) {
  const std::string& target = key.second;
  metrics_.remove(kUp, target_labels(series.source, target));
  metrics_.remove(kDuration, target_labels(series.source, target));
  remove_failure_series(key, series);
  for (const auto& entry : series.failures) {
    metrics_.remove(kFailuresTotal, reason_labels(series.source, target, entry.first));
  }
  series.failures.clear();
}

}  // namespace mpf::core
