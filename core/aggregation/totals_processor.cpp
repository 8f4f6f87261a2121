#include "core/aggregation/totals_processor.h"

#include <exception>
#include <string>

namespace mpf::core {

Status TotalsProcessor::process(Snapshot& snapshot) noexcept {
  // Nothing served (first cycle, or placed before `rates`): leave the totals as they are, empty.
  if (snapshot.nodes.empty() && snapshot.pods.empty()) return Status::ok();
  try {
    compute_totals(snapshot, options_, scratch_);
  } catch (const std::exception& e) {  // allocation failure is the only thing that can throw here
    return Status::retryable(std::string("totals: ") + e.what());
  }
  return Status::ok();
}

}  // namespace mpf::core
