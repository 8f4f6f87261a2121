#include "metrics_server_rules.h"

#include <algorithm>
#include <vector>

namespace mpf::sources::kubelet_summary {
namespace {

bool usable_node(const Sample& s) {
  return s.timestamp_ns != 0 && s.has(kHasCpu) && s.cpu_usage_core_ns != 0 && s.has(kHasMemory) &&
         s.memory_working_set_bytes != 0;
}

bool usable_container(const Sample& s) { return s.has(kHasStartTime) && usable_node(s); }

std::uint64_t pod_key(NameId namespace_name, NameId pod_name) {
  return (std::uint64_t{namespace_name} << 32) | pod_name;
}

}  // namespace

MetricsServerDrops apply_metrics_server_rules(NodeBatch& batch) {
  MetricsServerDrops drops;
  if (batch.has_node_sample && !usable_node(batch.node_sample)) {
    batch.has_node_sample = false;
    batch.node_sample = Sample{};
    drops.node_dropped = true;
  }
  std::vector<std::uint64_t> dropped;
  for (const ContainerSample& c : batch.containers) {
    if (!usable_container(c.sample)) dropped.push_back(pod_key(c.namespace_name, c.pod_name));
  }
  if (dropped.empty()) return drops;
  std::sort(dropped.begin(), dropped.end());
  dropped.erase(std::unique(dropped.begin(), dropped.end()), dropped.end());
  drops.pods_dropped = static_cast<std::uint32_t>(dropped.size());
  auto is_dropped = [&dropped](NameId ns, NameId pod) {
    return std::binary_search(dropped.begin(), dropped.end(), pod_key(ns, pod));
  };
  std::erase_if(batch.containers, [&](const ContainerSample& c) { return is_dropped(c.namespace_name, c.pod_name); });
  std::erase_if(batch.pods, [&](const PodSample& p) { return is_dropped(p.namespace_name, p.pod_name); });
  return drops;
}

}  // namespace mpf::sources::kubelet_summary
