#include "raw_sample_index.h"

namespace mpf::sinks::jsonl {

namespace {

std::uint64_t pack(NameId namespace_id, NameId pod_id) {
  return (static_cast<std::uint64_t>(namespace_id) << 32) | pod_id;
}

}  // namespace

RawSampleIndex::RawSampleIndex(const Snapshot& snapshot) {
  for (const ScrapeResult& scrape : snapshot.scrapes) {
    if (!scrape.batch) continue;
    const NodeBatch& batch = *scrape.batch;
    auto [it, added] = by_node_.try_emplace(batch.node_name);
    if (!added) continue;
    BatchIndex& index = it->second;
    index.batch = &batch;
    index.pods.reserve(batch.pods.size());
    for (const PodSample& p : batch.pods) index.pods.try_emplace(pack(p.namespace_name, p.pod_name), &p.sample);
    index.containers.reserve(batch.containers.size());
    for (const ContainerSample& c : batch.containers) {
      index.containers.try_emplace(ContainerKey{pack(c.namespace_name, c.pod_name), c.container_name}, &c.sample);
    }
  }
}

const RawSampleIndex::BatchIndex* RawSampleIndex::batch_for(std::string_view node) const {
  auto it = by_node_.find(node);
  return it == by_node_.end() ? nullptr : &it->second;
}

bool RawSampleIndex::pod_key(const NodeBatch& batch, std::string_view namespace_name, std::string_view pod,
                             std::uint64_t& key) {
  NameId ns = batch.names.find(namespace_name);
  NameId name = batch.names.find(pod);
  if (ns == NameTable::kNotFound || name == NameTable::kNotFound) return false;
  key = pack(ns, name);
  return true;
}

const Sample* RawSampleIndex::node(std::string_view node) const {
  const BatchIndex* index = batch_for(node);
  return index != nullptr && index->batch->has_node_sample ? &index->batch->node_sample : nullptr;
}

const Sample* RawSampleIndex::pod(std::string_view node, std::string_view namespace_name, std::string_view pod) const {
  const BatchIndex* index = batch_for(node);
  std::uint64_t key = 0;
  if (index == nullptr || !pod_key(*index->batch, namespace_name, pod, key)) return nullptr;
  auto it = index->pods.find(key);
  return it == index->pods.end() ? nullptr : it->second;
}

const Sample* RawSampleIndex::container(std::string_view node, std::string_view namespace_name, std::string_view pod,
                                        std::string_view container) const {
  const BatchIndex* index = batch_for(node);
  std::uint64_t key = 0;
  if (index == nullptr || !pod_key(*index->batch, namespace_name, pod, key)) return nullptr;
  NameId name = index->batch->names.find(container);
  if (name == NameTable::kNotFound) return nullptr;
  auto it = index->containers.find(ContainerKey{key, name});
  return it == index->containers.end() ? nullptr : it->second;
}

}  // namespace mpf::sinks::jsonl
