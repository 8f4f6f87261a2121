#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/source.h"

namespace mpf::core {

// A source as the scheduler sees it: the instance and its counters, created once and shared by every
// cycle. Used on the scheduler's strand only.
struct ScrapeSource {
  std::string name;
  mpf::Source* source = nullptr;
  bool blocking = false;
  std::shared_ptr<mpf::Counter> success;
  std::shared_ptr<mpf::Counter> failure;
  std::shared_ptr<mpf::Counter> protocol_errors;
  std::shared_ptr<mpf::Counter> list_failures;
  SelfMetricsRegistry* metrics = nullptr;
  std::map<mpf::FailureReason, std::shared_ptr<mpf::Counter>> failures_by_reason;

  // Registers the counters of `source` under `name`.
  static ScrapeSource create(std::string name, mpf::Source& source, SelfMetricsRegistry& metrics);

  // The failure counter of one reason, registered on first use so that only reasons that occurred
  // appear in the self-metrics.
  mpf::Counter& failure_counter(mpf::FailureReason reason);
};

}  // namespace mpf::core
