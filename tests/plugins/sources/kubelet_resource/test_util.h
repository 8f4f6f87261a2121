#pragma once

// Helpers shared by the kubelet_resource codec tests: fixture loading and lookups in a NodeBatch.

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "mpf/sdk/sample.h"

namespace mpf::sources::kubelet_resource::testing {

inline std::string fixture_path(std::string_view name) {
  return std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/kubelet/resource/" + std::string(name);
}

// The fixture's bytes; empty when it cannot be read (tests then fail on their expectations).
inline std::string read_fixture(std::string_view name) {
  std::ifstream in(fixture_path(name), std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline const ContainerSample* find_container(const NodeBatch& b, std::string_view ns, std::string_view pod,
                                             std::string_view container) {
  for (const ContainerSample& c : b.containers) {
    if (b.names.name(c.namespace_name) == ns && b.names.name(c.pod_name) == pod &&
        b.names.name(c.container_name) == container) {
      return &c;
    }
  }
  return nullptr;
}

inline const PodSample* find_pod(const NodeBatch& b, std::string_view ns, std::string_view pod) {
  for (const PodSample& p : b.pods) {
    if (b.names.name(p.namespace_name) == ns && b.names.name(p.pod_name) == pod) return &p;
  }
  return nullptr;
}

inline bool same_sample(const Sample& a, const Sample& b) {
  return a.timestamp_ns == b.timestamp_ns && a.start_time_ns == b.start_time_ns &&
         a.cpu_usage_core_ns == b.cpu_usage_core_ns && a.memory_working_set_bytes == b.memory_working_set_bytes &&
         a.swap_usage_bytes == b.swap_usage_bytes && a.ephemeral_storage_bytes == b.ephemeral_storage_bytes &&
         a.cpu_rate_nanocores == b.cpu_rate_nanocores && a.present == b.present;
}

// Same decoded content, compared by name text (ids may differ between two batches).
inline bool same_batch(const NodeBatch& a, const NodeBatch& b) {
  if (a.has_node_sample != b.has_node_sample || !same_sample(a.node_sample, b.node_sample)) return false;
  if (a.containers.size() != b.containers.size() || a.pods.size() != b.pods.size()) return false;
  for (std::size_t i = 0; i < a.containers.size(); ++i) {
    const ContainerSample& x = a.containers[i];
    const ContainerSample& y = b.containers[i];
    if (a.names.name(x.namespace_name) != b.names.name(y.namespace_name) ||
        a.names.name(x.pod_name) != b.names.name(y.pod_name) ||
        a.names.name(x.container_name) != b.names.name(y.container_name) || !same_sample(x.sample, y.sample)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.pods.size(); ++i) {
    const PodSample& x = a.pods[i];
    const PodSample& y = b.pods[i];
    if (a.names.name(x.namespace_name) != b.names.name(y.namespace_name) ||
        a.names.name(x.pod_name) != b.names.name(y.pod_name) || !same_sample(x.sample, y.sample)) {
      return false;
    }
  }
  return true;
}

}  // namespace mpf::sources::kubelet_resource::testing
