#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// A deterministic model of a Kubernetes cluster for the simulated kubelets (tests/sim/kubelet_farm) and
// anything else that must agree with them (a fake kube-apiserver, benchmarks). Everything is a pure
// function of ModelConfig plus the sequence of rename_pods() calls: two processes that build the model
// from the same config see the same nodes, pods, containers, rates and counters.
//
// Time model. Each container runs at a constant CPU rate (nanocores) and has a constant working set. Its
// cumulative CPU at time t is rate * (t - start) / 1e9 in exact integer nanoseconds, so Δcpu/Δt over two
// samples gives the rate back to within one nanocore. A pod's counter is its containers' plus its
// sandbox's; a node's is its pods' plus a system share. Like cAdvisor, the model takes stats on a
// housekeeping tick (ModelConfig::stats_interval_ms, per-entity phase), so samples carry their own
// timestamps, a little older than the request, and differ from series to series.
//
// Thread safety: const methods may be called concurrently; the mutators must not overlap with anything.

namespace mpf::sim {

// 2026-01-01T00:00:00Z. Start times are placed before the anchor; the farm uses its own start time.
inline constexpr int64_t kDefaultAnchorUnixNs = 1767225600LL * 1000000000LL;

// rename_pods(g) renames the pods of one churn slot out of this many, so that generations 1..10 rename
// every pod exactly once.
inline constexpr uint32_t kChurnSlots = 10;

struct ModelConfig {
  uint64_t seed = 1;                    // Default: 1.
  uint32_t nodes = 3;                   // Default: 3.
  uint32_t pods_per_node = 30;          // Default: 30 (the metrics-server scalability envelope).
  uint32_t containers_per_pod = 2;      // Default: 2.
  int64_t anchor_unix_ns = kDefaultAnchorUnixNs;  // Default: 2026-01-01T00:00:00Z.
  // Default: 10 s, cAdvisor's housekeeping interval: a sample is up to this old when served.
  // 0: every sample is taken at the time of the request.
  int64_t stats_interval_ms = 10000;
};

struct Label {
  std::string name;
  std::string value;
};

struct ContainerSpec {
  std::string name;
  int64_t start_unix_ns = 0;         // First start (container restarts and reboots move it at run time).
  int64_t start_delay_ns = 0;        // After the pod's start; reused when the pod comes back after a reboot.
  uint64_t cpu_nanocores = 0;        // Constant CPU rate.
  uint64_t working_set_bytes = 0;    // Constant working set, a multiple of the 4 KiB page.
  uint64_t memory_limit_bytes = 0;   // 0: no limit (the summary then omits availableBytes).
  int64_t stats_phase_ms = 0;        // Offset of this container's housekeeping tick.
};

struct PodSpec {
  std::string namespace_name;
  std::string name;
  std::string uid;
  std::string app;                   // Value of the "app" label; also the owner's name.
  std::string_view phase = "Running";  // Every simulated pod runs (metrics-server only watches Running pods).
  bool daemon_set = false;           // Named <app>-<suffix> instead of <app>-<template hash>-<suffix>.
  std::vector<Label> labels;         // Sorted by name.
  int64_t start_unix_ns = 0;
  int64_t reboot_delay_ns = 0;       // How long after a node reboot the pod comes back.
  uint64_t sandbox_cpu_nanocores = 0;     // The pause container and pod cgroup overhead.
  uint64_t sandbox_memory_bytes = 0;
  int64_t stats_phase_ms = 0;
  uint32_t churn_slot = 0;           // In [0, kChurnSlots).
  uint32_t renames = 0;              // How many times rename_pods() replaced this pod.
  uint32_t template_generation = 0;  // Generation whose rename created this pod (0: the original).
  std::vector<ContainerSpec> containers;
};

struct NodeSpec {
  std::string name;                  // node-00001, node-00002, ...
  std::string address;               // InternalIP, a unique loopback address (see node_address()).
  std::vector<Label> labels;         // Sorted by name.
  std::string instance_type;
  uint64_t capacity_millicores = 0;
  uint64_t allocatable_millicores = 0;
  uint64_t capacity_memory_bytes = 0;
  uint64_t allocatable_memory_bytes = 0;
  uint32_t capacity_pods = 110;
  uint64_t swap_capacity_bytes = 0;  // 0 on most nodes; swap usage is always 0.
  int64_t boot_unix_ns = 0;
  uint64_t system_cpu_nanocores = 0;      // OS, kubelet and runtime: node minus its pods.
  uint64_t system_memory_bytes = 0;
  int64_t stats_phase_ms = 0;
  std::vector<PodSpec> pods;
};

// How a node's counters behave over time. Set by fault injection; kNormal unless told otherwise.
enum class CounterMode : uint8_t {
  kNormal,
  kZero,               // Every CPU and memory value is 0 (the broken cgroup v2 kubelet of KNOWN_ISSUES).
  kContainerRestarts,  // The first container of every pod restarts every period: start moves, counter resets.
  kNodeReboots,        // The node reboots every period: its counter resets and all its pods restart.
};

struct UsageSample {
  int64_t time_ms = 0;               // Stats time (ms since the epoch), at or before the request.
  uint64_t cpu_core_ns = 0;          // Cumulative CPU in core-nanoseconds.
  uint64_t working_set_bytes = 0;
};

struct NodeSample {
  int64_t boot_unix_ns = 0;          // Moves forward on each reboot in kNodeReboots.
  UsageSample usage;
};

struct PodSample {
  bool reported = false;             // false: the pod (re)started after the stats time; kubelet omits it.
  int64_t start_unix_ns = 0;
  UsageSample usage;
};

struct ContainerSample {
  bool reported = false;             // false: the container (re)started after its stats time.
  int64_t start_unix_ns = 0;
  UsageSample usage;
};

// (pod, container) indices within a node.
struct ContainerRef {
  uint32_t pod = 0;
  uint32_t container = 0;
};

class ClusterModel {
 public:
  explicit ClusterModel(const ModelConfig& config);

  const ModelConfig& config() const { return config_; }
  std::span<const NodeSpec> nodes() const { return nodes_; }
  const NodeSpec& node(size_t index) const { return nodes_[index]; }
  std::optional<size_t> find_node(std::string_view name) const;

  // The generation of the last rename_pods() call; 0 before any.
  uint32_t generation() const { return generation_; }

  // The name and InternalIP of node `index` (0-based): node-00001 and 127.1.0.1 for index 0. Addresses
  // count up through 127.x.y.z skipping host bytes 0 and 255 (127.1.0.254 is followed by 127.1.1.1).
  static std::string node_name(uint32_t index);
  static std::string node_address(uint32_t index);

  // Counter behaviour of one node; `period_ns` is the restart or reboot interval, counted from the
  // anchor (the first event happens at anchor + period).
  void set_counter_mode(size_t node, CounterMode mode, int64_t period_ns);
  CounterMode counter_mode(size_t node) const { return state_[node].mode; }
  int64_t counter_period_ns(size_t node) const { return state_[node].period_ns; }

  // Samples as the kubelet of `node` would serve them for a request at `now_ms`.
  NodeSample sample_node(size_t node, int64_t now_ms) const;
  PodSample sample_pod(size_t node, size_t pod, int64_t now_ms) const;
  ContainerSample sample_container(size_t node, size_t pod, size_t container, int64_t now_ms) const;

  // The stats time of an entity with housekeeping phase `phase_ms` for a request at `now_ms`.
  int64_t stats_time_ms(int64_t now_ms, int64_t phase_ms) const;

  // Expected rates and working sets: what a consumer must compute from two samples (0 under kZero).
  uint64_t container_cpu_nanocores(size_t node, size_t pod, size_t container) const;
  uint64_t container_working_set_bytes(size_t node, size_t pod, size_t container) const;
  uint64_t pod_cpu_nanocores(size_t node, size_t pod) const;
  uint64_t pod_working_set_bytes(size_t node, size_t pod) const;
  uint64_t node_cpu_nanocores(size_t node) const;
  uint64_t node_working_set_bytes(size_t node) const;

  // Containers of a node ordered as Prometheus orders their series (by container, namespace, pod name),
  // and pods by (namespace, name).
  std::span<const ContainerRef> container_series_order(size_t node) const { return state_[node].container_order; }
  std::span<const uint32_t> pod_series_order(size_t node) const { return state_[node].pod_order; }

  // Replaces the pods of churn slot (generation - 1) % kChurnSlots on every node by new pods with new
  // names and uids (same app, rates and working sets), started at `at_unix_ns`. Call with generations
  // 1, 2, 3, ... and non-decreasing times; samples are meaningful for times at or after the last call.
  void rename_pods(uint32_t generation, int64_t at_unix_ns);

 private:
  // A replaced pod's CPU stays in its node's counter. The pod itself is kept for a while because the
  // node's stats time lags the request: a sample taken just before the rename still sees it running.
  struct Retired {
    int64_t at_unix_ns = 0;
    bool has_pod = false;
    PodSpec pod;               // When has_pod.
    uint64_t cpu_core_ns = 0;  // When !has_pod: the CPU the pods had used by at_unix_ns.
  };
  struct NodeState {
    CounterMode mode = CounterMode::kNormal;
    int64_t period_ns = 0;
    std::vector<ContainerRef> container_order;
    std::vector<uint32_t> pod_order;
    std::vector<Retired> retired;
  };

  void build_node(uint32_t index);
  void name_pod(uint32_t node, uint32_t pod, PodSpec& spec) const;
  void sort_series(uint32_t node);

  int64_t boot_at(size_t node, int64_t t_ns) const;
  int64_t last_event(size_t node, int64_t t_ns) const;
  int64_t pod_start_at(size_t node, const PodSpec& pod, int64_t boot_ns) const;
  int64_t container_start_at(size_t node, const PodSpec& pod, const ContainerSpec& container, int64_t boot_ns) const;
  uint64_t pod_cpu_at(size_t node, const PodSpec& pod, int64_t t_ns, int64_t boot_ns) const;
  uint64_t pod_working_set_at(size_t node, const PodSpec& pod, int64_t t_ns, int64_t boot_ns) const;

  ModelConfig config_;
  std::vector<NodeSpec> nodes_;
  std::vector<NodeState> state_;
  uint32_t generation_ = 0;
};

}  // namespace mpf::sim
