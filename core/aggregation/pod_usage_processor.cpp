#include "core/aggregation/pod_usage_processor.h"

#include <exception>
#include <string>

namespace mpf::core {

Status PodUsageProcessor::process(Snapshot& snapshot) noexcept {
  try {
    tracker_.process(snapshot);
  } catch (const std::exception& e) {  // allocation failure is the only thing that can throw here
    // Whatever was half written must not be served as a measurement.
    for (PodMetrics& pod : snapshot.pods) pod.kubelet_usage = Usage{};
    return Status::retryable(std::string("pod_usage: ") + e.what());
  }
  return Status::ok();
}

}  // namespace mpf::core
