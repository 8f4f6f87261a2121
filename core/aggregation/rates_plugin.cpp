// Registration of the built-in `rates` processor. The aggregation stage is part of the core, so this
// plugin is compiled into mpf_core (with MPF_PLUGIN_STATIC) and listed with the plugins/ built-ins.
#include "core/aggregation/rates_processor.h"
#include "mpf/sdk/plugin.h"

namespace mpf::core {

const OptionSet<RatesOptions>& rates_options() {
  static const auto options =
      OptionSet<RatesOptions>()
          .add("strict", &RatesOptions::strict,
               "Reproduce metrics-server exactly: every improvement is off (last_known_good_cycles counts as "
               "0, tolerate_container_gaps as false), whatever the other options say.")
          .add("last_known_good_cycles", &RatesOptions::last_known_good_cycles,
               "A node whose scrape fails keeps serving its last node and pod values, with their original "
               "timestamp and window (so clients, the HPA included, see their age), for up to this many "
               "consecutive cycles, including the cycle after it recovers while a new rate needs a second "
               "point; then it vanishes. A node no longer scraped (deleted) vanishes at once. 0 disables "
               "(metrics-server: the node and its pods vanish at once).")
          .add("tolerate_container_gaps", &RatesOptions::tolerate_container_gaps,
               "A container without a value (zero CPU or memory), without a previous point yet, or whose rate "
               "fails is left out and its pod is served with the other containers (window and timestamp from "
               "those). false: as metrics-server, such a container hides its whole pod.");
  return options;
}

Result<ProcessorPtr> create_rates_processor(const RatesOptions& options, PluginContext& context) {
  return ProcessorPtr(std::make_unique<RatesProcessor>(context.pipeline_settings().resolution, context, options));
}

}  // namespace mpf::core

MPF_PROCESSOR_PLUGIN(rates, "0.1.0",
                     "CPU rates and memory from two consecutive samples, with metrics-server's exact storage "
                     "semantics (restarts, fresh containers, counter decreases, earliest-container pod window); "
                     "unless `strict`, a node whose scrape fails keeps its last values for "
                     "`last_known_good_cycles` cycles and a container gap does not hide its pod.",
                     mpf::core::rates_options, mpf::core::create_rates_processor)
