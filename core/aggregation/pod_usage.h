#pragma once

// The kubelet's own pod-level usage (PodMetrics::kubelet_usage): a CPU rate over the last two
// pod-level samples (NodeBatch::pods: the pod cgroup, sandbox included) and the last working set,
// beside the sum over containers that `rates` serves as PodMetrics::usage.
//
// The two-point rules are the containers' (rate_math.h and RateStore): a new point whose timestamp is
// newer than the stored last one takes it as prev; a repeated or late point keeps the stored prev if
// that still precedes it; a point whose start time (when the source reports one) is not older than
// the stored last point belongs to a restarted pod and has no prev; a decreasing counter or start
// time gives no rate. A rate is CPU = Δcumulative / Δt in nanocores, computed as Go does
// (go_cpu_nanocores, truncated). The fresh-container shortcut (start time as the older point) is
// not applied to pods.
//
// Memory is proportional to one cycle: each cycle builds a new generation (own name table, flat
// entries, open-addressing index keyed by name ids) from that cycle's pod samples and keeps the
// previous one only to find prev points, so a pod absent from a cycle is forgotten. Names are hashed
// once per distinct name per batch (batch ids are mapped through small per-batch vectors), never per
// lookup with a string key map. In the steady state (every batch at the same position with the same
// node and the same pod samples in the same order as last cycle, each with CPU) the generation is
// updated in place instead: names are compared, not hashed, and the snapshot's pods are matched to
// entries through last cycle's positions, checked by name.
//
// Not thread-safe: the aggregation stage calls it from one thread, once per cycle.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/aggregation/flat_index.h"
#include "core/aggregation/rate_math.h"
#include "mpf/sdk/names.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {

class PodUsageTracker {
 public:
  // Stores this cycle's pod samples from snapshot.scrapes (successful batches), then sets
  // kubelet_usage of every pod in snapshot.pods: the usage of the pod sample that the batch of the
  // pod's node (PodMetrics::node) carried, or Usage{} (present 0) without a sample or without a rate.
  // Only kubelet_usage is written; the snapshot's order and every other field are left as they are.
  // A pod reported twice in one cycle (two batches) keeps its first sample. May throw std::bad_alloc.
  void process(Snapshot& snapshot);

  // Pods whose last sample is kept: those with a pod sample (with CPU) in the last cycle.
  std::size_t entries() const { return cur_.entries.size(); }
  // Heap bytes held by both generations (capacities), for memory checks.
  std::size_t memory_bytes() const;
  // Whether the last process() updated the entries in place (the steady-state path).
  bool last_update_in_place() const { return last_in_place_; }

 private:
  struct Entry {
    NameId namespace_name = kEmptyName;  // ids in the generation's name table
    NameId pod_name = kEmptyName;
    NameId node = kEmptyName;
    bool has_prev = false;
    PrevPoint last;
    PrevPoint prev;
    Usage usage;  // present 0 when no rate
  };
  struct Generation {
    NameTable names;
    std::vector<Entry> entries;
    FlatIndex index;  // hash_ids(namespace_name, pod_name) -> position in entries
  };

  // The entries one scrape (by position in snapshot.scrapes) produced in the last rebuild.
  struct BatchShape {
    bool has_batch = false;
    bool complete = false;  // every pod sample of the batch became an entry, in order
    NameId node = kEmptyName;
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };

  std::uint32_t find(const Generation& g, NameId ns, NameId pod) const;
  // Sets e's points and usage from its new sample `raw`, given its entry of last cycle (or null).
  void advance(Entry& e, const Sample& raw, const Entry* old);
  bool update_in_place(const Snapshot& snapshot);
  void rebuild(const Snapshot& snapshot);
  void fill(Snapshot& snapshot, bool positions_valid);

  Generation cur_;
  Generation old_;
  // Per-batch and per-snapshot id translations, reused across cycles.
  std::vector<NameId> batch_to_cur_;
  std::vector<NameId> batch_to_old_;
  std::vector<NameId> snapshot_to_cur_;
  std::vector<BatchShape> shapes_;  // valid after a rebuild, kept by in-place updates
  bool shapes_valid_ = false;
  // Entry position of each of last cycle's snapshot pods (FlatIndex::kNone: none).
  std::vector<std::uint32_t> fill_positions_;
  bool last_in_place_ = false;
  GoSecondsCache seconds_;
};

}  // namespace mpf::core
