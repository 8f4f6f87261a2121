// Entry point of the `kubelet_resource` source: options, factory, registration. The transport is the
// shared kubelet one (../kubelet_common); this plugin contributes the /metrics/resource codec.
#include "kubelet_common/kubelet_client_config.h"
#include "kubelet_common/kubelet_http_source.h"
#include "kubelet_resource_config.h"
#include "metrics_server_rules.h"
#include "mpf/sdk/plugin.h"
#include "resource_metrics_parser.h"

namespace mpf::sources::kubelet_resource {

const OptionSet<KubeletResourceConfig>& kubelet_resource_options() {
  static const auto options =
      kubelet::with_kubelet_client_options(OptionSet<KubeletResourceConfig>())
          .add("path", &KubeletResourceConfig::path, "Default path of the resource metrics endpoint.")
          .add("metrics_server_drop_rules", &KubeletResourceConfig::metrics_server_drop_rules,
               "Drop nodes and pods with zero CPU or memory at decode time, as metrics-server does.");
  return options;
}

Result<SourcePtr> create_kubelet_resource_source(const KubeletResourceConfig& config, PluginContext& context) {
  const bool drop_rules = config.metrics_server_drop_rules;
  auto decode = [drop_rules](std::string_view body, std::int64_t sent_at_ns, NodeBatch& batch) {
    ResourceParseOptions options;
    options.default_timestamp_ns = sent_at_ns;  // for samples without a timestamp, as metrics-server does
    Status st = parse_resource_metrics(body, options, batch);
    if (st.is_ok() && drop_rules) apply_metrics_server_drop_rules(batch);
    return st;
  };
  return kubelet::make_kubelet_source(config, config.path, context, decode);
}

}  // namespace mpf::sources::kubelet_resource

MPF_SOURCE_PLUGIN(kubelet_resource, "0.1.0",
                  "Scrapes each node's kubelet /metrics/resource (Prometheus text) over the host's HTTP engine.",
                  mpf::sources::kubelet_resource::kubelet_resource_options,
                  mpf::sources::kubelet_resource::create_kubelet_resource_source)
