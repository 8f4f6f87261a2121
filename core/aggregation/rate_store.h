#pragma once

// The metrics-server-exact rate store: the strict mode of the `rates` processor. It keeps exactly
// two points (last, prev) per node and per container, replaces them once per cycle from that cycle's
// successful scrapes, and turns them into node, pod and container usage the way metrics-server's
// pkg/storage does (see the reference behaviour notes, shared/reference/metrics-server-behaviour.md §2.4, §2.5, §3).
//
// Memory is proportional to what one cycle holds: one generation of flat vectors with its own name
// table. In the steady state (same nodes, pods and containers as last cycle, batch by batch) entries
// are updated in place: no name is hashed, nothing is sorted or allocated. Any other cycle rebuilds
// a new generation by name, with a fresh name table, and frees the old one, so names of pods that
// disappeared are forgotten after one cycle instead of piling up in an append-only table.
//
// Not thread-safe: the aggregation stage calls it from one thread, once per cycle.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/aggregation/flat_index.h"
#include "core/aggregation/rate_math.h"
#include "mpf/sdk/names.h"
#include "mpf/sdk/sample.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {

// A node whose point the strict drop rules removed although its scrape succeeded.
struct DroppedNode {
  std::string name;
  // Index of the ScrapeResult that carried it in the span given to update().
  std::size_t scrape_index = 0;
  FailureReason reason = FailureReason::kNone;
};

// What produce() left out, for counters and logs (the reference only logs these).
struct ProduceStats {
  std::size_t node_rate_errors = 0;       // nodes with a prev whose rate failed
  std::size_t container_rate_errors = 0;  // containers omitted from a served pod
  std::size_t pods_missing_prev = 0;      // pods withheld because a container had no prev yet
};

class RateStore {
 public:
  // `resolution` is the scrape period (--metric-resolution): it bounds the fresh-container shortcut.
  explicit RateStore(std::chrono::nanoseconds resolution);

  // Replaces the stored state with this cycle's. Only results with an ok status and a batch count;
  // nodes (and their pods) absent from them are forgotten, as in the reference.
  void update(std::span<const ScrapeResult> scrapes);

  // Writes usage into `snapshot`: replaces nodes (sorted by name), pods (sorted by namespace, then
  // name) and containers (grouped by pod, sorted by name); names are interned into snapshot.names.
  ProduceStats produce(Snapshot& snapshot) const;

  // update(snapshot.scrapes), marks the scrapes of dropped nodes with their reason, then produce().
  ProduceStats process(Snapshot& snapshot);

  // Nodes dropped by the zero rule in the last update().
  std::span<const DroppedNode> dropped_nodes() const { return dropped_nodes_; }
  // Pods dropped by the container zero rule in the last update().
  std::size_t dropped_pods() const { return dropped_pods_; }

  // metrics_server_storage_points{type="node"} and {type="container"}: points that have a prev.
  std::size_t servable_node_points() const { return servable_nodes_; }
  std::size_t servable_container_points() const { return servable_containers_; }
  // metric-storage-ready as of v0.9.0: at least one node and at least one pod have a prev.
  bool ready() const { return servable_nodes_ > 0 && servable_containers_ > 0; }

  // Points held (with or without prev).
  std::size_t stored_nodes() const { return cur_.nodes.size(); }
  std::size_t stored_containers() const { return cur_.containers.size(); }
  // Heap bytes held by both generations (capacities, not sizes), for memory-bound checks.
  std::size_t memory_bytes() const;

 private:
  struct NodeEntry {
    NameId name = kEmptyName;
    bool has_prev = false;
    std::uint32_t seq = 0;  // insertion order within its cycle, to map batch order to sorted order
    PrevPoint prev;
    Sample last;
  };

  struct ContainerEntry {
    NameId namespace_name = kEmptyName;
    NameId pod_name = kEmptyName;
    NameId container_name = kEmptyName;
    NameId node = kEmptyName;
    bool has_prev = false;
    PrevPoint prev;
    Sample last;
  };

  // What the last slow update() saw of one batch, so that a cycle of the same shape (same nodes,
  // names and containers in the same order: the steady state) can update entries in place.
  struct BatchShape {
    static constexpr std::uint32_t kNoNode = 0xFFFFFFFFu;
    static constexpr std::uint32_t kNodeAbsent = 0xFFFFFFFEu;  // the batch had no node sample
    NameId node = kEmptyName;         // cur_ id of the node name
    std::uint32_t node_pos = kNoNode;  // cur_.nodes position, kNodeAbsent, or kNoNode if dropped
    std::uint32_t names_begin = 0;     // batch name id -> cur_ id, in shape_names_
    std::uint32_t names_count = 0;
    std::uint32_t keys_begin = 0;  // the batch's container keys (batch ids), in shape_keys_
    std::uint32_t containers_begin = 0;  // cur_.containers position of the batch's first container
    std::uint32_t containers_count = 0;
    bool clean = false;  // every container of the batch was stored
  };

  // Which node's batch a pod came from, to refuse the same pod from a second batch.
  struct PodOwner {
    NameId namespace_name = kEmptyName;
    NameId pod_name = kEmptyName;
    NameId node = kEmptyName;
  };

  // One cycle's state. Ids index `names`; nodes are sorted by name once the cycle is built. The
  // indexes exist only while a rebuild needs them.
  struct Generation {
    NameTable names;
    std::vector<NodeEntry> nodes;
    std::vector<ContainerEntry> containers;     // in batch order
    std::vector<std::uint32_t> by_name;         // container positions by (namespace, pod, container)
    FlatIndex node_index;
    FlatIndex container_index;
    void clear();
    void index();  // (re)builds both indexes from the sorted vectors
    std::size_t memory_bytes() const;
  };

  void add_batch(const NodeBatch& batch, std::size_t scrape_index);
  void add_node(const NodeBatch& batch, NameId node, std::size_t scrape_index);
  void add_containers(const NodeBatch& batch, NameId node);
  void sort_and_index();
  // Steady state: updates cur_ in place, batch by batch, while batches have their recorded shape.
  // Returns kAllApplied, or how many batches it applied before one differed.
  static constexpr std::size_t kAllApplied = ~std::size_t{0};
  std::size_t update_in_place(std::span<const ScrapeResult> scrapes);
  void apply_batch(const NodeBatch& batch, const BatchShape& shape);
  bool same_batch_shape(const NodeBatch& batch, const BatchShape& shape) const;
  void finish_shape();
  void release_scratch();
  void count_servable();
  // Maps cur_ name ids to a snapshot's, filling its names as needed; identity when ids is null.
  struct SnapshotIds {
    const RateStore* store = nullptr;
    Snapshot* snapshot = nullptr;
    std::vector<NameId>* ids = nullptr;
    NameId operator()(NameId id) const;
  };
  SnapshotIds snapshot_name_mapper(Snapshot& snapshot) const;
  // The slow path: builds next_ by name, sorts it and swaps it in. The first `applied` batches were
  // already updated in place, so their entries are copied rather than advanced again.
  void rebuild(std::span<const ScrapeResult> scrapes, std::size_t applied);
  // The old generation's entry for a key in the old generation's ids, or nullptr.
  const NodeEntry* find_old_node(NameId old_name) const;
  const ContainerEntry* find_old_container(NameId ns, NameId pod, NameId container) const;

  std::int64_t resolution_ns_;
  Generation cur_;   // the state produce() reads
  Generation next_;  // built by update(), then swapped with cur_

  std::vector<DroppedNode> dropped_nodes_;
  std::size_t dropped_pods_ = 0;
  std::size_t servable_nodes_ = 0;
  std::size_t servable_containers_ = 0;

  // Per-cycle scratch, kept to reuse its capacity.
  std::vector<NameId> to_old_;  // batch name id -> cur_ name id (or NameTable::kNotFound)
  std::vector<NameId> to_new_;  // batch name id -> next_ name id
  std::vector<std::uint64_t> bad_pods_;  // (namespace, pod) batch ids hit by the zero rule
  std::vector<PodOwner> pod_owners_;
  FlatIndex pod_owner_index_;
  std::vector<std::uint32_t> rank_;  // next_ name id -> position in name order
  std::vector<NameId> order_;

  // The shape of the last slow update (see BatchShape); valid only while shape_valid_.
  bool shape_valid_ = false;
  bool carry_over_ = false;  // rebuild(): the current batch was already applied in place
  std::vector<BatchShape> shapes_;
  std::vector<NameId> shape_names_;
  struct BatchKey {
    NameId namespace_name, pod_name, container_name;
  };
  std::vector<BatchKey> shape_keys_;
  mutable std::vector<NameId> snapshot_ids_;
  mutable std::size_t last_pod_count_ = 0;  // cur_ name id -> snapshot name id, for produce()
};

}  // namespace mpf::core
