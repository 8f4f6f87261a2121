#pragma once

// Last-known-good: the `rates` processor's first improvement over metrics-server. In the reference a
// node whose scrape fails vanishes from the API at once, with all its pods, and comes back only
// after two good scrapes (shared/reference/metrics-server-behaviour.md §2.5, §3.4); an HPA then sees
// its pods' metrics missing for two or three resolutions because of one timeout.
//
// This class works on the snapshot RateStore produced and leaves RateStore untouched. After each
// cycle it records what was served. In a later cycle, a node that was served and is now missing is
// served again from that record, unchanged (same timestamp and window, so clients see the age),
// when either
//   - its scrape failed this cycle (status not ok, or no batch), or
//   - it is recovering: it was bridged last cycle, its scrape succeeded, but RateStore cannot serve
//     it yet (a rate needs two points after the gap). Only pods still in its new batch are kept.
// A node is bridged for at most `max_cycles` consecutive cycles, then it vanishes (counted as
// expired). A node without any ScrapeResult (deleted, no longer targeted) vanishes at once, as does
// a node whose scrape succeeded while it was not being bridged (RateStore's own drop rules stand).
// A kept pod that this cycle's output already has (served by another node, or fresh) is not added.
//
// Memory: one copy of the last cycle's served nodes, pods, containers and names, reused from cycle
// to cycle; anything not served in the last cycle (a deleted or expired node) is gone from it.
//
// Not thread-safe: the aggregation stage calls it from one thread, once per cycle.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/names.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {

struct LastKnownGoodStats {
  std::size_t nodes = 0;    // nodes served from the record this cycle
  std::size_t pods = 0;     // pods served from the record this cycle
  std::size_t expired = 0;  // nodes that would have been bridged but reached the limit this cycle
};

class LastKnownGood {
 public:
  // `max_cycles`: how many consecutive cycles a node may be served from the record; 0 disables.
  explicit LastKnownGood(std::uint32_t max_cycles) : max_cycles_(max_cycles) {}

  // Adds the kept nodes and pods to `snapshot` (after RateStore::produce wrote this cycle's), keeping
  // its order (nodes by name, pods by namespace and name, containers grouped in pod order), then
  // records the result for the next cycle. May throw std::bad_alloc; the snapshot is then unchanged
  // apart from extra names, and the record is dropped (nothing is bridged next cycle).
  LastKnownGoodStats apply(Snapshot& snapshot);

  // Nodes currently being bridged.
  std::size_t bridged_nodes() const { return bridges_.size(); }

  // Heap bytes held (capacities, not sizes; the record's name table as RateStore estimates its
  // own), for memory-bound checks.
  std::size_t memory_bytes() const;

 private:
  // What a node's scrapes said this cycle. Ok wins over failed when several sources scrape a node.
  enum class ScrapeState : std::uint8_t { kAbsent, kFailed, kOk };
  struct TargetState {
    std::string_view name;  // points into the snapshot's scrapes, valid during apply()
    ScrapeState state = ScrapeState::kFailed;
    const NodeBatch* batch = nullptr;  // for kOk
  };
  // A node being served from the record, and for how many consecutive cycles.
  struct Bridge {
    std::string name;
    std::uint32_t cycles = 0;
  };
  // A record node chosen for this cycle: its record name id and, when recovering, its new batch.
  struct Candidate {
    NameId record_name = kEmptyName;
    const NodeBatch* batch = nullptr;
  };

  void index_scrapes(const Snapshot& snapshot);
  const TargetState* find_target(std::string_view name) const;
  bool serves_node(const Snapshot& snapshot, std::string_view name) const;
  std::uint32_t previous_bridge_cycles(std::string_view name) const;
  // Chooses this cycle's candidates and the new bridges; returns the number of expired nodes.
  std::size_t choose_candidates(const Snapshot& snapshot);
  const Candidate* candidate_of(NameId record_node) const;
  bool pod_in_batch(const NodeBatch& batch, const PodMetrics& kept) const;
  NameId to_snapshot(Snapshot& snapshot, NameId record_id);
  std::size_t merge_nodes(Snapshot& snapshot);
  std::size_t merge_pods(Snapshot& snapshot);
  void record(const Snapshot& snapshot);

  std::uint32_t max_cycles_;

  // The last cycle's output as served (fresh and kept values), in that cycle's name ids.
  NameTable record_names_;
  std::vector<NodeMetrics> record_nodes_;
  std::vector<PodMetrics> record_pods_;
  std::vector<ContainerMetrics> record_containers_;

  std::vector<Bridge> bridges_;  // sorted by name

  // Per-cycle scratch, kept to reuse its capacity.
  std::vector<TargetState> targets_;  // sorted by name
  std::vector<Candidate> candidates_;  // sorted by record name id
  std::vector<std::uint8_t> is_record_node_;  // by record name id
  std::vector<Bridge> next_bridges_;
  std::vector<NameId> record_to_snapshot_;
  std::vector<NodeMetrics> merged_nodes_;
  std::vector<PodMetrics> merged_pods_;
  std::vector<ContainerMetrics> merged_containers_;
};

}  // namespace mpf::core
