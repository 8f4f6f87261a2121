#include "core/aggregation/last_known_good.h"

#include <algorithm>
#include <utility>

namespace mpf::core {
namespace {

bool failed(const ScrapeResult& r) { return !r.status.is_ok() || !r.batch; }

// Pod order as RateStore::produce writes it: namespace, then name, by text.
bool pod_less(std::string_view a_ns, std::string_view a_name, std::string_view b_ns, std::string_view b_name) {
  return a_ns != b_ns ? a_ns < b_ns : a_name < b_name;
}

}  // namespace

LastKnownGoodStats LastKnownGood::apply(Snapshot& snapshot) {
  LastKnownGoodStats stats;
  if (max_cycles_ == 0) return stats;
  try {
    const bool any_failure = std::any_of(snapshot.scrapes.begin(), snapshot.scrapes.end(), failed);
    const bool have_record = !record_nodes_.empty() || !record_pods_.empty();
    // The steady state (every scrape good, nothing bridged) costs only the record copy below.
    if (have_record && (any_failure || !bridges_.empty())) {
      index_scrapes(snapshot);
      stats.expired = choose_candidates(snapshot);
      if (!candidates_.empty()) {
        record_to_snapshot_.assign(record_names_.size(), NameTable::kNotFound);
        stats.nodes = candidates_.size();
        merge_nodes(snapshot);
        stats.pods = merge_pods(snapshot);
      }
      bridges_.swap(next_bridges_);
    } else {
      bridges_.clear();
    }
    record(snapshot);
  } catch (...) {
    // A half-copied record must not be served: forget it, and with it every bridge.
    record_names_.clear();
    record_nodes_.clear();
    record_pods_.clear();
    record_containers_.clear();
    bridges_.clear();
    throw;
  }
  return stats;
}

void LastKnownGood::index_scrapes(const Snapshot& snapshot) {
  targets_.clear();
  for (const ScrapeResult& r : snapshot.scrapes) {
    // RateStore keys a good scrape by its batch's node name; a failed one has only its target.
    if (failed(r)) {
      targets_.push_back(TargetState{r.target, ScrapeState::kFailed, nullptr});
    } else {
      targets_.push_back(TargetState{r.batch->node_name, ScrapeState::kOk, r.batch.get()});
    }
  }
  // Several sources may scrape one node: one good scrape is enough for RateStore, so ok sorts first
  // and wins; among good ones the first batch wins, as in RateStore.
  std::stable_sort(targets_.begin(), targets_.end(), [](const TargetState& a, const TargetState& b) {
    if (a.name != b.name) return a.name < b.name;
    return a.state > b.state;
  });
  targets_.erase(std::unique(targets_.begin(), targets_.end(),
                             [](const TargetState& a, const TargetState& b) { return a.name == b.name; }),
                 targets_.end());
}

const LastKnownGood::TargetState* LastKnownGood::find_target(std::string_view name) const {
  auto it = std::lower_bound(targets_.begin(), targets_.end(), name,
                             [](const TargetState& t, std::string_view n) { return t.name < n; });
  return it != targets_.end() && it->name == name ? &*it : nullptr;
}

bool LastKnownGood::serves_node(const Snapshot& snapshot, std::string_view name) const {
  auto it = std::lower_bound(snapshot.nodes.begin(), snapshot.nodes.end(), name,
                             [&](const NodeMetrics& n, std::string_view v) { return snapshot.names.name(n.name) < v; });
  return it != snapshot.nodes.end() && snapshot.names.name(it->name) == name;
}

std::uint32_t LastKnownGood::previous_bridge_cycles(std::string_view name) const {
  auto it = std::lower_bound(bridges_.begin(), bridges_.end(), name,
                             [](const Bridge& b, std::string_view n) { return b.name < n; });
  return it != bridges_.end() && it->name == name ? it->cycles : 0;
}

std::size_t LastKnownGood::choose_candidates(const Snapshot& snapshot) {
  candidates_.clear();
  next_bridges_.clear();
  // The nodes served last cycle: with a node metric, or only through their pods.
  is_record_node_.assign(record_names_.size(), 0);
  for (const NodeMetrics& n : record_nodes_) is_record_node_[n.name] = 1;
  for (const PodMetrics& p : record_pods_) is_record_node_[p.node] = 1;

  std::size_t expired = 0;
  for (NameId id = 0; id < is_record_node_.size(); ++id) {
    if (!is_record_node_[id]) continue;
    const std::string_view name = record_names_.name(id);
    const TargetState* target = find_target(name);
    if (target == nullptr) continue;  // deleted or no longer targeted: vanishes at once
    const std::uint32_t previous = previous_bridge_cycles(name);
    if (target->state == ScrapeState::kOk) {
      // A good scrape ends the bridge once RateStore serves the node again. Until then (it needs a
      // second point after the gap) a node already bridged stays bridged; one that was not bridged
      // was left out by RateStore's own rules, which stand.
      if (previous == 0 || serves_node(snapshot, name)) continue;
    }
    if (previous + 1 > max_cycles_) {
      ++expired;
      continue;
    }
    candidates_.push_back(Candidate{id, target->state == ScrapeState::kOk ? target->batch : nullptr});
    next_bridges_.push_back(Bridge{std::string(name), previous + 1});
  }
  std::sort(next_bridges_.begin(), next_bridges_.end(),
            [](const Bridge& a, const Bridge& b) { return a.name < b.name; });
  return expired;
}

const LastKnownGood::Candidate* LastKnownGood::candidate_of(NameId record_node) const {
  auto it = std::lower_bound(candidates_.begin(), candidates_.end(), record_node,
                             [](const Candidate& c, NameId id) { return c.record_name < id; });
  return it != candidates_.end() && it->record_name == record_node ? &*it : nullptr;
}

bool LastKnownGood::pod_in_batch(const NodeBatch& batch, const PodMetrics& kept) const {
  // Only for recovering nodes, whose batch says which pods still run there.
  const NameId ns = batch.names.find(record_names_.name(kept.namespace_name));
  const NameId pod = batch.names.find(record_names_.name(kept.name));
  if (ns == NameTable::kNotFound || pod == NameTable::kNotFound) return false;
  return std::any_of(batch.containers.begin(), batch.containers.end(), [&](const ContainerSample& c) {
    return c.namespace_name == ns && c.pod_name == pod;
  });
}

NameId LastKnownGood::to_snapshot(Snapshot& snapshot, NameId record_id) {
  NameId& mapped = record_to_snapshot_[record_id];
  if (mapped == NameTable::kNotFound) mapped = snapshot.names.intern(record_names_.name(record_id));
  return mapped;
}

std::size_t LastKnownGood::merge_nodes(Snapshot& snapshot) {
  merged_nodes_.clear();
  merged_nodes_.reserve(snapshot.nodes.size() + candidates_.size());
  std::size_t added = 0;
  auto fresh = snapshot.nodes.begin();
  for (const NodeMetrics& kept : record_nodes_) {
    if (candidate_of(kept.name) == nullptr) continue;
    const std::string_view kept_name = record_names_.name(kept.name);
    while (fresh != snapshot.nodes.end() && snapshot.names.name(fresh->name) < kept_name) merged_nodes_.push_back(*fresh++);
    if (fresh != snapshot.nodes.end() && snapshot.names.name(fresh->name) == kept_name) continue;  // served fresh
    NodeMetrics& node = merged_nodes_.emplace_back();  // totals are filled by later processors
    node.name = to_snapshot(snapshot, kept.name);
    node.usage = kept.usage;
    ++added;
  }
  if (added == 0) return 0;
  merged_nodes_.insert(merged_nodes_.end(), fresh, snapshot.nodes.end());
  snapshot.nodes.swap(merged_nodes_);
  return added;
}

std::size_t LastKnownGood::merge_pods(Snapshot& snapshot) {
  merged_pods_.clear();
  merged_containers_.clear();
  std::size_t added = 0;
  auto take_fresh = [&](const PodMetrics& p) {
    PodMetrics& out = merged_pods_.emplace_back(p);
    out.first_container = static_cast<std::uint32_t>(merged_containers_.size());
    merged_containers_.insert(merged_containers_.end(), snapshot.containers.begin() + p.first_container,
                              snapshot.containers.begin() + p.first_container + p.container_count);
  };
  const auto& names = snapshot.names;
  auto fresh = snapshot.pods.begin();
  for (const PodMetrics& kept : record_pods_) {
    const Candidate* candidate = candidate_of(kept.node);
    if (candidate == nullptr) continue;
    if (candidate->batch != nullptr && !pod_in_batch(*candidate->batch, kept)) continue;  // deleted pod
    if (added == 0 && merged_pods_.empty()) {
      merged_pods_.reserve(snapshot.pods.size() + 16);
      merged_containers_.reserve(snapshot.containers.size() + 16);
    }
    const std::string_view ns = record_names_.name(kept.namespace_name);
    const std::string_view name = record_names_.name(kept.name);
    while (fresh != snapshot.pods.end() && pod_less(names.name(fresh->namespace_name), names.name(fresh->name), ns, name)) {
      take_fresh(*fresh++);
    }
    if (fresh != snapshot.pods.end() && names.name(fresh->namespace_name) == ns && names.name(fresh->name) == name) {
      continue;  // served this cycle (by another node, or fresh): never twice
    }
    PodMetrics& out = merged_pods_.emplace_back(kept);
    out.namespace_name = to_snapshot(snapshot, kept.namespace_name);
    out.name = to_snapshot(snapshot, kept.name);
    out.node = to_snapshot(snapshot, kept.node);
    out.first_container = static_cast<std::uint32_t>(merged_containers_.size());
    for (std::uint32_t i = 0; i < kept.container_count; ++i) {
      const ContainerMetrics& c = record_containers_[kept.first_container + i];
      merged_containers_.push_back(ContainerMetrics{to_snapshot(snapshot, c.name), c.usage});
    }
    ++added;
  }
  if (added == 0) return 0;
  while (fresh != snapshot.pods.end()) take_fresh(*fresh++);
  snapshot.pods.swap(merged_pods_);
  snapshot.containers.swap(merged_containers_);
  return added;
}

std::size_t LastKnownGood::memory_bytes() const {
  const auto bridge_bytes = [](const std::vector<Bridge>& bridges) {
    std::size_t bytes = bridges.capacity() * sizeof(Bridge);
    for (const Bridge& b : bridges) {
      if (b.name.capacity() > std::string().capacity()) bytes += b.name.capacity() + 1;  // beyond the inline buffer
    }
    return bytes;
  };
  // NameTable exposes only its text size; its index costs about four 32-bit words per name (offset,
  // hash, and two slots at its load factor of at most 1/2), as RateStore::memory_bytes() counts it.
  return record_names_.byte_size() + record_names_.size() * 4 * sizeof(std::uint32_t) +
         record_nodes_.capacity() * sizeof(NodeMetrics) + record_pods_.capacity() * sizeof(PodMetrics) +
         record_containers_.capacity() * sizeof(ContainerMetrics) + bridge_bytes(bridges_) +
         bridge_bytes(next_bridges_) + targets_.capacity() * sizeof(TargetState) +
         candidates_.capacity() * sizeof(Candidate) + is_record_node_.capacity() * sizeof(std::uint8_t) +
         record_to_snapshot_.capacity() * sizeof(NameId) + merged_nodes_.capacity() * sizeof(NodeMetrics) +
         merged_pods_.capacity() * sizeof(PodMetrics) + merged_containers_.capacity() * sizeof(ContainerMetrics);
}

void LastKnownGood::record(const Snapshot& snapshot) {
  // Copy-assignment reuses the record's capacity: no allocation once the cluster's size is reached.
  record_names_ = snapshot.names;
  record_nodes_ = snapshot.nodes;
  record_pods_ = snapshot.pods;
  record_containers_ = snapshot.containers;
}

}  // namespace mpf::core
