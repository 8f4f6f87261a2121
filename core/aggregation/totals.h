#pragma once

// Totals over the usage `rates` wrote into a snapshot: per namespace, per node (from its pods) and
// for the cluster. A pure computation, apart from the I/O-free processor that calls it each cycle.

#include <cstdint>
#include <vector>

#include "mpf/sdk/snapshot.h"

namespace mpf::core {

// Which totals to compute; each part can be switched off. Also the `totals` processor's options.
struct TotalsOptions {
  bool namespaces = true;       // Default: true. Fills snapshot.namespaces.
  bool cluster = true;          // Default: true. Fills snapshot.cluster.
  bool nodes_from_pods = true;  // Default: true. Fills NodeMetrics::pods and pod_count.
};

// Buffers kept between cycles so that compute_totals allocates nothing for them once warm.
struct TotalsScratch {
  // Node name id -> index in snapshot.nodes. Entries are not cleared between cycles: an entry is
  // trusted only if it points at a node with that very name, so stale entries are harmless.
  std::vector<std::uint32_t> node_index_of_name;
};

// Fills the enabled totals from snapshot.nodes and snapshot.pods, replacing earlier totals.
//
// The summing rule, the same for every total: each resource (CPU, memory, swap, ephemeral storage) is
// summed over the members that report it and is present if at least one member reports it. Unlike
// the pod rule in `rates` (optional resources only if every container has them), a total does not
// drop a resource because one member lacks it: a namespace with one pod reporting swap has that
// much swap known. Sums saturate at 2^64-1 instead of wrapping (kubelets do report absurd values).
// timestamp_ns and window_ns are those of the member with the earliest timestamp, the rule
// metrics-server uses for a pod from its containers; on a tie the first member in snapshot order
// wins. An empty total has zero usage, nothing present.
//
// Relies on the snapshot's order contract: pods sorted by (namespace, name), so that each
// namespace's pods are contiguous and namespaces come out sorted by name. A pod whose node is not in
// snapshot.nodes still counts in its namespace and in the cluster's pod sum. O(nodes + pods).
void compute_totals(Snapshot& snapshot, const TotalsOptions& options, TotalsScratch& scratch);

}  // namespace mpf::core
