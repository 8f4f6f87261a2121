// Registration of the built-in `pod_usage` processor. Like `rates` and `totals`, it is part of the
// core: compiled into mpf_core (with MPF_PLUGIN_STATIC) and listed with the plugins/ built-ins.
#include "core/aggregation/pod_usage_processor.h"
#include "mpf/sdk/plugin.h"

namespace mpf::core {

const OptionSet<PodUsageOptions>& pod_usage_options() {
  static const auto options = OptionSet<PodUsageOptions>();
  return options;
}

Result<ProcessorPtr> create_pod_usage_processor(const PodUsageOptions&, PluginContext&) {
  return ProcessorPtr(std::make_unique<PodUsageProcessor>());
}

}  // namespace mpf::core

MPF_PROCESSOR_PLUGIN(pod_usage, "0.1.0",
                     "The kubelet's own pod-level values (pod cgroup, sandbox included) beside the sum over "
                     "containers: a CPU rate over the last two pod samples and the last working set, for "
                     "sources that report them (kubelet_resource, kubelet_summary); place it after `rates`.",
                     mpf::core::pod_usage_options, mpf::core::create_pod_usage_processor)
