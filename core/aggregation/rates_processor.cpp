#include "core/aggregation/rates_processor.h"

#include <exception>

namespace mpf::core {

RatesProcessor::RatesProcessor(std::chrono::nanoseconds resolution, PluginContext& context)
    : store_(resolution),
      // metrics-server's own family: points for which a rate can be served.
      node_points_(context.self_metrics().gauge("metrics_server_storage_points",
                                                "[ALPHA] Number of metrics points stored.", {{"type", "node"}})),
      container_points_(context.self_metrics().gauge(
          "metrics_server_storage_points", "[ALPHA] Number of metrics points stored.", {{"type", "container"}})) {}

Status RatesProcessor::process(Snapshot& snapshot) noexcept {
  try {
    store_.process(snapshot);
  } catch (const std::exception& e) {  // allocation failure is the only thing that can throw here
    return Status::retryable(std::string("rates: ") + e.what());
  }
  if (node_points_) node_points_->set(static_cast<double>(store_.servable_node_points()));
  if (container_points_) container_points_->set(static_cast<double>(store_.servable_container_points()));
  return Status::ok();
}

}  // namespace mpf::core
