#pragma once

#include <string>

#include "kubelet_common/kubelet_client_config.h"
#include "mpf/sdk/options.h"

namespace mpf::sources::kubelet_summary {

struct KubeletSummaryConfig : kubelet::KubeletClientConfig {
  /// What metrics-server ≤ 0.5 requested.
  std::string path = "/stats/summary?only_cpu_and_memory=true";  // Default: /stats/summary?only_cpu_and_memory=true
  /// Also keep the kubelet's own CPU rate (usageNanoCores) as metrics-server ≤ 0.4 served it (with a
  /// fixed 30 s window); the cumulative usageCoreNanoSeconds stays the primary CPU value.
  bool use_usage_nano_cores = false;  // Default: false
  /// Apply metrics-server v0.5's decode-time drop rules (pods whose containers lack a start time or CPU
  /// time, or report zero CPU or memory, are dropped at once).
  bool metrics_server_drop_rules = false;  // Default: false
};

const OptionSet<KubeletSummaryConfig>& kubelet_summary_options();

}  // namespace mpf::sources::kubelet_summary
