#pragma once

#include <memory>

#include "core/aggregation/rate_store.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/processor.h"

namespace mpf::core {

/// The aggregation stage's first step: turns each cycle's raw samples into usage (CPU rates over the
/// window between two samples, last working set) with metrics-server's exact storage semantics, and
/// writes nodes, pods and containers into the snapshot. Exposes metrics-server's storage gauge.
class RatesProcessor : public Processor {
 public:
  RatesProcessor(std::chrono::nanoseconds resolution, PluginContext& context);

  Status process(Snapshot& snapshot) noexcept override;

  const RateStore& store_for_test() const { return store_; }

 private:
  RateStore store_;
  std::shared_ptr<Gauge> node_points_;
  std::shared_ptr<Gauge> container_points_;
};

}  // namespace mpf::core
