#pragma once

// Which cgroup hierarchies this machine mounts under the cgroup root, and where. The same machine can
// be read three ways: cgroup v1 (one hierarchy per controller), v2 (one unified hierarchy) or hybrid
// (v1 controllers plus a cgroup2 mount at `unified/`, systemd's default on older distributions).

#include <string>

namespace mpf::sources::host {

enum class CgroupMode { kNone, kV1, kHybrid, kV2 };

/// "none", "v1", "hybrid" or "v2".
const char* cgroup_mode_name(CgroupMode mode);

/// Absolute directories of the hierarchies the reader uses; empty when not mounted.
struct CgroupLayout {
  CgroupMode mode = CgroupMode::kNone;
  /// v1/hybrid: the cpuacct hierarchy (`cpuacct`, or the combined `cpu,cpuacct` / `cpuacct,cpu`).
  std::string cpuacct;
  /// v1/hybrid: the memory hierarchy.
  std::string memory;
  /// v2: the cgroup root itself; hybrid: `<root>/unified`.
  std::string unified;
};

/// Looks at `cgroup_root` (normally /sys/fs/cgroup): v2 when it holds cgroup.controllers; v1 when a
/// cpuacct or memory controller directory exists, hybrid when `unified/cgroup.controllers` exists
/// too; v2 at `unified/` when only that exists; otherwise kNone (the reader falls back to /proc).
CgroupLayout detect_cgroup_layout(const std::string& cgroup_root);

}  // namespace mpf::sources::host
