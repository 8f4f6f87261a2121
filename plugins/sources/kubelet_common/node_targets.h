#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/source.h"
#include "mpf/sdk/status.h"

namespace mpf::sources::kubelet {

/// A node address as in a Node's status.addresses.
struct NodeAddress {
  std::string type;  ///< Hostname, InternalDNS, InternalIP, ExternalDNS, ExternalIP
  std::string address;
};

/// What a kubelet source needs to know about a node, whether it came from the API server or from a
/// static list in the config.
struct NodeInfo {
  std::string name;
  std::vector<NodeAddress> addresses;
  /// status.daemonEndpoints.kubeletEndpoint.port; 0 when unknown.
  int kubelet_port = 0;
  std::map<std::string, std::string> labels;
  /// The annotation metrics.k8s.io/resource-metrics-path; empty for the source's default.
  std::string metrics_path;
};

/// Reads the `nodes` option:
///   - name: node-1
///     address: 10.0.0.1            # InternalIP for an IP literal, Hostname otherwise
///     addresses: [{type: InternalIP, address: 10.0.0.1}]   # instead of `address`
///     port: 10250                  # the node's kubelet port (used with use_node_status_port)
///     labels: {zone: a}            # matched by node_selector
///     path: /metrics/resource      # per-node path override
/// Errors name the YAML path (`<path>[2].port: ...`); every problem is reported.
Result<std::vector<NodeInfo>> parse_static_nodes(const ConfigValue& nodes, std::string_view path);

/// metrics-server's address choice: the first address whose type matches, scanning types in priority
/// order and, within a type, addresses in order. Fails with `no address matched types [...]`.
Result<std::string> choose_address(const NodeInfo& node, const std::vector<std::string>& preferred_types);

/// The target of one node: name = node name, address = chosen host (IPv6 unbracketed), attributes
/// "port" and "path".
Result<Target> node_target(const NodeInfo& node, const std::vector<std::string>& preferred_types, int default_port,
                           bool use_node_status_port, std::string_view default_path);

}  // namespace mpf::sources::kubelet
