// Registration of the built-in `totals` processor. Like `rates`, it is part of the core: compiled
// into mpf_core (with MPF_PLUGIN_STATIC) and listed with the plugins/ built-ins.
#include "core/aggregation/totals_processor.h"
#include "mpf/sdk/plugin.h"

namespace mpf::core {

const OptionSet<TotalsOptions>& totals_options() {
  static const auto options =
      OptionSet<TotalsOptions>()
          .add("namespaces", &TotalsOptions::namespaces, "Sum pod usage per namespace (snapshot namespaces).")
          .add("cluster", &TotalsOptions::cluster, "Sum node usage and pod usage over the whole cluster.")
          .add("nodes_from_pods", &TotalsOptions::nodes_from_pods,
               "Sum each node's pods' usage beside the node's own usage.");
  return options;
}

Result<ProcessorPtr> create_totals_processor(const TotalsOptions& options, PluginContext&) {
  return ProcessorPtr(std::make_unique<TotalsProcessor>(options));
}

}  // namespace mpf::core

MPF_PROCESSOR_PLUGIN(totals, "0.1.0",
                     "Namespace, node-from-pods and cluster totals of the usage `rates` computed; place it after "
                     "`rates`. A resource is summed over the members reporting it, saturating; the timestamp and "
                     "window are the earliest member's.",
                     mpf::core::totals_options, mpf::core::create_totals_processor)
