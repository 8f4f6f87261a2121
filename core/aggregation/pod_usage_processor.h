#pragma once

#include "core/aggregation/pod_usage.h"
#include "mpf/sdk/processor.h"

namespace mpf::core {

/// The `pod_usage` processor's options: none yet.
struct PodUsageOptions {};

/// Fills PodMetrics::kubelet_usage from the kubelet's pod-level samples (see PodUsageTracker). Place
/// it after `rates`, which writes the pods: before `rates` (or without it) there are no pods to fill,
/// and it only keeps the pod samples for the next cycle.
class PodUsageProcessor : public Processor {
 public:
  Status process(Snapshot& snapshot) noexcept override;

  const PodUsageTracker& tracker_for_test() const { return tracker_; }

 private:
  PodUsageTracker tracker_;
};

}  // namespace mpf::core
