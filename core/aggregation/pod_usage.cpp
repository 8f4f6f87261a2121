#include "core/aggregation/pod_usage.h"

#include <utility>

namespace mpf::core {
namespace {

// Not yet translated; distinct from NameTable::kNotFound (translated, absent).
constexpr NameId kUnmapped = 0xFFFFFFFEu;

PrevPoint point_of(const Sample& s) { return PrevPoint{s.timestamp_ns, s.start_time_ns, s.cpu_usage_core_ns}; }

// Whether a pod sample can ever give a rate, and so is kept.
bool usable(const Sample& s) { return s.has(kHasCpu) && s.timestamp_ns != 0; }

// The prev of a pod's new point `s` (start time already zeroed when absent) given its stored entry
// `old`: the container rules of RateStore, without the fresh-container shortcut.
template <class Entry>
bool pod_prev(const Sample& s, const Entry& old, PrevPoint& prev) {
  // Started at or after the stored point was taken: a new pod (cgroup) under the same name.
  if (s.start_time_ns >= old.last.timestamp_ns) return false;
  if (s.timestamp_ns > old.last.timestamp_ns) {
    prev = old.last;
    return true;
  }
  if (old.has_prev && old.prev.timestamp_ns < s.timestamp_ns) {  // a repeated or late point
    prev = old.prev;
    return true;
  }
  return false;
}

template <class T>
std::size_t capacity_bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

// Batches are separate allocations of a few kB each, read once: start fetching the next one's pod
// samples and names while the current one is compared.
void prefetch_batch(const NodeBatch* batch) {
  if (batch == nullptr || batch->pods.empty()) return;
  const char* begin = reinterpret_cast<const char*>(batch->pods.data());
  const char* end = reinterpret_cast<const char*>(batch->pods.data() + batch->pods.size());
  for (const char* p = begin; p < end; p += 64) __builtin_prefetch(p);
  const std::string_view first = batch->names.name(batch->pods.front().namespace_name);
  const std::string_view last = batch->names.name(batch->pods.back().pod_name);
  if (first.data() < last.data()) {
    for (const char* p = first.data(); p < last.data() + last.size(); p += 64) __builtin_prefetch(p);
  }
}

}  // namespace

std::uint32_t PodUsageTracker::find(const Generation& g, NameId ns, NameId pod) const {
  return g.index.find(hash_ids(ns, pod), [&](std::uint32_t i) {
    const Entry& e = g.entries[i];
    return e.namespace_name == ns && e.pod_name == pod;
  });
}

void PodUsageTracker::advance(Entry& e, const Sample& raw, const Entry* old) {
  Sample s = raw;
  if (!s.has(kHasStartTime)) s.start_time_ns = 0;
  PrevPoint prev;
  const bool has_prev = old != nullptr && pod_prev(s, *old, prev);
  e.last = point_of(s);
  e.prev = prev;
  e.has_prev = has_prev;
  e.usage = Usage{};
  Rate rate;
  if (has_prev && compute_rate(s, prev, rate, seconds_) == RateError::kNone) {
    e.usage.timestamp_ns = s.timestamp_ns;
    e.usage.window_ns = rate.window_ns;
    e.usage.cpu_nanocores = rate.cpu_nanocores;
    e.usage.memory_working_set_bytes = s.has(kHasMemory) ? s.memory_working_set_bytes : 0;
    e.usage.swap_usage_bytes = s.has(kHasSwap) ? s.swap_usage_bytes : 0;
    e.usage.ephemeral_storage_bytes = s.has(kHasEphemeralStorage) ? s.ephemeral_storage_bytes : 0;
    e.usage.present =
        static_cast<std::uint16_t>(kHasCpu | (s.present & (kHasMemory | kHasSwap | kHasEphemeralStorage)));
  }
}

bool PodUsageTracker::update_in_place(const Snapshot& snapshot) {
  if (!shapes_valid_ || shapes_.size() != snapshot.scrapes.size()) return false;
  // Check every batch first: the generation is changed only if the whole cycle fits it.
  for (std::size_t i = 0; i < shapes_.size(); ++i) {
    if (i + 1 < shapes_.size()) prefetch_batch(snapshot.scrapes[i + 1].batch.get());
    const BatchShape& shape = shapes_[i];
    const ScrapeResult& r = snapshot.scrapes[i];
    if ((r.batch != nullptr) != shape.has_batch) return false;
    if (!r.batch) continue;
    const NodeBatch& batch = *r.batch;
    if (!shape.complete || batch.pods.size() != shape.count) return false;
    if (batch.pods.empty()) continue;
    if (cur_.names.name(shape.node) != batch.node_name) return false;
    batch_to_cur_.assign(batch.names.size(), kUnmapped);
    // A batch id stands for one text and so for one generation id: compare the text once.
    auto same = [&](NameId batch_id, NameId cur_id) {
      NameId& m = batch_to_cur_[batch_id];
      if (m == kUnmapped) {
        if (batch.names.name(batch_id) != cur_.names.name(cur_id)) return false;
        m = cur_id;
      }
      return m == cur_id;
    };
    const Entry* entries = cur_.entries.data() + shape.first;
    for (std::size_t j = 0; j < batch.pods.size(); ++j) {
      const PodSample& p = batch.pods[j];
      if (!usable(p.sample) || !same(p.namespace_name, entries[j].namespace_name) ||
          !same(p.pod_name, entries[j].pod_name)) {
        return false;
      }
    }
  }
  for (std::size_t i = 0; i < shapes_.size(); ++i) {
    if (!snapshot.scrapes[i].batch) continue;
    const NodeBatch& batch = *snapshot.scrapes[i].batch;
    Entry* entries = cur_.entries.data() + shapes_[i].first;
    for (std::size_t j = 0; j < batch.pods.size(); ++j) {
      const Entry old = entries[j];
      advance(entries[j], batch.pods[j].sample, &old);
    }
  }
  return true;
}

void PodUsageTracker::rebuild(const Snapshot& snapshot) {
  std::swap(cur_, old_);
  cur_.names.clear();
  cur_.entries.clear();
  shapes_valid_ = false;
  std::size_t expected = 0;
  for (const ScrapeResult& r : snapshot.scrapes) {
    if (r.batch) expected += r.batch->pods.size();
  }
  cur_.index.reset(expected);
  cur_.entries.reserve(expected);
  shapes_.assign(snapshot.scrapes.size(), BatchShape{});

  for (std::size_t i = 0; i < snapshot.scrapes.size(); ++i) {
    const ScrapeResult& r = snapshot.scrapes[i];
    BatchShape& shape = shapes_[i];
    shape.has_batch = r.batch != nullptr;
    shape.complete = true;
    shape.first = static_cast<std::uint32_t>(cur_.entries.size());
    if (!r.batch || r.batch->pods.empty()) continue;
    const NodeBatch& batch = *r.batch;
    batch_to_cur_.assign(batch.names.size(), kUnmapped);
    batch_to_old_.assign(batch.names.size(), kUnmapped);
    auto to_cur = [&](NameId id) {
      NameId& m = batch_to_cur_[id];
      if (m == kUnmapped) m = cur_.names.intern(batch.names.name(id));
      return m;
    };
    auto to_old = [&](NameId id) {
      NameId& m = batch_to_old_[id];
      if (m == kUnmapped) m = old_.names.find(batch.names.name(id));
      return m;
    };
    const NameId node = cur_.names.intern(batch.node_name);
    const NameId old_node = old_.names.find(batch.node_name);
    shape.node = node;

    for (const PodSample& p : batch.pods) {
      if (!usable(p.sample)) continue;  // no rate can come of it
      const NameId ns = to_cur(p.namespace_name);
      const NameId pod = to_cur(p.pod_name);
      if (find(cur_, ns, pod) != FlatIndex::kNone) continue;  // already reported by an earlier batch

      Entry e;
      e.namespace_name = ns;
      e.pod_name = pod;
      e.node = node;
      const Entry* old = nullptr;
      const NameId old_ns = to_old(p.namespace_name);
      const NameId old_pod = to_old(p.pod_name);
      if (old_node != NameTable::kNotFound && old_ns != NameTable::kNotFound && old_pod != NameTable::kNotFound) {
        const std::uint32_t k = find(old_, old_ns, old_pod);
        // A pod of that name on another node is another pod cgroup: its counter does not continue.
        if (k != FlatIndex::kNone && old_.entries[k].node == old_node) old = &old_.entries[k];
      }
      advance(e, p.sample, old);
      cur_.index.insert(hash_ids(ns, pod), static_cast<std::uint32_t>(cur_.entries.size()));
      cur_.entries.push_back(e);
    }
    shape.count = static_cast<std::uint32_t>(cur_.entries.size() - shape.first);
    shape.complete = shape.count == batch.pods.size();
  }
  // The old generation is needed no more: forget its names now rather than at the next swap.
  old_.names.clear();
  old_.entries.clear();
  shapes_valid_ = true;
}

void PodUsageTracker::fill(Snapshot& snapshot, bool positions_valid) {
  snapshot_to_cur_.assign(snapshot.names.size(), kUnmapped);
  auto snap_to_cur = [&](NameId id) {
    if (id >= snapshot_to_cur_.size()) return NameTable::kNotFound;
    NameId& m = snapshot_to_cur_[id];
    if (m == kUnmapped) m = cur_.names.find(snapshot.names.name(id));
    return m;
  };
  if (!positions_valid) fill_positions_.clear();
  fill_positions_.resize(snapshot.pods.size(), FlatIndex::kNone);
  // Entries are in batch order and the snapshot's pods in name order: the reads of entries jump, so
  // run ahead of them (the names' text is fetched a little later, once the entry is in cache).
  constexpr std::size_t kAhead = 16;
  const std::size_t pods = snapshot.pods.size();
  const std::size_t entries = cur_.entries.size();
  for (std::size_t k = 0; k < pods; ++k) {
    // Sequential, but each pod is two lines: run ahead of the hardware prefetcher (it restarts at
    // every page).
    if (k + kAhead < pods) __builtin_prefetch(&snapshot.pods[k + kAhead], 1);
    if (positions_valid) {
      if (k + kAhead < pods && fill_positions_[k + kAhead] < entries) {
        __builtin_prefetch(&cur_.entries[fill_positions_[k + kAhead]]);
      }
      if (k + kAhead / 2 < pods && fill_positions_[k + kAhead / 2] < entries) {
        __builtin_prefetch(cur_.names.name(cur_.entries[fill_positions_[k + kAhead / 2]].pod_name).data());
      }
    }
    PodMetrics& pod = snapshot.pods[k];
    pod.kubelet_usage = Usage{};
    std::uint32_t& position = fill_positions_[k];
    if (cur_.entries.empty()) {
      position = FlatIndex::kNone;
      continue;
    }
    // Namespaces and nodes are few: translated once each. Pod names are checked against last
    // cycle's entry at this position, and looked up only when that is not the pod.
    const NameId ns = snap_to_cur(pod.namespace_name);
    const NameId node = snap_to_cur(pod.node);
    std::uint32_t i = FlatIndex::kNone;
    if (ns != NameTable::kNotFound && node != NameTable::kNotFound) {
      if (position < cur_.entries.size() && cur_.entries[position].namespace_name == ns &&
          snapshot.names.name(pod.name) == cur_.names.name(cur_.entries[position].pod_name)) {
        i = position;
      } else if (const NameId name = snap_to_cur(pod.name); name != NameTable::kNotFound) {
        i = find(cur_, ns, name);
      }
    }
    position = i;
    if (i == FlatIndex::kNone || cur_.entries[i].node != node) continue;  // not the batch that served it
    pod.kubelet_usage = cur_.entries[i].usage;
  }
}

void PodUsageTracker::process(Snapshot& snapshot) {
  last_in_place_ = update_in_place(snapshot);
  if (!last_in_place_) rebuild(snapshot);
  fill(snapshot, last_in_place_);
}

std::size_t PodUsageTracker::memory_bytes() const {
  std::size_t bytes = capacity_bytes(batch_to_cur_) + capacity_bytes(batch_to_old_) +
                      capacity_bytes(snapshot_to_cur_) + capacity_bytes(shapes_) + capacity_bytes(fill_positions_);
  for (const Generation* g : {&cur_, &old_}) {
    // The name table's buffers are private; estimated as RateStore does: the text plus 4 words a name.
    bytes += g->names.byte_size() + g->names.size() * 4 * sizeof(std::uint32_t) + capacity_bytes(g->entries) +
             g->index.capacity_bytes();
  }
  return bytes;
}

}  // namespace mpf::core
