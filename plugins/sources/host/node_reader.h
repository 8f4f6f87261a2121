#pragma once

// The node-level sample, as the kubelet reports it from the root cgroup (cAdvisor's "/" container),
// with /proc as the fallback on a machine without the needed cgroup controllers.

#include <cstdint>
#include <string>

#include "cgroup_layout.h"
#include "mpf/sdk/sample.h"
#include "mpf/sdk/status.h"

namespace mpf::sources::host {

/// Reads the node: CPU from the root cgroup (v1 cpuacct.usage; v2 and hybrid-without-cpuacct cpu.stat
/// usage_usec x 1000), else /proc/stat's busy ticks; working set from the root memory cgroup (v1
/// memory.usage_in_bytes - total_inactive_file; v2 memory.stat anon + file - inactive_file, as runc
/// does for the root, which has no memory.current), else /proc/meminfo MemTotal - MemFree -
/// Inactive(file); start time = /proc/stat btime. Fails (naming the files tried) only when neither CPU
/// nor memory could be read.
Result<Sample> read_node_sample(const CgroupLayout& layout, const std::string& proc_root, std::int64_t now_ns);

}  // namespace mpf::sources::host
