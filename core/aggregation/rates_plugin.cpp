// Registration of the built-in `rates` processor. The aggregation stage is part of the core, so this
// plugin is compiled into mpf_core (with MPF_PLUGIN_STATIC) and listed with the plugins/ built-ins.
#include "core/aggregation/rates_processor.h"
#include "mpf/sdk/plugin.h"

namespace mpf::core {

struct RatesConfig {};

const OptionSet<RatesConfig>& rates_options() {
  static const OptionSet<RatesConfig> options;
  return options;
}

Result<ProcessorPtr> create_rates_processor(const RatesConfig&, PluginContext& context) {
  return ProcessorPtr(std::make_unique<RatesProcessor>(context.pipeline_settings().resolution, context));
}

}  // namespace mpf::core

MPF_PROCESSOR_PLUGIN(rates, "0.1.0",
                     "CPU rates and memory from two consecutive samples, with metrics-server's exact storage "
                     "semantics (restarts, fresh containers, counter decreases, earliest-container pod window).",
                     mpf::core::rates_options, mpf::core::create_rates_processor)
