#include "host_reader.h"

#include <set>
#include <tuple>
#include <utility>

#include "cgroup_stats.h"
#include "cgroup_walk.h"
#include "node_reader.h"
#include "workload_names.h"

namespace mpf::sources::host {

HostReader::HostReader(HostReaderOptions options) : options_(std::move(options)) {}

CgroupLayout HostReader::detect_layout() const { return detect_cgroup_layout(options_.cgroup_root); }

ScrapeOutcome HostReader::read(NodeBatch& batch, std::int64_t now_ns, std::chrono::steady_clock::time_point deadline,
                               HostReadCounts& counts) const {
  const CgroupLayout layout = detect_layout();
  counts.mode = layout.mode;
  Result<Sample> node = read_node_sample(layout, options_.proc_root, now_ns);
  if (!node) return ScrapeOutcome::failure(FailureReason::kInternal, node.status());
  batch.set_node(*node);

  const WorkloadNames names =
      WorkloadNames::load(options_.pod_log_dir, options_.container_log_dir, options_.docker_root);
  const WalkResult walk = walk_cgroups(layout, names, deadline);
  counts.unpopulated += walk.unpopulated;
  if (walk.timed_out) {
    return ScrapeOutcome::failure(FailureReason::kTimeout,
                                  Status::retryable("host: the deadline passed while walking " + options_.cgroup_root));
  }

  std::set<std::tuple<std::string_view, std::string_view, std::string_view>> seen;  // views into walk
  std::size_t pods = 0;
  for (const WorkloadCgroup& cgroup : walk.cgroups) {
    const CgroupStats stats = read_cgroup_stats(layout, cgroup.path);
    // The kubelet reports both values or none; a one-sided sample would be dropped downstream anyway.
    if (!stats.cpu_core_ns || !stats.working_set_bytes) {
      ++counts.incomplete;
      continue;
    }
    if (!seen.emplace(cgroup.namespace_name, cgroup.pod_name, cgroup.container_name).second) {
      ++counts.dropped_duplicate;
      continue;
    }
    const bool is_pod = cgroup.kind == WorkloadCgroup::Kind::kPod;
    const std::size_t kept = is_pod ? pods : batch.containers.size();
    if (kept >= options_.max_containers) {
      ++counts.dropped_limit;
      continue;
    }
    Sample sample;
    sample.timestamp_ns = now_ns;
    sample.cpu_usage_core_ns = *stats.cpu_core_ns;
    sample.memory_working_set_bytes = *stats.working_set_bytes;
    sample.present = kHasCpu | kHasMemory;
    if (stats.start_time_ns) {
      sample.start_time_ns = *stats.start_time_ns;
      sample.present |= kHasStartTime;
    }
    if (is_pod) {
      batch.add_pod(cgroup.namespace_name, cgroup.pod_name, sample);
      ++pods;
    } else {
      batch.add_container(cgroup.namespace_name, cgroup.pod_name, cgroup.container_name, sample);
    }
  }
  return ScrapeOutcome::success();
}

}  // namespace mpf::sources::host
