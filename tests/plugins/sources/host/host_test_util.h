#pragma once

// Shared helpers of the host source tests: fixture paths, temp copies of fixture trees, and a batch
// turned into comparable rows.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>

#include "host_reader.h"
#include "mpf/sdk/sample.h"

namespace mpf::sources::host::test {

/// tests/fixtures/cgroup/<name>.
inline std::string fixture_tree(const std::string& name) {
  return std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/cgroup/" + name;
}

/// Reader options for a tree laid out like a machine's root: sys/fs/cgroup, proc, var/log/...
inline HostReaderOptions tree_options(const std::string& tree) {
  HostReaderOptions o;
  o.cgroup_root = tree + "/sys/fs/cgroup";
  o.proc_root = tree + "/proc";
  o.pod_log_dir = tree + "/var/log/pods";
  o.container_log_dir = tree + "/var/log/containers";
  o.docker_root = tree + "/var/lib/docker/containers";
  return o;
}

/// Copies a fixture tree into `dest` (a temp dir) so that a test may change it.
inline std::string copy_tree(const std::string& name, const std::string& dest) {
  const std::string to = dest + "/" + name;
  std::filesystem::copy(fixture_tree(name), to, std::filesystem::copy_options::recursive);
  return to;
}

/// (namespace, pod, container, cpu core-ns, working set bytes); container is "" for pod rows.
using Row = std::tuple<std::string, std::string, std::string, std::uint64_t, std::uint64_t>;

inline std::set<Row> container_rows(const NodeBatch& b) {
  std::set<Row> rows;
  for (const ContainerSample& c : b.containers) {
    rows.emplace(std::string(b.names.name(c.namespace_name)), std::string(b.names.name(c.pod_name)),
                 std::string(b.names.name(c.container_name)), c.sample.cpu_usage_core_ns,
                 c.sample.memory_working_set_bytes);
  }
  return rows;
}

inline std::set<Row> pod_rows(const NodeBatch& b) {
  std::set<Row> rows;
  for (const PodSample& p : b.pods) {
    rows.emplace(std::string(b.names.name(p.namespace_name)), std::string(b.names.name(p.pod_name)), "",
                 p.sample.cpu_usage_core_ns, p.sample.memory_working_set_bytes);
  }
  return rows;
}

/// `part` `times` times: the fixtures' container ids are a two-digit pattern repeated 32 times.
inline std::string repeat(const std::string& part, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

/// A deadline far enough away never to matter.
inline std::chrono::steady_clock::time_point no_deadline() {
  return std::chrono::steady_clock::now() + std::chrono::hours(1);
}

}  // namespace mpf::sources::host::test
