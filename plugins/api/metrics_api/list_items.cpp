#include "metrics_api/list_items.h"

#include <algorithm>
#include <span>
#include <utility>

namespace mpf::api::metrics {

MetricsUsage usage_of(const Usage& u, bool show_swap) {
  MetricsUsage out{u.cpu_nanocores, u.memory_working_set_bytes, std::nullopt};
  if (show_swap && (u.present & kHasSwap) != 0) out.swap_bytes = u.swap_usage_bytes;
  return out;
}

NodeMetricsItem node_item(const Snapshot& s, const NodeMetrics& node, const ClusterNode& meta, bool show_swap) {
  return {s.names.name(node.name), &meta.labels, node.usage.timestamp_ns, node.usage.window_ns,
          usage_of(node.usage, show_swap)};
}

PodMetricsItem pod_item(const Snapshot& s, const PodMetrics& pod, const ClusterPod& meta,
                        std::vector<ContainerItem>& containers, bool show_swap) {
  const std::size_t first = containers.size();
  for (std::uint32_t i = 0; i < pod.container_count; ++i) {
    const ContainerMetrics& c = s.containers[pod.first_container + i];
    containers.push_back({s.names.name(c.name), usage_of(c.usage, show_swap)});
  }
  return {meta.namespace_name, meta.name, &meta.labels, pod.usage.timestamp_ns, pod.usage.window_ns,
          std::span<const ContainerItem>(containers.data() + first, pod.container_count)};
}

void collect_node_items(const Snapshot& s, const ClusterSnapshot& cluster, const LabelSelector& node_selector,
                        const RequestQuery* query, bool show_swap, NodeItems& out) {
  out.items.clear();
  out.items.reserve(s.nodes.size());
  for (const NodeMetrics& node : s.nodes) {
    const std::string_view name = s.names.name(node.name);
    const ClusterNode* meta = cluster.find_node(name);
    if (meta == nullptr || !node_selector.matches(meta->labels)) continue;
    if (query != nullptr && (!query->labels.matches(meta->labels) || !query->fields_match(name, ""))) continue;
    out.items.push_back(node_item(s, node, *meta, show_swap));
  }
}

void collect_pod_items(const Snapshot& s, const ClusterSnapshot& cluster, std::string_view namespace_name,
                       const RequestQuery* query, bool show_swap, PodItems& out, const PodLabelIndex* index) {
  out.items.clear();
  out.containers.clear();
  if (index != nullptr && &index->cluster() == &cluster && query != nullptr && !namespace_name.empty()) {
    if (auto candidates = index->candidates(namespace_name, query->labels)) {
      // Candidates are in (namespace, name) order, as the snapshot's pods are. Containers are reserved
      // before any item points into them.
      std::vector<std::pair<const PodMetrics*, const ClusterPod*>> found;
      std::size_t container_count = 0;
      for (std::uint32_t i : *candidates) {
        const ClusterPod& meta = *cluster.pods[i];
        if (!query->labels.matches(meta.labels) || !query->fields_match(meta.name, meta.namespace_name)) continue;
        const PodMetrics* pod = find_pod_metrics(s, meta.namespace_name, meta.name);
        if (pod == nullptr) continue;
        found.emplace_back(pod, &meta);
        container_count += pod->container_count;
      }
      out.containers.reserve(container_count);
      out.items.reserve(found.size());
      for (const auto& [pod, meta] : found) out.items.push_back(pod_item(s, *pod, *meta, out.containers, show_swap));
      return;
    }
  }
  // Pods are sorted by namespace, so one namespace is one range: a namespaced request never walks
  // the rest of the cluster.
  auto first = s.pods.begin();
  auto last = s.pods.end();
  if (!namespace_name.empty()) {
    auto ns_of = [&](const PodMetrics& p) { return s.names.name(p.namespace_name); };
    first = std::lower_bound(first, last, namespace_name,
                             [&](const PodMetrics& p, std::string_view ns) { return ns_of(p) < ns; });
    last = std::upper_bound(first, last, namespace_name,
                            [&](std::string_view ns, const PodMetrics& p) { return ns < ns_of(p); });
  }
  if (first == last) return;
  std::size_t container_count = 0;
  for (auto it = first; it != last; ++it) container_count += it->container_count;
  out.containers.reserve(container_count);
  out.items.reserve(static_cast<std::size_t>(last - first));
  for (auto it = first; it != last; ++it) {
    const PodMetrics& pod = *it;
    const std::string_view ns = s.names.name(pod.namespace_name);
    const ClusterPod* meta = cluster.find_pod(ns, s.names.name(pod.name));
    if (meta == nullptr) continue;
    if (query != nullptr && (!query->labels.matches(meta->labels) || !query->fields_match(meta->name, ns))) continue;
    out.items.push_back(pod_item(s, pod, *meta, out.containers, show_swap));
  }
}

const NodeMetrics* find_node_metrics(const Snapshot& s, std::string_view name) {
  auto it = std::lower_bound(s.nodes.begin(), s.nodes.end(), name,
                             [&](const NodeMetrics& n, std::string_view key) { return s.names.name(n.name) < key; });
  return it != s.nodes.end() && s.names.name(it->name) == name ? &*it : nullptr;
}

const PodMetrics* find_pod_metrics(const Snapshot& s, std::string_view namespace_name, std::string_view name) {
  using PodKey = std::pair<std::string_view, std::string_view>;
  auto key_of = [&](const PodMetrics& p) { return PodKey(s.names.name(p.namespace_name), s.names.name(p.name)); };
  auto it = std::lower_bound(s.pods.begin(), s.pods.end(), PodKey(namespace_name, name),
                             [&](const PodMetrics& p, const PodKey& key) { return key_of(p) < key; });
  return it != s.pods.end() && key_of(*it) == PodKey(namespace_name, name) ? &*it : nullptr;
}

}  // namespace mpf::api::metrics
