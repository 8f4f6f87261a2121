#include "core/aggregation/totals.h"

#include <limits>

namespace mpf::core {
namespace {

constexpr std::uint16_t kResourceBits = kHasCpu | kHasMemory | kHasSwap | kHasEphemeralStorage;

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}

// Adds one member into a total (see compute_totals for the rule). `first` is true for the total's
// first member, whose timestamp is taken whatever it is.
void add_usage(Usage& total, const Usage& member, bool first) {
  if (first || member.timestamp_ns < total.timestamp_ns) {
    total.timestamp_ns = member.timestamp_ns;
    total.window_ns = member.window_ns;
  }
  if ((member.present & kHasCpu) != 0) {
    total.cpu_nanocores = saturating_add(total.cpu_nanocores, member.cpu_nanocores);
  }
  if ((member.present & kHasMemory) != 0) {
    total.memory_working_set_bytes = saturating_add(total.memory_working_set_bytes, member.memory_working_set_bytes);
  }
  if ((member.present & kHasSwap) != 0) {
    total.swap_usage_bytes = saturating_add(total.swap_usage_bytes, member.swap_usage_bytes);
  }
  if ((member.present & kHasEphemeralStorage) != 0) {
    total.ephemeral_storage_bytes = saturating_add(total.ephemeral_storage_bytes, member.ephemeral_storage_bytes);
  }
  total.present = static_cast<std::uint16_t>(total.present | (member.present & kResourceBits));
}

void fill_namespaces(Snapshot& snapshot) {
  const std::vector<PodMetrics>& pods = snapshot.pods;
  // Pods are sorted by namespace: count the runs first so that the one allocation is exact.
  std::size_t runs = 0;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    runs += i == 0 || pods[i].namespace_name != pods[i - 1].namespace_name;
  }
  snapshot.namespaces.clear();
  snapshot.namespaces.reserve(runs);
  for (std::size_t i = 0; i < pods.size(); ++i) {
    if (i == 0 || pods[i].namespace_name != pods[i - 1].namespace_name) {
      snapshot.namespaces.push_back(NamespaceTotals{pods[i].namespace_name, Usage{}, 0});
    }
    NamespaceTotals& ns = snapshot.namespaces.back();
    add_usage(ns.usage, pods[i].usage, ns.pods == 0);
    ++ns.pods;
  }
}

void fill_nodes_from_pods(Snapshot& snapshot, TotalsScratch& scratch) {
  std::vector<std::uint32_t>& index = scratch.node_index_of_name;
  // resize() initialises only new entries; stale ones are checked against the node's name below.
  if (index.size() < snapshot.names.size()) index.resize(snapshot.names.size(), 0);
  for (std::size_t i = 0; i < snapshot.nodes.size(); ++i) {
    NodeMetrics& node = snapshot.nodes[i];
    node.pods = Usage{};
    node.pod_count = 0;
    if (node.name < index.size()) index[node.name] = static_cast<std::uint32_t>(i);
  }
  for (const PodMetrics& pod : snapshot.pods) {
    if (pod.node >= index.size()) continue;
    const std::uint32_t i = index[pod.node];
    if (i >= snapshot.nodes.size() || snapshot.nodes[i].name != pod.node) continue;  // not a served node
    NodeMetrics& node = snapshot.nodes[i];
    add_usage(node.pods, pod.usage, node.pod_count == 0);
    ++node.pod_count;
  }
}

void fill_cluster(Snapshot& snapshot) {
  ClusterTotals cluster;
  for (const NodeMetrics& node : snapshot.nodes) {
    add_usage(cluster.nodes, node.usage, cluster.node_count == 0);
    ++cluster.node_count;
  }
  for (const PodMetrics& pod : snapshot.pods) {
    add_usage(cluster.pods, pod.usage, cluster.pod_count == 0);
    ++cluster.pod_count;
  }
  snapshot.cluster = cluster;
}

}  // namespace

void compute_totals(Snapshot& snapshot, const TotalsOptions& options, TotalsScratch& scratch) {
  if (options.namespaces) fill_namespaces(snapshot);
  if (options.nodes_from_pods) fill_nodes_from_pods(snapshot, scratch);
  if (options.cluster) fill_cluster(snapshot);
}

}  // namespace mpf::core
