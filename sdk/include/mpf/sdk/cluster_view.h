#pragma once

/// @file
/// The host's view of the cluster: the Nodes and (on request) the Running Pods' metadata, listed and
/// watched from the kube-apiserver in the background and published as immutable snapshots. Kubelet
/// sources take their targets from it; the Metrics API takes labels and the Running filter from it.
/// Plugins get one from PluginContext::cluster_view() and never talk to the API server themselves.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpf/sdk/status.h"

namespace mpf {

/// Labels sorted by key, without duplicates. A LabelSelector matches it directly (label_selector.h).
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A node address as in a Node's status.addresses.
struct NodeAddress {
  std::string type;  ///< Hostname, InternalDNS, InternalIP, ExternalDNS, ExternalIP
  std::string address;

  bool operator==(const NodeAddress&) const = default;
};

/// What the pipeline keeps of a Node: only the fields it uses, not the object.
struct ClusterNode {
  std::string name;
  /// status.addresses, in the Node's order.
  std::vector<NodeAddress> addresses;
  /// status.daemonEndpoints.kubeletEndpoint.Port; 0 when unknown.
  int kubelet_port = 0;
  Labels labels;
  /// The annotation metrics.k8s.io/resource-metrics-path; empty when absent.
  std::string metrics_path;
  /// The Ready condition is True.
  bool ready = false;

  bool operator==(const ClusterNode&) const = default;
};

/// What the pipeline keeps of a Running Pod (from its metadata only).
struct ClusterPod {
  std::string namespace_name;
  std::string name;
  std::string uid;
  Labels labels;
  /// metadata.creationTimestamp in Unix seconds; 0 when absent.
  std::int64_t creation_unix_seconds = 0;

  bool operator==(const ClusterPod&) const = default;
};

/// One published state of the cluster. Immutable: share it, read it from any thread. Objects are
/// shared between consecutive snapshots, so publishing after a change costs a pointer per object.
struct ClusterSnapshot {
  /// Increases with every published change.
  std::uint64_t generation = 0;
  /// Sorted by name.
  std::vector<std::shared_ptr<const ClusterNode>> nodes;
  /// Sorted by (namespace, name). Empty unless pods were asked for (ClusterViewOptions::pods).
  std::vector<std::shared_ptr<const ClusterPod>> pods;

  const ClusterNode* find_node(std::string_view name) const {
    auto it = std::lower_bound(nodes.begin(), nodes.end(), name,
                               [](const auto& node, std::string_view n) { return node->name < n; });
    return it != nodes.end() && (*it)->name == name ? it->get() : nullptr;
  }
  const ClusterPod* find_pod(std::string_view namespace_name, std::string_view name) const {
    auto it = std::lower_bound(pods.begin(), pods.end(), std::pair(namespace_name, name),
                               [](const auto& pod, const std::pair<std::string_view, std::string_view>& key) {
                                 return std::pair<std::string_view, std::string_view>(pod->namespace_name,
                                                                                      pod->name) < key;
                               });
    return it != pods.end() && (*it)->namespace_name == namespace_name && (*it)->name == name ? it->get()
                                                                                               : nullptr;
  }
};

/// Which cluster to watch and what to keep. Views with equal options are one shared view.
struct ClusterViewOptions {
  /// A kubeconfig file (its current context); empty: the in-cluster service account, as metrics-server
  /// does without --kubeconfig.
  std::string kubeconfig;
  /// Also list and watch Running pods' metadata.
  bool pods = false;
};

/// Thread-safe; kept current in the background from start-up until the host shuts down.
class ClusterView {
 public:
  virtual ~ClusterView() = default;
  /// The latest snapshot; never null (empty before the first list completes).
  virtual std::shared_ptr<const ClusterSnapshot> snapshot() const noexcept = 0;
  /// True once nodes (and pods, when asked for) were listed completely at least once; stays true while
  /// later relists run (the last snapshot stays served).
  virtual bool synced() const noexcept = 0;
  /// Ok while list and watch work; otherwise the latest failure ("listing nodes: ..."), kept until a list
  /// or watch succeeds again.
  virtual Status health() const noexcept = 0;
  /// Blocks until synced() or `timeout` passed; returns synced(). For start(): metrics-server does not
  /// scrape before its informers synced.
  virtual bool wait_synced(std::chrono::milliseconds timeout) const noexcept = 0;
};

}  // namespace mpf
