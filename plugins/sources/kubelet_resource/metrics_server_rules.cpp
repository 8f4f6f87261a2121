#include "metrics_server_rules.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mpf::sources::kubelet_resource {
namespace {

std::uint64_t pod_key(NameId ns, NameId pod) { return (std::uint64_t{ns} << 32) | pod; }

// metrics-server compares the whole point with its zero value; a point that any line touched has a
// non-zero Timestamp or StartTime, so "all zero" means: none of the fields it reads was stored.
bool seen_by_metrics_server(const Sample& s) { return (s.present & (kHasCpu | kHasMemory | kHasStartTime)) != 0; }

bool complete(const Sample& s) {
  return s.has(kHasCpu) && s.cpu_usage_core_ns != 0 && s.has(kHasMemory) && s.memory_working_set_bytes != 0;
}

}  // namespace

void apply_metrics_server_drop_rules(NodeBatch& batch) {
  if (batch.has_node_sample) {
    const Sample& node = batch.node_sample;
    if (node.timestamp_ns == 0 || !complete(node)) {
      batch.node_sample = Sample{};
      batch.has_node_sample = false;
    }
  }

  std::vector<std::uint64_t> dropped_pods;
  for (const ContainerSample& c : batch.containers) {
    if (seen_by_metrics_server(c.sample) && !complete(c.sample)) {
      dropped_pods.push_back(pod_key(c.namespace_name, c.pod_name));
    }
  }
  std::sort(dropped_pods.begin(), dropped_pods.end());
  const auto is_dropped = [&dropped_pods](NameId ns, NameId pod) {
    return std::binary_search(dropped_pods.begin(), dropped_pods.end(), pod_key(ns, pod));
  };
  std::erase_if(batch.containers, [&](const ContainerSample& c) {
    return !seen_by_metrics_server(c.sample) || is_dropped(c.namespace_name, c.pod_name);
  });

  // Pods that still have a container; sorted keys again, built only when there are pod-level samples.
  if (batch.pods.empty()) return;
  std::vector<std::uint64_t> surviving;
  surviving.reserve(batch.containers.size());
  for (const ContainerSample& c : batch.containers) surviving.push_back(pod_key(c.namespace_name, c.pod_name));
  std::sort(surviving.begin(), surviving.end());
  std::erase_if(batch.pods, [&surviving](const PodSample& p) {
    return !std::binary_search(surviving.begin(), surviving.end(), pod_key(p.namespace_name, p.pod_name));
  });
}

}  // namespace mpf::sources::kubelet_resource
