#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {

// Per-target scrape accounting in the self-metrics, updated once per cycle:
//   mpf_scrape_target_up{source, target}                         1 if the last scrape succeeded, else 0
//   mpf_scrape_target_failure{source, target, reason}            1 for the current failure reason only
//   mpf_scrape_target_failures_total{source, target, reason}     failures per target and reason
//   mpf_scrape_target_duration_seconds{source, target}           duration of the last scrape
// Every series of a target is removed at the end of the first cycle its source lists without it, so
// the registry stays proportional to the live targets (metrics-server never removes them, #1114).
// Not thread-safe; the scheduler calls it from its strand.
class TargetMetrics {
 public:
  static constexpr const char* kUp = "mpf_scrape_target_up";
  static constexpr const char* kFailure = "mpf_scrape_target_failure";
  static constexpr const char* kFailuresTotal = "mpf_scrape_target_failures_total";
  static constexpr const char* kDuration = "mpf_scrape_target_duration_seconds";

  explicit TargetMetrics(SelfMetricsRegistry& metrics) : metrics_(metrics) {}
  // Removes the series of every target still tracked: a scheduler that is gone scrapes nothing.
  ~TargetMetrics();
  TargetMetrics(const TargetMetrics&) = delete;
  TargetMetrics& operator=(const TargetMetrics&) = delete;

  // Records one cycle's scrapes. `source_of[i]` is the index of the source of `scrapes[i]`, so that
  // equal target names of different sources stay apart. `listed[s]` is false when source `s` failed to
  // list its targets and sat the cycle out: its targets are unknown rather than gone and keep their
  // series. Sources beyond `listed.size()` count as listed.
  void update(std::span<const mpf::ScrapeResult> scrapes, std::span<const std::size_t> source_of,
              const std::vector<bool>& listed);

  std::size_t targets_for_test() const { return targets_.size(); }

 private:
  using Key = std::pair<std::size_t, std::string>;  // (source index, target)

  struct TargetSeries {
    std::string source;  // the source's name, for the labels
    std::shared_ptr<mpf::Gauge> up;
    std::shared_ptr<mpf::Gauge> duration;
    // Only while failing; its reason is `reason`.
    std::shared_ptr<mpf::Gauge> failure;
    mpf::FailureReason reason = mpf::FailureReason::kNone;
    // Registered on a target's first failure of each reason.
    std::map<mpf::FailureReason, std::shared_ptr<mpf::Counter>> failures;
    bool seen = false;  // in the cycle being recorded
  };

  void record(const Key& key, const mpf::ScrapeResult& result);
  void remove_failure_series(const Key& key, TargetSeries& series);
  void remove_all(const Key& key, TargetSeries& series);

  SelfMetricsRegistry& metrics_;
  std::map<Key, TargetSeries> targets_;
};

}  // namespace mpf::core
