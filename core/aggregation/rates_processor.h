#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/aggregation/last_known_good.h"
#include "core/aggregation/rate_store.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/processor.h"

namespace mpf::core {

/// The `rates` processor's options (declared and documented in rates_plugin.cpp).
struct RatesOptions {
  /// Behave exactly as metrics-server: every improvement off, whatever the other options say.
  bool strict = false;
  /// Consecutive cycles a node whose scrape failed keeps serving its last values; 0 disables.
  /// Unsigned, so that the host refuses a negative value when it validates the config.
  std::uint32_t last_known_good_cycles = 2;
  /// A container missing a value, a previous point or a rate leaves its pod served with the other
  /// containers, instead of hiding the pod (RateStoreOptions::tolerate_container_gaps).
  bool tolerate_container_gaps = true;

  /// The store's options in effect: the reference's in strict mode.
  RateStoreOptions store_options() const { return RateStoreOptions{.tolerate_container_gaps = !strict && tolerate_container_gaps}; }

  /// The number of last-known-good cycles in effect: 0 in strict mode.
  std::uint32_t effective_last_known_good_cycles() const {
    return strict ? 0u : last_known_good_cycles;
  }
};

/// The aggregation stage's first step: turns each cycle's raw samples into usage (CPU rates over the
/// window between two samples, last working set) with metrics-server's exact storage semantics, and
/// writes nodes, pods and containers into the snapshot. Exposes metrics-server's storage gauge.
/// Unless strict, a node whose scrape fails keeps its last values for a few cycles (LastKnownGood).
class RatesProcessor : public Processor {
 public:
  RatesProcessor(std::chrono::nanoseconds resolution, PluginContext& context, const RatesOptions& options = {});

  Status process(Snapshot& snapshot) noexcept override;

  const RateStore& store_for_test() const { return store_; }
  // Heap bytes held by the store and the last-known-good record (see their memory_bytes()).
  std::size_t memory_bytes_for_test() const {
    return store_.memory_bytes() + (last_known_good_ ? last_known_good_->memory_bytes() : 0);
  }

 private:
  RateStore store_;
  std::shared_ptr<Gauge> node_points_;
  std::shared_ptr<Gauge> container_points_;
  // Absent in strict mode or with last_known_good_cycles 0: then nothing is recorded either.
  std::optional<LastKnownGood> last_known_good_;
  std::shared_ptr<Gauge> last_known_good_nodes_;
  std::shared_ptr<Gauge> last_known_good_pods_;
  std::shared_ptr<Counter> last_known_good_expired_;
};

}  // namespace mpf::core
