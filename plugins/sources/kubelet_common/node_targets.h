#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/config_value.h"
#include "mpf/sdk/source.h"
#include "mpf/sdk/status.h"

namespace mpf::sources::kubelet {

/// What a kubelet source needs to know about a node, whether it came from the API server (the cluster
/// view) or from a static list in the config.
using NodeInfo = ClusterNode;

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
