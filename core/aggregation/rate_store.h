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
// update() also computes every container's usage and keeps it in name order (served_), so that
// produce() only sums and copies sequentially. Entries keep just what the next cycle's prev needs.
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
  std::size_t container_rate_errors = 0;  // containers whose rate failed (omitted from their pod)
  std::size_t pods_missing_prev = 0;      // strict: pods withheld because a container had no prev yet
  // Tolerant mode only (see RateStoreOptions); always 0 in strict mode.
  std::size_t containers_missing_prev = 0;  // containers without prev omitted from a served pod
  std::size_t pods_without_containers = 0;  // pods withheld because none of their containers had a rate
};

// Per-container tolerance ("a container without CPU or memory in one scrape does not hide its
// pod"). The reference hides a whole pod because of one container in two places; a third rule
// already omits only the container. With `tolerate_container_gaps`, each rule is decided as follows:
//
//  1. Zero rule (a container that is not all-zero but has CPU == 0 or memory == 0, including a
//     container that only has a start-time line). Strict: the whole pod is dropped from the batch.
//     Tolerant: only that container is left out, exactly as an all-zero container is. It is not
//     stored, so its points from earlier cycles are forgotten like those of any container absent
//     from the batch (no stale data): when it comes back it needs a prev again (two points, or the
//     fresh-container shortcut) and is omitted from its pod meanwhile (rule 2).
//  2. A container without a prev (new, restarted too long ago, repeated point). Strict: the pod is
//     withheld until every container has a prev (pods_missing_prev). Tolerant: the pod is served
//     with the containers that have a prev (containers_missing_prev counts the others). A pod of
//     which no container has a prev is not served in either mode (the reference has no prev entry).
//  3. A container whose rate fails (CPU or start time went backwards). Both modes omit the
//     container and serve the rest. Strict serves the pod even if no container is left (empty
//     usage, timestamp 0), as the reference does; tolerant withholds such a pod
//     (pods_without_containers), since an all-zero pod is not a measurement and would read as idle.
//
// A served pod's usage is the sum over its served containers, and its timestamp and window are
// those of the served container with the earliest timestamp: the omitted containers do not count.
// The price of tolerance is that such a pod's usage is under-reported for the cycles a container is
// missing, which is why strict (the reference's behaviour) stays the default.
//
// Both update paths apply the same rules. As in strict mode, a cycle in which some batch has an
// incomplete container is rebuilt rather than updated in place (the batch's shape is not "clean").
struct RateStoreOptions {
  bool tolerate_container_gaps = false;
};

class RateStore {
 public:
  // `resolution` is the scrape period (--metric-resolution): it bounds the fresh-container shortcut.
  // The default options give the reference's (strict) behaviour.
  explicit RateStore(std::chrono::nanoseconds resolution, RateStoreOptions options = {});

  const RateStoreOptions& options() const { return options_; }

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
  // Pods dropped by the container zero rule in the last update() (strict mode; 0 when tolerant).
  std::size_t dropped_pods() const { return dropped_pods_; }
  // Containers that fell under the container zero rule in the last update(), in either mode (strict
  // mode drops their pods with them; tolerant mode drops only them).
  std::size_t dropped_containers() const { return dropped_containers_; }
  // Whether the last update() took the steady-state path for every batch (no rebuild), for tests.
  bool last_update_in_place() const { return last_update_in_place_; }

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
    std::uint32_t served = 0;  // position of its ServedContainer in served_
    PrevPoint prev;
    // Of the newest point, only what the next cycle's prev needs: its usage is kept in served_. This
    // makes an entry 72 bytes instead of 112, which the in-place update reads and writes in full.
    PrevPoint last;
  };

  // A container's usage as produce() serves it, kept in name order and refreshed by update() while
  // the container's points are in cache. Entries stay in batch order for the in-place update, so
  // without this produce() would gather them in name order: a random read of every (112-byte)
  // entry, the costliest part of a steady-state cycle. This way the one random access per container
  // is a single aligned line written by update(), and produce() reads sequentially.
  enum class ServedState : std::uint8_t { kServed, kNoPrev, kRateError };
  struct alignas(64) ServedContainer {
    Usage usage;  // valid when state is kServed
    NameId name = kEmptyName;
    ServedState state = ServedState::kNoPrev;
  };
  // One line per container: update() writes each at random, so it must not straddle two.
  static_assert(sizeof(ServedContainer) == 64);
  // A pod's containers in served_, in name order.
  struct PodRange {
    NameId namespace_name = kEmptyName;
    NameId pod_name = kEmptyName;
    NameId node = kEmptyName;
    std::uint32_t begin = 0;
    std::uint32_t count = 0;
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
    std::vector<std::uint32_t> by_name;         // container positions by (namespace, pod, container), while rebuilding
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
  void prefetch_batch(const NodeBatch& batch, const BatchShape& shape) const;
  bool same_batch_shape(const NodeBatch& batch, const BatchShape& shape) const;
  void finish_shape();
  void release_scratch();
  void count_servable();
  // Rebuilds served_ and pods_ (and the entries' `served`) from cur_ in name order.
  void build_served();
  // The usage of a container entry whose newest point is `last`.
  void serve(const Sample& last, const ContainerEntry& e, ServedContainer& out);
  // Maps cur_ name ids to a snapshot's, filling its names as needed; identity when ids is null.
  struct SnapshotIds {
    const RateStore* store = nullptr;
    Snapshot* snapshot = nullptr;
    std::vector<NameId>* ids = nullptr;
    NameId operator()(NameId id) const { return ids == nullptr ? id : map(id); }
    NameId map(NameId id) const;
  };
  SnapshotIds snapshot_name_mapper(Snapshot& snapshot) const;
  // The slow path: builds next_ by name, sorts it and swaps it in. The first `applied` batches were
  // already updated in place, so their entries are copied rather than advanced again.
  void rebuild(std::span<const ScrapeResult> scrapes, std::size_t applied);
  // The old generation's entry for a key in the old generation's ids, or nullptr.
  const NodeEntry* find_old_node(NameId old_name) const;
  const ContainerEntry* find_old_container(NameId ns, NameId pod, NameId container) const;

  std::int64_t resolution_ns_;
  RateStoreOptions options_;
  Generation cur_;   // the state produce() reads
  Generation next_;  // built by update(), then swapped with cur_

  // Derived from cur_ by every update(); see ServedContainer.
  std::vector<ServedContainer> served_;
  std::vector<PodRange> pods_;
  GoSecondsCache seconds_;
  std::vector<ServedContainer> fresh_served_;  // rebuild(): next_.containers' usage, in batch order

  std::vector<DroppedNode> dropped_nodes_;
  std::size_t dropped_pods_ = 0;
  std::size_t dropped_containers_ = 0;
  bool last_update_in_place_ = false;
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
  mutable std::vector<NameId> snapshot_ids_;  // cur_ name id -> snapshot name id, for produce()
};

}  // namespace mpf::core
