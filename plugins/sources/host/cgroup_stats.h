#pragma once

// Reads one cgroup's values the way cAdvisor does, across every hierarchy of the layout that holds the
// cgroup's path. Paths are relative to the hierarchy roots: "" is the root, "/system.slice/ssh.service"
// a unit. A file that is missing, vanished or malformed leaves its value empty; callers skip the cgroup.

#include <cstdint>
#include <optional>
#include <string>

#include "cgroup_layout.h"

namespace mpf::sources::host {

struct CgroupStats {
  /// Cumulative CPU time, core-nanoseconds: v1 cpuacct.usage, v2 cpu.stat usage_usec x 1000.
  std::optional<std::uint64_t> cpu_core_ns;
  /// Working set: v1 memory.usage_in_bytes - total_inactive_file, v2 memory.current - inactive_file.
  std::optional<std::uint64_t> working_set_bytes;
  /// Creation time, ns since the epoch: the lowest mtime of the cgroup directory and of its
  /// cgroup.clone_children (v1) or cgroup.events (v2), over the hierarchies holding the path.
  std::optional<std::int64_t> start_time_ns;
};

/// Reads a non-root cgroup. Hybrid: a path missing from the cpuacct hierarchy takes its CPU time from
/// the unified hierarchy's cpu.stat, when the path exists there.
CgroupStats read_cgroup_stats(const CgroupLayout& layout, const std::string& path);

/// v2 cpu.stat usage_usec x 1000 of the directory `dir`.
std::optional<std::uint64_t> read_v2_cpu(const std::string& dir);
/// v1 cpuacct.usage of the directory `dir`.
std::optional<std::uint64_t> read_v1_cpu(const std::string& dir);
/// v1 memory.usage_in_bytes minus memory.stat's total_inactive_file (0 when the key is absent, as
/// in cAdvisor); nullopt when either file is missing or malformed.
std::optional<std::uint64_t> read_v1_working_set(const std::string& dir);

/// The most directories a populated check or the walk descends through.
inline constexpr int kMaxCgroupDepth = 16;

/// Whether any process runs in the cgroup or below it. v2: `populated 1` in cgroup.events. v1: a pid
/// in the cgroup.procs of the directory or of a descendant (the scan stops at the first pid) in any
/// v1 hierarchy holding the path. A vanished cgroup is not populated.
bool cgroup_populated(const CgroupLayout& layout, const std::string& path);

}  // namespace mpf::sources::host
