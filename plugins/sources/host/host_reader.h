#pragma once

// One scrape of this machine: the node sample plus one sample per workload cgroup, written into a
// NodeBatch. Stateless between calls, so overlapping scrapes are safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "cgroup_layout.h"
#include "mpf/sdk/sample.h"
#include "mpf/sdk/source.h"

namespace mpf::sources::host {

struct HostReaderOptions {
  std::string cgroup_root = "/sys/fs/cgroup";
  std::string proc_root = "/proc";
  std::string pod_log_dir = "/var/log/pods";
  std::string container_log_dir = "/var/log/containers";
  std::string docker_root = "/var/lib/docker/containers";
  /// Containers (and, separately, pod-level samples) kept per scrape; the rest are dropped and counted.
  std::size_t max_containers = 2000;
};

/// What one read skipped, for the source's self-metrics.
struct HostReadCounts {
  CgroupMode mode = CgroupMode::kNone;
  /// Containers, and pod-level samples, beyond max_containers.
  std::size_t dropped_limit = 0;
  /// Containers (or pods) whose (namespace, pod, container) an earlier cgroup already had.
  std::size_t dropped_duplicate = 0;
  /// Cgroups whose CPU or memory could not be read (vanished mid-walk, malformed, controller absent).
  std::size_t incomplete = 0;
  /// Cgroups without processes.
  std::size_t unpopulated = 0;
};

class HostReader {
 public:
  explicit HostReader(HostReaderOptions options);

  /// The cgroup layout under cgroup_root now.
  CgroupLayout detect_layout() const;

  /// Fills `batch` (node sample, pods, containers) with values measured at `now_ns`. Fails with
  /// kInternal when the node sample cannot be read at all, with kTimeout when `deadline` passes
  /// during the walk. Does not throw except std::bad_alloc.
  ScrapeOutcome read(NodeBatch& batch, std::int64_t now_ns, std::chrono::steady_clock::time_point deadline,
                     HostReadCounts& counts) const;

  const HostReaderOptions& options() const { return options_; }

 private:
  HostReaderOptions options_;
};

}  // namespace mpf::sources::host
