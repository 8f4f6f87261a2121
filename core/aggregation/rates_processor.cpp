#include "core/aggregation/rates_processor.h"

#include <exception>

namespace mpf::core {

RatesProcessor::RatesProcessor(std::chrono::nanoseconds resolution, PluginContext& context,
                               const RatesOptions& options)
    : store_(resolution, options.store_options()),
      // metrics-server's own family: points for which a rate can be served.
      node_points_(context.self_metrics().gauge("metrics_server_storage_points",
                                                "[ALPHA] Number of metrics points stored.", {{"type", "node"}})),
      container_points_(context.self_metrics().gauge(
          "metrics_server_storage_points", "[ALPHA] Number of metrics points stored.", {{"type", "container"}})) {
  if (const std::uint32_t cycles = options.effective_last_known_good_cycles(); cycles > 0) {
    last_known_good_.emplace(cycles);
    auto& metrics = context.self_metrics();
    last_known_good_nodes_ = metrics.gauge("mpf_rates_last_known_good_nodes",
                                           "Nodes whose scrape failed served with their last values in this cycle.");
    last_known_good_pods_ = metrics.gauge("mpf_rates_last_known_good_pods",
                                          "Pods served with their last values in this cycle (their node's scrape failed).");
    last_known_good_expired_ = metrics.counter(
        "mpf_rates_last_known_good_expired_total",
        "Nodes dropped after being served with their last values for last_known_good_cycles cycles.");
  }
}

Status RatesProcessor::process(Snapshot& snapshot) noexcept {
  LastKnownGoodStats kept;
  try {
    store_.process(snapshot);
    if (last_known_good_) kept = last_known_good_->apply(snapshot);
  } catch (const std::exception& e) {  // allocation failure is the only thing that can throw here
    return Status::retryable(std::string("rates: ") + e.what());
  }
  if (node_points_) node_points_->set(static_cast<double>(store_.servable_node_points()));
  if (container_points_) container_points_->set(static_cast<double>(store_.servable_container_points()));
  if (last_known_good_nodes_) last_known_good_nodes_->set(static_cast<double>(kept.nodes));
  if (last_known_good_pods_) last_known_good_pods_->set(static_cast<double>(kept.pods));
  if (last_known_good_expired_ && kept.expired > 0) last_known_good_expired_->add(static_cast<double>(kept.expired));
  return Status::ok();
}

}  // namespace mpf::core
