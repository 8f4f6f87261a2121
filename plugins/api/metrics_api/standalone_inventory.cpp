#include "metrics_api/standalone_inventory.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace mpf::api::metrics {
namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

struct PodKey {
  std::string namespace_name;
  std::string name;
  auto operator<=>(const PodKey&) const = default;
};

struct PodBuilder {
  std::string node;
  std::int64_t start_ns = 0;
  std::set<std::string> containers;

  void saw_start(std::int64_t ns) {
    if (ns > 0 && (start_ns == 0 || ns < start_ns)) start_ns = ns;
  }
};

}  // namespace

const LocalPod* StandaloneInventory::find_pod(std::string_view namespace_name, std::string_view name) const {
  auto it = std::lower_bound(pods.begin(), pods.end(), std::pair(namespace_name, name),
                             [](const LocalPod& pod, const std::pair<std::string_view, std::string_view>& key) {
                               return std::pair<std::string_view, std::string_view>(pod.namespace_name, pod.name) < key;
                             });
  return it != pods.end() && it->namespace_name == namespace_name && it->name == name ? &*it : nullptr;
}

std::string name_based_uid(std::string_view key) {
  const std::uint64_t high = fnv1a(key, 0xcbf29ce484222325ULL);
  const std::uint64_t low = fnv1a(key, high ^ 0x9e3779b97f4a7c15ULL);
  char text[40];
  std::snprintf(text, sizeof text, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32), static_cast<unsigned long long>((high >> 16) & 0xffff),
                static_cast<unsigned long long>(high & 0xffff), static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

Labels local_node_labels(std::string_view node_name, const LocalNodeFacts& facts) {
  Labels labels{
      {"beta.kubernetes.io/arch", facts.architecture},
      {"beta.kubernetes.io/os", "linux"},
      {"kubernetes.io/arch", facts.architecture},
      {"kubernetes.io/hostname", std::string(node_name)},
      {"kubernetes.io/os", "linux"},
  };
  std::sort(labels.begin(), labels.end());
  return labels;
}

std::shared_ptr<const StandaloneInventory> build_standalone_inventory(const Snapshot& snapshot,
                                                                      const LocalNodeFacts& facts) {
  std::set<std::string> nodes;
  std::map<PodKey, PodBuilder> pods;
  for (const ScrapeResult& scrape : snapshot.scrapes) {
    if (!scrape.batch) continue;
    const NodeBatch& batch = *scrape.batch;
    nodes.insert(batch.node_name);
    for (const ContainerSample& c : batch.containers) {
      PodBuilder& pod = pods[PodKey{std::string(batch.names.name(c.namespace_name)), std::string(batch.names.name(c.pod_name))}];
      pod.node = batch.node_name;
      pod.containers.insert(std::string(batch.names.name(c.container_name)));
      if (c.sample.has(kHasStartTime)) pod.saw_start(c.sample.start_time_ns);
    }
  }
  for (const NodeMetrics& node : snapshot.nodes) nodes.insert(std::string(snapshot.names.name(node.name)));
  for (const PodMetrics& pod : snapshot.pods) {
    PodBuilder& builder = pods[PodKey{std::string(snapshot.names.name(pod.namespace_name)), std::string(snapshot.names.name(pod.name))}];
    if (builder.node.empty()) builder.node = snapshot.names.name(pod.node);
    for (std::uint32_t i = 0; i < pod.container_count; ++i) {
      builder.containers.insert(std::string(snapshot.names.name(snapshot.containers[pod.first_container + i].name)));
    }
  }

  auto inventory = std::make_shared<StandaloneInventory>();
  inventory->generation = snapshot.cycle;
  inventory->nodes.assign(nodes.begin(), nodes.end());
  auto cluster = std::make_shared<ClusterSnapshot>();
  cluster->generation = snapshot.cycle;
  for (const std::string& name : inventory->nodes) {
    auto node = std::make_shared<ClusterNode>();
    node->name = name;
    node->addresses = {{"InternalIP", "127.0.0.1"}, {"Hostname", name}};
    node->labels = local_node_labels(name, facts);
    node->ready = true;
    cluster->nodes.push_back(std::move(node));
  }
  std::map<std::string, std::int64_t> namespaces;
  inventory->pods.reserve(pods.size());
  for (auto& [key, builder] : pods) {
    LocalPod& pod = inventory->pods.emplace_back();
    pod.namespace_name = key.namespace_name;
    pod.name = key.name;
    pod.uid = name_based_uid(key.namespace_name + "/" + key.name);
    pod.node = builder.node;
    pod.start_ns = builder.start_ns;
    pod.containers.assign(builder.containers.begin(), builder.containers.end());
    auto [it, inserted] = namespaces.emplace(key.namespace_name, builder.start_ns);
    if (!inserted && builder.start_ns > 0 && (it->second == 0 || builder.start_ns < it->second)) {
      it->second = builder.start_ns;
    }
    auto meta = std::make_shared<ClusterPod>();
    meta->namespace_name = pod.namespace_name;
    meta->name = pod.name;
    meta->uid = pod.uid;
    meta->creation_unix_seconds = pod.start_ns / 1'000'000'000;
    cluster->pods.push_back(std::move(meta));
  }
  for (auto& [name, start] : namespaces) inventory->namespaces.push_back({name, start});
  inventory->cluster = std::move(cluster);
  return inventory;
}

StandaloneClusterView::StandaloneClusterView() {
  auto empty = std::make_shared<StandaloneInventory>();
  empty->cluster = std::make_shared<const ClusterSnapshot>();
  inventory_.store(std::move(empty));
}

void StandaloneClusterView::publish(std::shared_ptr<const StandaloneInventory> inventory) noexcept {
  inventory_.store(std::move(inventory));
}

std::shared_ptr<const ClusterSnapshot> StandaloneClusterView::snapshot() const noexcept {
  return inventory_.load()->cluster;
}

}  // namespace mpf::api::metrics
