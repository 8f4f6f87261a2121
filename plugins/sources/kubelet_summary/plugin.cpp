// Entry point of the `kubelet_summary` source: options, factory, registration. The transport is the
// shared kubelet one (../kubelet_common); this plugin contributes the /stats/summary codec.
#include "kubelet_common/kubelet_client_config.h"
#include "kubelet_common/kubelet_http_source.h"
#include "kubelet_summary_config.h"
#include "metrics_server_rules.h"
#include "mpf/sdk/plugin.h"
#include "summary_parser.h"

namespace mpf::sources::kubelet_summary {

const OptionSet<KubeletSummaryConfig>& kubelet_summary_options() {
  static const auto options =
      kubelet::with_kubelet_client_options(OptionSet<KubeletSummaryConfig>())
          .add("path", &KubeletSummaryConfig::path, "Default path and query of the Summary API.")
          .add("use_usage_nano_cores", &KubeletSummaryConfig::use_usage_nano_cores,
               "Also keep the kubelet's own CPU rate (usageNanoCores), as metrics-server <= 0.4 served it.")
          .add("metrics_server_drop_rules", &KubeletSummaryConfig::metrics_server_drop_rules,
               "Drop pods at decode time as metrics-server v0.5 did (missing start/CPU time, zero values).");
  return options;
}

Result<SourcePtr> create_kubelet_summary_source(const KubeletSummaryConfig& config, PluginContext& context) {
  SummaryParseOptions options;
  options.use_usage_nano_cores = config.use_usage_nano_cores;
  const bool drop_rules = config.metrics_server_drop_rules;
  // The one-shot parser: it keeps no state, so concurrent responses on several engine threads are safe.
  auto decode = [options, drop_rules](std::string_view body, std::int64_t, NodeBatch& batch) {
    Status st = parse_summary(body, options, batch);
    if (st.is_ok() && drop_rules) apply_metrics_server_rules(batch);
    return st;
  };
  return kubelet::make_kubelet_source(config, config.path, context, decode);
}

}  // namespace mpf::sources::kubelet_summary

MPF_SOURCE_PLUGIN(kubelet_summary, "0.1.0",
                  "Scrapes each node's kubelet /stats/summary (JSON, streamed) over the host's HTTP engine.",
                  mpf::sources::kubelet_summary::kubelet_summary_options,
                  mpf::sources::kubelet_summary::create_kubelet_summary_source)
