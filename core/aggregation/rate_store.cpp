#include "core/aggregation/rate_store.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace mpf::core {
namespace {

// metrics-server's freshContainerMinMetricsResolution: below 10 s of age a container's first point
// is too close to its start for the start-time window to give a meaningful rate.
constexpr std::int64_t kFreshContainerMinAgeNs = 10'000'000'000;

PrevPoint prev_of(const Sample& s) { return PrevPoint{s.timestamp_ns, s.start_time_ns, s.cpu_usage_core_ns}; }
PrevPoint prev_of(const PrevPoint& p) { return p; }

// The reference compares the whole MetricsPoint with its zero value: a container that only has a
// start-time line is not "all zero" and so falls under the zero rule.
bool all_zero(const Sample& s) {
  return s.timestamp_ns == 0 && s.start_time_ns == 0 && s.cpu_usage_core_ns == 0 &&
         s.memory_working_set_bytes == 0;
}

// The container zero rule's test: a point with some value but no CPU or no memory.
bool incomplete(const Sample& s) {
  return !all_zero(s) && (s.cpu_usage_core_ns == 0 || s.memory_working_set_bytes == 0);
}

std::uint64_t pod_key(NameId ns, NameId pod) { return static_cast<std::uint64_t>(ns) << 32 | pod; }

Usage usage_of(const Sample& last, const Rate& rate) {
  Usage u;
  u.timestamp_ns = last.timestamp_ns;
  u.window_ns = rate.window_ns;
  u.cpu_nanocores = rate.cpu_nanocores;
  u.memory_working_set_bytes = last.memory_working_set_bytes;
  u.swap_usage_bytes = last.swap_usage_bytes;
  u.ephemeral_storage_bytes = last.ephemeral_storage_bytes;
  u.present = static_cast<std::uint16_t>(kHasCpu | kHasMemory | (last.present & (kHasSwap | kHasEphemeralStorage)));
  return u;
}

// Whether the stored entry `old` of the same key gives the new point `s` a prev, and which.
template <class Entry>
bool carried_prev(const Sample& s, const Entry& old, PrevPoint& prev) {
  if (s.timestamp_ns > old.last.timestamp_ns) {
    prev = prev_of(old.last);
    return true;
  }
  if (old.has_prev && old.prev.timestamp_ns < s.timestamp_ns) {
    // A repeated or late point: the old prev still precedes it, so the pair stays valid.
    // (For containers the reference also "keeps" a missing prev when another container of the pod
    // has one, a Go zero-value point giving a 292-year window; we treat a missing prev as missing.)
    prev = old.prev;
    return true;
  }
  return false;
}

// The prev of a container's new point `s`, given its stored entry `old` (or nullptr).
template <class Entry>
bool container_prev(const Sample& s, const Entry* old, std::int64_t resolution_ns, PrevPoint& prev) {
  if (s.start_time_ns < s.timestamp_ns && s.timestamp_ns - s.start_time_ns >= kFreshContainerMinAgeNs &&
      s.timestamp_ns - s.start_time_ns < resolution_ns) {
    // Fresh container: its CPU counter was 0 at start, so the start time is a valid older point and
    // the pod is served in its first cycle.
    prev = PrevPoint{s.start_time_ns, s.start_time_ns, 0};
    return true;
  }
  // Started before the stored point was taken: no restart since, so the stored points still count.
  return old != nullptr && s.start_time_ns < old->last.timestamp_ns && carried_prev(s, *old, prev);
}

}  // namespace

RateStore::RateStore(std::chrono::nanoseconds resolution, RateStoreOptions options)
    : resolution_ns_(resolution.count()), options_(options) {}

void RateStore::Generation::index() {
  node_index.reset(nodes.size());
  for (std::uint32_t i = 0; i < nodes.size(); ++i) node_index.insert(hash_ids(nodes[i].name), i);
  container_index.reset(containers.size());
  for (std::uint32_t i = 0; i < containers.size(); ++i) {
    const ContainerEntry& e = containers[i];
    container_index.insert(hash_ids(e.namespace_name, e.pod_name, e.container_name), i);
  }
}

void RateStore::Generation::clear() {
  names.clear();
  nodes.clear();
  containers.clear();
  by_name.clear();
}

std::size_t RateStore::Generation::memory_bytes() const {
  // NameTable exposes only its text size; its index costs about four 32-bit words per name
  // (offset, hash, and two slots at its load factor of at most 1/2).
  return names.byte_size() + names.size() * 4 * sizeof(std::uint32_t) + nodes.capacity() * sizeof(NodeEntry) +
         containers.capacity() * sizeof(ContainerEntry) + by_name.capacity() * sizeof(std::uint32_t) + node_index.capacity_bytes() +
         container_index.capacity_bytes();
}

std::size_t RateStore::memory_bytes() const {
  return cur_.memory_bytes() + next_.memory_bytes() + (to_old_.capacity() + to_new_.capacity()) * sizeof(NameId) +
         bad_pods_.capacity() * sizeof(std::uint64_t) + pod_owners_.capacity() * sizeof(PodOwner) +
         pod_owner_index_.capacity_bytes() + rank_.capacity() * sizeof(std::uint32_t) +
         order_.capacity() * sizeof(NameId) + dropped_nodes_.capacity() * sizeof(DroppedNode) +
         shapes_.capacity() * sizeof(BatchShape) + shape_names_.capacity() * sizeof(NameId) +
         shape_keys_.capacity() * sizeof(BatchKey) +
         snapshot_ids_.capacity() * sizeof(NameId) +
         (served_.capacity() + fresh_served_.capacity()) * sizeof(ServedContainer) +
         pods_.capacity() * sizeof(PodRange);
}

void RateStore::update(std::span<const ScrapeResult> scrapes) {
  dropped_nodes_.clear();
  dropped_pods_ = 0;
  dropped_containers_ = 0;
  const std::size_t applied = update_in_place(scrapes);
  last_update_in_place_ = applied == kAllApplied;
  if (applied != kAllApplied) {
    rebuild(scrapes, applied);
    count_servable();
    build_served();
  }
}

void RateStore::serve(const Sample& last, const ContainerEntry& e, ServedContainer& out) {
  if (!e.has_prev) {
    out.state = ServedState::kNoPrev;
    return;
  }
  Rate rate;
  if (compute_rate(last, e.prev, rate, seconds_) != RateError::kNone) {
    out.state = ServedState::kRateError;
    return;
  }
  out.usage = usage_of(last, rate);
  out.state = ServedState::kServed;
}

void RateStore::build_served() {
  std::vector<ContainerEntry>& cs = cur_.containers;
  const std::vector<std::uint32_t>& by_name = cur_.by_name;
  // Sized exactly each rebuild, so that a cycle much smaller than the last does not keep its memory.
  if (served_.capacity() > 2 * cs.size() + 1024) served_ = std::vector<ServedContainer>();
  served_.resize(cs.size());
  pods_.clear();
  for (std::uint32_t i = 0; i < by_name.size(); ++i) {
    ContainerEntry& e = cs[by_name[i]];
    e.served = i;
    served_[i] = fresh_served_[by_name[i]];
    if (pods_.empty() || pods_.back().namespace_name != e.namespace_name || pods_.back().pod_name != e.pod_name) {
      pods_.push_back(PodRange{e.namespace_name, e.pod_name, e.node, i, 0});
    }
    ++pods_.back().count;
  }
  // Push-back growth may have left up to twice the room needed; this is kept until the next rebuild.
  if (pods_.capacity() > pods_.size() + pods_.size() / 4) pods_.shrink_to_fit();
  // The name order now lives in served_ and pods_; the scratch is rebuilt by the next rebuild.
  // (`v = {}` would pick the initializer-list assignment, which keeps the capacity.)
  cur_.by_name = std::vector<std::uint32_t>();
  fresh_served_ = std::vector<ServedContainer>();
}

void RateStore::count_servable() {
  servable_nodes_ = static_cast<std::size_t>(
      std::count_if(cur_.nodes.begin(), cur_.nodes.end(), [](const NodeEntry& e) { return e.has_prev; }));
  servable_containers_ = static_cast<std::size_t>(std::count_if(
      cur_.containers.begin(), cur_.containers.end(), [](const ContainerEntry& e) { return e.has_prev; }));
}

void RateStore::rebuild(std::span<const ScrapeResult> scrapes, std::size_t applied) {
  next_.clear();
  shapes_.clear();
  shape_names_.clear();
  shape_keys_.clear();

  std::size_t node_count = 0;
  std::size_t container_count = 0;
  for (const ScrapeResult& s : scrapes) {
    if (!s.status.is_ok() || !s.batch) continue;
    ++node_count;
    container_count += s.batch->containers.size();
  }
  // The old generation is looked up by name only here, so its index is built here, not kept.
  cur_.index();
  next_.nodes.reserve(node_count);
  next_.containers.reserve(container_count);
  // Indexed by insertion position, for the duplicate rules; sorting invalidates it.
  next_.node_index.reset(node_count);
  next_.container_index.reset(container_count);
  pod_owners_.clear();
  pod_owner_index_.reset(container_count);
  fresh_served_.clear();
  fresh_served_.reserve(container_count);

  std::size_t batch_number = 0;
  for (std::size_t i = 0; i < scrapes.size(); ++i) {
    // A failed scrape contributes nothing: its node and pods vanish, exactly as in the reference.
    if (!scrapes[i].status.is_ok() || !scrapes[i].batch) continue;
    carry_over_ = batch_number++ < applied;
    add_batch(*scrapes[i].batch, i);
  }
  carry_over_ = false;
  sort_and_index();
  finish_shape();
  std::swap(cur_, next_);
  release_scratch();
}

void RateStore::release_scratch() {
  // The old generation and the duplicate-detection index are only needed while rebuilding, which
  // the steady state skips; holding them would double the store's memory for nothing.
  // Moved out and destroyed, not just assigned an empty generation: move-assigning a short (inline)
  // string keeps the target's heap buffer in libstdc++, so the old name table's text would stay.
  { const Generation old = std::move(next_); }
  next_ = Generation{};
  cur_.node_index = FlatIndex{};
  cur_.container_index = FlatIndex{};
  pod_owners_ = std::vector<PodOwner>();  // not `= {}`, which would keep the capacity
  pod_owner_index_ = FlatIndex{};
}

void RateStore::add_batch(const NodeBatch& batch, std::size_t scrape_index) {
  // Translate the batch's ids once per batch instead of hashing three strings per container.
  const std::size_t n = batch.names.size();
  to_old_.resize(n);
  to_new_.resize(n);
  for (NameId id = 0; id < n; ++id) {
    const std::string_view text = batch.names.name(id);
    to_old_[id] = cur_.names.find(text);
    to_new_[id] = next_.names.intern(text);
  }
  const NameId node = next_.names.intern(batch.node_name);

  // Record the batch's shape for the next cycle's in-place update.
  BatchShape shape;
  shape.node = node;
  shape.names_begin = static_cast<std::uint32_t>(shape_names_.size());
  shape.names_count = static_cast<std::uint32_t>(n);
  shape_names_.insert(shape_names_.end(), to_new_.begin(), to_new_.end());
  shape.keys_begin = static_cast<std::uint32_t>(shape_keys_.size());
  for (const ContainerSample& c : batch.containers) {
    shape_keys_.push_back(BatchKey{c.namespace_name, c.pod_name, c.container_name});
  }

  const std::size_t nodes_before = next_.nodes.size();
  add_node(batch, node, scrape_index);
  if (next_.nodes.size() > nodes_before) {
    shape.node_pos = static_cast<std::uint32_t>(nodes_before);  // a seq until finish_shape()
  } else if (!batch.has_node_sample) {
    shape.node_pos = BatchShape::kNodeAbsent;
  }

  const std::size_t containers_before = next_.containers.size();
  add_containers(batch, node);
  shape.containers_begin = static_cast<std::uint32_t>(containers_before);
  shape.containers_count = static_cast<std::uint32_t>(batch.containers.size());
  shape.clean = next_.containers.size() - containers_before == batch.containers.size();
  shapes_.push_back(shape);
}

void RateStore::add_node(const NodeBatch& batch, NameId node, std::size_t scrape_index) {
  if (!batch.has_node_sample) return;
  const Sample& s = batch.node_sample;
  if (s.timestamp_ns == 0 || s.cpu_usage_core_ns == 0 || s.memory_working_set_bytes == 0) {
    // "Failed getting complete node metric": the reference drops the point silently; we keep why.
    dropped_nodes_.push_back(DroppedNode{batch.node_name, scrape_index, FailureReason::kZeroValues});
    return;
  }
  const std::uint64_t hash = hash_ids(node);
  // "Got duplicate node point": the first batch wins.
  if (next_.node_index.find(hash, [&](std::uint32_t p) { return next_.nodes[p].name == node; }) != FlatIndex::kNone) {
    return;
  }
  NodeEntry e;
  e.name = node;
  e.seq = static_cast<std::uint32_t>(next_.nodes.size());
  e.last = s;
  const NameId old_name = cur_.names.find(batch.node_name);
  if (const NodeEntry* old = old_name == NameTable::kNotFound ? nullptr : find_old_node(old_name)) {
    if (carry_over_) {
      e.has_prev = old->has_prev;
      e.prev = old->prev;
    } else {
      e.has_prev = carried_prev(s, *old, e.prev);
    }
  }
  next_.node_index.insert(hash, static_cast<std::uint32_t>(next_.nodes.size()));
  next_.nodes.push_back(e);
}

void RateStore::add_containers(const NodeBatch& batch, NameId node) {
  // Strict: the container zero rule drops the whole pod, so find the affected pods first. Tolerant:
  // only the incomplete container itself is left out (rule 1 in the header).
  const bool tolerant = options_.tolerate_container_gaps;
  bad_pods_.clear();
  for (const ContainerSample& c : batch.containers) {
    if (!incomplete(c.sample)) continue;
    ++dropped_containers_;
    if (!tolerant) bad_pods_.push_back(pod_key(c.namespace_name, c.pod_name));
  }
  if (!bad_pods_.empty()) {
    std::sort(bad_pods_.begin(), bad_pods_.end());
    bad_pods_.erase(std::unique(bad_pods_.begin(), bad_pods_.end()), bad_pods_.end());
    dropped_pods_ += bad_pods_.size();
  }

  for (const ContainerSample& c : batch.containers) {
    const Sample& s = c.sample;
    if (all_zero(s) || (tolerant && incomplete(s))) continue;
    if (!bad_pods_.empty() && std::binary_search(bad_pods_.begin(), bad_pods_.end(), pod_key(c.namespace_name, c.pod_name))) {
      continue;
    }
    const NameId ns = to_new_[c.namespace_name];
    const NameId pod = to_new_[c.pod_name];
    const NameId name = to_new_[c.container_name];

    // "Got duplicate pod point": a pod reported by two batches belongs to the first one.
    const std::uint64_t pod_hash = hash_ids(ns, pod);
    const std::uint32_t owner = pod_owner_index_.find(
        pod_hash, [&](std::uint32_t p) { return pod_owners_[p].namespace_name == ns && pod_owners_[p].pod_name == pod; });
    if (owner == FlatIndex::kNone) {
      pod_owner_index_.insert(pod_hash, static_cast<std::uint32_t>(pod_owners_.size()));
      pod_owners_.push_back(PodOwner{ns, pod, node});
    } else if (pod_owners_[owner].node != node) {
      continue;
    }
    // "Got duplicate Container point": the first one wins.
    const std::uint64_t hash = hash_ids(ns, pod, name);
    const auto same = [&](std::uint32_t p) {
      const ContainerEntry& e = next_.containers[p];
      return e.namespace_name == ns && e.pod_name == pod && e.container_name == name;
    };
    if (next_.container_index.find(hash, same) != FlatIndex::kNone) continue;

    ContainerEntry e;
    e.namespace_name = ns;
    e.pod_name = pod;
    e.container_name = name;
    e.node = node;
    e.last = prev_of(s);
    const ContainerEntry* old =
        find_old_container(to_old_[c.namespace_name], to_old_[c.pod_name], to_old_[c.container_name]);
    if (carry_over_) {
      e.has_prev = old->has_prev;  // never null: update_in_place() stored this very key
      e.prev = old->prev;
    } else {
      e.has_prev = container_prev(s, old, resolution_ns_, e.prev);
    }
    ServedContainer& served = fresh_served_.emplace_back();
    served.name = name;
    serve(s, e, served);
    next_.container_index.insert(hash, static_cast<std::uint32_t>(next_.containers.size()));
    next_.containers.push_back(e);
  }
}

const RateStore::NodeEntry* RateStore::find_old_node(NameId old_name) const {
  const std::uint32_t p =
      cur_.node_index.find(hash_ids(old_name), [&](std::uint32_t i) { return cur_.nodes[i].name == old_name; });
  return p == FlatIndex::kNone ? nullptr : &cur_.nodes[p];
}

const RateStore::ContainerEntry* RateStore::find_old_container(NameId ns, NameId pod, NameId container) const {
  if (ns == NameTable::kNotFound || pod == NameTable::kNotFound || container == NameTable::kNotFound) return nullptr;
  const std::uint32_t p = cur_.container_index.find(hash_ids(ns, pod, container), [&](std::uint32_t i) {
    const ContainerEntry& e = cur_.containers[i];
    return e.namespace_name == ns && e.pod_name == pod && e.container_name == container;
  });
  return p == FlatIndex::kNone ? nullptr : &cur_.containers[p];
}

void RateStore::sort_and_index() {
  // Rank every name once so that sorting entries compares integers, not strings.
  const NameTable& names = next_.names;
  order_.resize(names.size());
  std::iota(order_.begin(), order_.end(), NameId{0});
  std::sort(order_.begin(), order_.end(), [&](NameId a, NameId b) { return names.name(a) < names.name(b); });
  rank_.resize(names.size());
  for (std::uint32_t i = 0; i < order_.size(); ++i) rank_[order_[i]] = i;

  std::sort(next_.nodes.begin(), next_.nodes.end(),
            [&](const NodeEntry& a, const NodeEntry& b) { return rank_[a.name] < rank_[b.name]; });
  // Containers stay in batch order, so that a steady-state cycle updates them sequentially; only
  // produce() needs name order, through by_name.
  const auto& cs = next_.containers;
  next_.by_name.resize(cs.size());
  std::iota(next_.by_name.begin(), next_.by_name.end(), std::uint32_t{0});
  std::sort(next_.by_name.begin(), next_.by_name.end(), [&](std::uint32_t i, std::uint32_t j) {
    const ContainerEntry& a = cs[i];
    const ContainerEntry& b = cs[j];
    if (a.namespace_name != b.namespace_name) return rank_[a.namespace_name] < rank_[b.namespace_name];
    if (a.pod_name != b.pod_name) return rank_[a.pod_name] < rank_[b.pod_name];
    return rank_[a.container_name] < rank_[b.container_name];
  });
}

void RateStore::finish_shape() {
  // Sorting moved the nodes: turn their recorded insertion seqs into positions.
  std::vector<std::uint32_t>& node_pos = order_;  // reuse scratch: node seq -> position
  node_pos.assign(next_.nodes.size(), 0);
  for (std::uint32_t i = 0; i < next_.nodes.size(); ++i) node_pos[next_.nodes[i].seq] = i;
  for (BatchShape& shape : shapes_) {
    if (shape.node_pos < next_.nodes.size()) shape.node_pos = node_pos[shape.node_pos];
  }
  shape_valid_ = true;
}

bool RateStore::same_batch_shape(const NodeBatch& batch, const BatchShape& shape) const {
  if (!shape.clean || batch.node_name != cur_.names.name(shape.node)) return false;
  // The node point must take the same path as last time: stored again, or absent again.
  if (shape.node_pos == BatchShape::kNodeAbsent) {
    if (batch.has_node_sample) return false;
  } else if (shape.node_pos == BatchShape::kNoNode || !batch.has_node_sample) {
    return false;
  } else {
    const Sample& s = batch.node_sample;
    if (s.timestamp_ns == 0 || s.cpu_usage_core_ns == 0 || s.memory_working_set_bytes == 0) return false;
  }
  // Same names under the same ids: comparing text sequentially is far cheaper than hashing it.
  if (batch.names.size() != shape.names_count || batch.containers.size() != shape.containers_count) return false;
  const NameId* to_cur = shape_names_.data() + shape.names_begin;
  for (NameId id = 1; id < shape.names_count; ++id) {
    if (batch.names.name(id) != cur_.names.name(to_cur[id])) return false;
  }
  // Same containers in the same order, each stored (no zero rule, so no dropped pod either). With
  // the names unchanged, equal batch ids mean equal keys: the compact key copy spares reading the
  // (much larger) entries twice.
  const BatchKey* keys = shape_keys_.data() + shape.keys_begin;
  for (std::uint32_t k = 0; k < shape.containers_count; ++k) {
    const ContainerSample& c = batch.containers[k];
    const Sample& s = c.sample;
    if (all_zero(s) || s.cpu_usage_core_ns == 0 || s.memory_working_set_bytes == 0) return false;
    if (c.namespace_name != keys[k].namespace_name || c.pod_name != keys[k].pod_name ||
        c.container_name != keys[k].container_name) {
      return false;
    }
  }
  return true;
}

std::size_t RateStore::update_in_place(std::span<const ScrapeResult> scrapes) {
  // A batch whose keys, owner and positions are as last cycle would be rebuilt into the same
  // entries, names and order; only its points change, and each entry is its own "old" entry. Each
  // batch is checked and applied while its data is in cache. The first batch that differs stops
  // this; rebuild() then carries the applied batches over: their keys are unchanged and come first,
  // so no later batch can claim them or need their old points.
  if (!shape_valid_) return 0;
  servable_nodes_ = 0;
  servable_containers_ = 0;
  const auto next_ok = [&](std::size_t i) {
    while (i < scrapes.size() && (!scrapes[i].status.is_ok() || !scrapes[i].batch)) ++i;
    return i;
  };
  std::size_t b = 0;
  std::size_t i = next_ok(0);
  if (i < scrapes.size() && !shapes_.empty()) prefetch_batch(*scrapes[i].batch, shapes_[0]);
  while (i < scrapes.size()) {
    const NodeBatch& batch = *scrapes[i].batch;
    if (b == shapes_.size() || !same_batch_shape(batch, shapes_[b])) return b;
    // A cycle's batches and entries are far larger than the caches and each batch is a few KiB in
    // its own allocation, too short for the hardware prefetcher to ramp up: fetch the next batch
    // while this one is applied.
    const std::size_t next = next_ok(i + 1);
    if (next < scrapes.size() && b + 1 < shapes_.size()) prefetch_batch(*scrapes[next].batch, shapes_[b + 1]);
    apply_batch(batch, shapes_[b]);
    ++b;
    i = next;
  }
  return b == shapes_.size() ? kAllApplied : b;  // fewer batches: rebuild to forget the rest
}

void RateStore::prefetch_batch(const NodeBatch& batch, const BatchShape& shape) const {
  constexpr std::size_t kLine = 64;
  const auto fetch = [](const void* data, std::size_t bytes, auto for_write) {
    const char* p = static_cast<const char*>(data);
    for (std::size_t off = 0; off < bytes; off += kLine) __builtin_prefetch(p + off, decltype(for_write)::value);
  };
  fetch(batch.containers.data(), batch.containers.size() * sizeof(ContainerSample), std::false_type{});
  // Names are compared as text; a table's names share one buffer, starting with id 1.
  if (batch.names.size() > 1) fetch(batch.names.name(1).data(), batch.names.byte_size(), std::false_type{});
  if (shape.clean && shape.containers_begin + shape.containers_count <= cur_.containers.size()) {
    fetch(cur_.containers.data() + shape.containers_begin, shape.containers_count * sizeof(ContainerEntry),
          std::true_type{});
  }
}

void RateStore::apply_batch(const NodeBatch& batch, const BatchShape& shape) {
  if (shape.node_pos != BatchShape::kNodeAbsent) {
    NodeEntry& e = cur_.nodes[shape.node_pos];
    PrevPoint prev{};
    e.has_prev = carried_prev(batch.node_sample, e, prev);
    e.prev = prev;
    e.last = batch.node_sample;
    servable_nodes_ += e.has_prev;
  }
  ContainerEntry* const entries = cur_.containers.data() + shape.containers_begin;
  // Each container's usage goes to its name-ordered slot, one random line each: request them all
  // before writing any, so that the misses overlap.
  for (std::uint32_t k = 0; k < shape.containers_count; ++k) __builtin_prefetch(&served_[entries[k].served], 1);
  for (std::uint32_t k = 0; k < shape.containers_count; ++k) {
    const Sample& s = batch.containers[k].sample;
    ContainerEntry& e = entries[k];
    PrevPoint prev{};
    e.has_prev = container_prev(s, &e, resolution_ns_, prev);
    e.prev = prev;
    e.last = prev_of(s);
    servable_containers_ += e.has_prev;
    serve(s, e, served_[e.served]);
  }
}

NameId RateStore::SnapshotIds::map(NameId id) const {
  NameId& mapped = (*ids)[id];
  if (mapped == NameTable::kNotFound) mapped = snapshot->names.intern(store->cur_.names.name(id));
  return mapped;
}

RateStore::SnapshotIds RateStore::snapshot_name_mapper(Snapshot& snapshot) const {
  if (snapshot.names.size() == 1) {
    // An empty snapshot table: copying ours keeps every id and costs one copy instead of hashing
    // each served name again. It may also hold names of unserved entries, which is harmless.
    snapshot.names = cur_.names;
    return SnapshotIds{};
  }
  // Otherwise intern each distinct name once, remembering its snapshot id.
  snapshot_ids_.assign(cur_.names.size(), NameTable::kNotFound);
  return SnapshotIds{this, &snapshot, &snapshot_ids_};
}

ProduceStats RateStore::produce(Snapshot& snapshot) const {
  ProduceStats stats;
  snapshot.nodes.clear();
  snapshot.pods.clear();
  snapshot.containers.clear();
  snapshot.nodes.reserve(cur_.nodes.size());
  snapshot.containers.reserve(cur_.containers.size());
  snapshot.pods.reserve(pods_.size());
  const auto snap_id = snapshot_name_mapper(snapshot);
  const bool tolerant = options_.tolerate_container_gaps;

  for (const NodeEntry& e : cur_.nodes) {
    if (!e.has_prev) continue;
    Rate rate;
    if (compute_rate(e.last, e.prev, rate) != RateError::kNone) {
      ++stats.node_rate_errors;
      continue;
    }
    NodeMetrics& node = snapshot.nodes.emplace_back();  // later fields belong to later processors
    node.name = snap_id(e.name);
    node.usage = usage_of(e.last, rate);
  }

  // Read and written sequentially, but each pod is only a line or two: run ahead of the hardware
  // prefetcher, which restarts at every page.
  constexpr std::size_t kAhead = 16;  // lines
  const ServedContainer* const served_end = served_.data() + served_.size();
  for (const PodRange& range : pods_) {
    const ServedContainer* const cs = served_.data() + range.begin;
    if (cs + kAhead < served_end) __builtin_prefetch(cs + kAhead);
    bool any_prev = false;
    bool all_prev = true;
    for (std::uint32_t i = 0; i < range.count; ++i) {
      const bool has_prev = cs[i].state != ServedState::kNoPrev;
      any_prev |= has_prev;
      all_prev &= has_prev;
    }
    if (!any_prev) continue;  // the reference has no prev entry for this pod at all
    if (!all_prev && !tolerant) {
      // Serving a subset would under-report the pod's usage.
      ++stats.pods_missing_prev;
      continue;
    }

    PodMetrics pod;
    pod.namespace_name = snap_id(range.namespace_name);
    pod.name = snap_id(range.pod_name);
    pod.node = snap_id(range.node);
    pod.first_container = static_cast<std::uint32_t>(snapshot.containers.size());
    // Optional resources are summed only if every served container reports them.
    auto optional = static_cast<std::uint16_t>(kHasSwap | kHasEphemeralStorage);
    for (std::uint32_t i = 0; i < range.count; ++i) {
      if (cs[i].state == ServedState::kNoPrev) {  // tolerant only: strict mode got here with every prev present
        ++stats.containers_missing_prev;
        continue;
      }
      if (cs[i].state == ServedState::kRateError) {
        // The reference omits the container but still serves the pod, possibly with no containers.
        ++stats.container_rate_errors;
        continue;
      }
      const Usage& u = cs[i].usage;
      // The earliest timestamp lets the HPA tell whether a sample is tainted by pod start-up; on a
      // tie the first container by name wins (the reference's pick depends on map order).
      if (snapshot.containers.size() == pod.first_container || u.timestamp_ns < pod.usage.timestamp_ns) {
        pod.usage.timestamp_ns = u.timestamp_ns;
        pod.usage.window_ns = u.window_ns;
      }
      pod.usage.cpu_nanocores += u.cpu_nanocores;
      pod.usage.memory_working_set_bytes += u.memory_working_set_bytes;
      pod.usage.swap_usage_bytes += u.swap_usage_bytes;
      pod.usage.ephemeral_storage_bytes += u.ephemeral_storage_bytes;
      optional &= u.present;
      // Written in place: a ContainerMetrics temporary costs a store-forwarding stall per container.
      ContainerMetrics& out = snapshot.containers.emplace_back();
      out.name = snap_id(cs[i].name);
      out.usage = u;
    }
    pod.container_count = static_cast<std::uint32_t>(snapshot.containers.size() - pod.first_container);
    if (pod.container_count == 0 && tolerant) {
      // Every rate failed: an empty pod would read as an idle one (rule 3 in the header).
      ++stats.pods_without_containers;
      continue;
    }
    pod.usage.present =
        static_cast<std::uint16_t>(kHasCpu | kHasMemory | (pod.container_count > 0 ? optional : 0));
    snapshot.pods.push_back(pod);
  }
  return stats;
}

ProduceStats RateStore::process(Snapshot& snapshot) {
  update(snapshot.scrapes);
  // The scrape itself succeeded (status stays ok); the reason says why its node has no metrics.
  for (const DroppedNode& d : dropped_nodes_) {
    if (d.scrape_index < snapshot.scrapes.size()) snapshot.scrapes[d.scrape_index].reason = d.reason;
  }
  return produce(snapshot);
}

}  // namespace mpf::core
