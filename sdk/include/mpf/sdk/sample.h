#pragma once

/// @file
/// What one scrape of one target yields: raw, cumulative samples per node, pod and container.
/// Rates are not computed here; the aggregation stage turns two consecutive samples into usage.

#include <cstdint>
#include <string>
#include <vector>

#include "mpf/sdk/names.h"

namespace mpf {

/// Which fields of a Sample carry a value. A zero value with its bit set is a real zero (a kubelet
/// reporting 0 CPU); a missing bit means the source did not report the field at all.
enum SampleField : std::uint16_t {
  kHasCpu = 1u << 0,              ///< cpu_usage_core_ns
  kHasMemory = 1u << 1,           ///< memory_working_set_bytes
  kHasStartTime = 1u << 2,        ///< start_time_ns
  kHasSwap = 1u << 3,             ///< swap_usage_bytes
  kHasEphemeralStorage = 1u << 4, ///< ephemeral_storage_bytes
  kHasCpuRate = 1u << 5,          ///< cpu_rate_nanocores (a rate computed by the source itself)
};

/// One measurement of one node, pod or container. 64 bytes, no heap.
struct Sample {
  /// When the values were measured (the kubelet's stats time), nanoseconds since the Unix epoch.
  std::int64_t timestamp_ns = 0;
  /// When the container (or node) started, nanoseconds since the Unix epoch; see kHasStartTime.
  std::int64_t start_time_ns = 0;
  /// Cumulative CPU time consumed, in core-nanoseconds.
  std::uint64_t cpu_usage_core_ns = 0;
  /// Memory working set (usage minus inactive file cache), bytes.
  std::uint64_t memory_working_set_bytes = 0;
  /// Swap in use, bytes (optional resource).
  std::uint64_t swap_usage_bytes = 0;
  /// Ephemeral storage in use, bytes (optional resource).
  std::uint64_t ephemeral_storage_bytes = 0;
  /// A CPU rate the source computed itself (e.g. the kubelet summary's usageNanoCores), nanocores.
  std::uint64_t cpu_rate_nanocores = 0;
  /// Bits of SampleField.
  std::uint16_t present = 0;

  bool has(SampleField f) const { return (present & f) != 0; }
};

/// A container's sample; names are ids into the owning NodeBatch's name table.
struct ContainerSample {
  NameId namespace_name = kEmptyName;
  NameId pod_name = kEmptyName;
  NameId container_name = kEmptyName;
  Sample sample;
};

/// A pod-level sample as the source reports it (includes the pod sandbox, which containers do not).
struct PodSample {
  NameId namespace_name = kEmptyName;
  NameId pod_name = kEmptyName;
  Sample sample;
};

/// The result of scraping one target (normally one node). Written by one source call, then frozen
/// and shared read-only with the aggregation stage.
///
/// A NodeBatch may be reused across cycles: clear() keeps every buffer's capacity, so a source that
/// fills a reused batch allocates nothing per sample in steady state.
class NodeBatch {
 public:
  /// The node (target) name.
  std::string node_name;
  /// The node-level sample; meaningful when has_node_sample is true.
  Sample node_sample;
  bool has_node_sample = false;
  /// Names used by pods and containers.
  NameTable names;
  std::vector<PodSample> pods;
  std::vector<ContainerSample> containers;

  void set_node(const Sample& sample) {
    node_sample = sample;
    has_node_sample = true;
  }

  /// Adds a container sample; the three names are interned.
  ContainerSample& add_container(std::string_view namespace_name, std::string_view pod_name,
                                 std::string_view container_name, const Sample& sample) {
    ContainerSample& c = containers.emplace_back();
    c.namespace_name = names.intern(namespace_name);
    c.pod_name = names.intern(pod_name);
    c.container_name = names.intern(container_name);
    c.sample = sample;
    return c;
  }

  /// Adds a pod-level sample.
  PodSample& add_pod(std::string_view namespace_name, std::string_view pod_name, const Sample& sample) {
    PodSample& p = pods.emplace_back();
    p.namespace_name = names.intern(namespace_name);
    p.pod_name = names.intern(pod_name);
    p.sample = sample;
    return p;
  }

  void clear() {
    node_name.clear();
    node_sample = Sample{};
    has_node_sample = false;
    names.clear();
    pods.clear();
    containers.clear();
  }
};

}  // namespace mpf
