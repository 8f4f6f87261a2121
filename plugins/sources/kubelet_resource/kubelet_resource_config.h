#pragma once

#include <string>

#include "kubelet_common/kubelet_client_config.h"
#include "mpf/sdk/options.h"

namespace mpf::sources::kubelet_resource {

struct KubeletResourceConfig : kubelet::KubeletClientConfig {
  /// Default path; a node's own path (annotation metrics.k8s.io/resource-metrics-path, or a static
  /// node's `path`) wins.
  std::string path = "/metrics/resource";  // Default: /metrics/resource
  /// Apply metrics-server's decode-time drop rules (a node or pod with a zero CPU or memory value is
  /// dropped at once) instead of leaving the decision to the aggregation stage.
  bool metrics_server_drop_rules = false;  // Default: false
};

const OptionSet<KubeletResourceConfig>& kubelet_resource_options();

}  // namespace mpf::sources::kubelet_resource
