#pragma once

// Walks the cgroup hierarchies of a layout and maps each cgroup that holds a workload to the names the
// source reports (namespace, pod, container), following the rules of cgroup_naming.h and README.md.
// The walk only finds and names cgroups; host_reader reads their values.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cgroup_layout.h"
#include "workload_names.h"

namespace mpf::sources::host {

/// A cgroup that maps to a workload.
struct WorkloadCgroup {
  enum class Kind : std::uint8_t {
    kPod,        ///< a Kubernetes pod cgroup (its sandbox included); container_name is empty
    kContainer,  ///< anything reported as a container
  };
  Kind kind = Kind::kContainer;
  /// Relative to the hierarchy roots, e.g. "/system.slice/ssh.service".
  std::string path;
  std::string namespace_name;
  std::string pod_name;
  std::string container_name;
};

struct WalkResult {
  /// In walk order (children sorted by name); a pod comes before its containers.
  std::vector<WorkloadCgroup> cgroups;
  /// Cgroups skipped because no process runs in them or below.
  std::size_t unpopulated = 0;
  /// True when the deadline passed before the walk ended; `cgroups` is then incomplete.
  bool timed_out = false;
};

/// Walks v2: the unified hierarchy; v1 and hybrid: the union of the paths of the cpuacct and memory
/// hierarchies. Symlinks are not followed and the walk stops kMaxCgroupDepth levels down. Does not
/// throw for vanished directories (they are skipped), only std::bad_alloc.
WalkResult walk_cgroups(const CgroupLayout& layout, const WorkloadNames& names,
                        std::chrono::steady_clock::time_point deadline);

}  // namespace mpf::sources::host
