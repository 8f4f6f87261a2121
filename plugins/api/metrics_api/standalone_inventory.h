#pragma once

/// @file
/// Standalone mode's cluster: this machine is the only node, and the pods are whatever the sources
/// reported in the latest cycle. Rebuilt from each snapshot; serves the core API (/api/v1 nodes,
/// pods, namespaces) and stands in for the kube-apiserver's cluster view in the Metrics API.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "metrics_api/local_node.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::api::metrics {

struct LocalPod {
  std::string namespace_name;
  std::string name;
  /// Derived from the namespace and name (stable across restarts): sources do not carry pod UIDs.
  std::string uid;
  std::string node;
  /// The earliest container start reported; 0 when none was.
  std::int64_t start_ns = 0;
  /// Sorted, without duplicates.
  std::vector<std::string> containers;
};

struct LocalNamespace {
  std::string name;
  /// The earliest start of its pods; 0 when unknown.
  std::int64_t start_ns = 0;
};

struct StandaloneInventory {
  /// The snapshot's cycle: the resourceVersion of everything served from it.
  std::uint64_t generation = 0;
  /// Sorted node names.
  std::vector<std::string> nodes;
  /// Sorted by (namespace, name).
  std::vector<LocalPod> pods;
  /// Sorted by name.
  std::vector<LocalNamespace> namespaces;
  /// The same as a cluster view snapshot (node labels included), for the Metrics API's rules.
  std::shared_ptr<const ClusterSnapshot> cluster;

  const LocalPod* find_pod(std::string_view namespace_name, std::string_view name) const;
};

/// The labels the kubelet puts on its Node (kubernetes.io/hostname, /os, /arch, beta.kubernetes.io/*).
Labels local_node_labels(std::string_view node_name, const LocalNodeFacts& facts);

/// The nodes and pods of `snapshot`: every target that answered, every node with metrics, every pod
/// with a container in a batch or with metrics (a pod is listed before its rate exists, so
/// `kubectl top pod` can say "metrics not available yet" rather than "No resources found").
std::shared_ptr<const StandaloneInventory> build_standalone_inventory(const Snapshot& snapshot,
                                                                      const LocalNodeFacts& facts);

/// A UUID-shaped identifier derived from `key` (two FNV-1a hashes), stable across runs.
std::string name_based_uid(std::string_view key);

/// The cluster view of standalone mode: always synced, never unhealthy; publish() swaps in the
/// latest inventory, readers take it without locks.
class StandaloneClusterView : public ClusterView {
 public:
  StandaloneClusterView();
  void publish(std::shared_ptr<const StandaloneInventory> inventory) noexcept;
  std::shared_ptr<const StandaloneInventory> inventory() const noexcept { return inventory_.load(); }

  std::shared_ptr<const ClusterSnapshot> snapshot() const noexcept override;
  bool synced() const noexcept override { return true; }
  Status health() const noexcept override { return Status::ok(); }
  bool wait_synced(std::chrono::milliseconds) const noexcept override { return true; }

 private:
  std::atomic<std::shared_ptr<const StandaloneInventory>> inventory_;
};

}  // namespace mpf::api::metrics
