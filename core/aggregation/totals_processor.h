#pragma once

#include "core/aggregation/totals.h"
#include "mpf/sdk/processor.h"

namespace mpf::core {

/// The aggregation stage's step after `rates`: adds namespace, node-from-pods and cluster totals to
/// the snapshot (see compute_totals for the rules). It reads only what `rates` wrote, so placed
/// before `rates` (or without it) it finds no nodes and no pods and does nothing.
class TotalsProcessor : public Processor {
 public:
  explicit TotalsProcessor(const TotalsOptions& options) : options_(options) {}

  Status process(Snapshot& snapshot) noexcept override;

 private:
  TotalsOptions options_;
  TotalsScratch scratch_;
};

}  // namespace mpf::core
