#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tests/sim/atomic_file.h"  // write_file_atomically, for the files written from here
#include "mpf/sdk/status.h"
#include "tests/sim/cluster_model.h"
#include "tests/sim/fault_plan.h"

// The farm's state file: what every simulated node does and what a correct consumer must compute from it.

namespace mpf::sim {

struct ExpectContext {
  uint16_t port = 0;
  bool tls = true;
  int64_t cycle_ms = 0;
  int64_t slow_delay_ms = 0;
};

// JSON (one object):
//   config: seed, nodes, pods_per_node, containers_per_pod, anchor_unix_ns, stats_interval_ms, port,
//           scheme, cycle_ms, slow_delay_ms
//   generation: the last rename_pods() generation
//   nodes: [{name, address, fault, cpu_nanocores, memory_bytes, boot_unix_ns, reboot_every_ms?,
//            pods: [{namespace, name, uid, cpu_nanocores, memory_bytes, cgroup_cpu_nanocores,
//                    cgroup_memory_bytes, containers: [{name, cpu_nanocores, memory_bytes, start_unix_ns,
//                    restart_every_ms?}]}]}]
// Pod cpu_nanocores/memory_bytes are the sums of the containers (what the Metrics API serves); the
// cgroup_ figures include the pod sandbox (what pod_* series carry). Rates are nanocores, memory bytes,
// and everything is 0 for nodes in fault mode "zero".
void render_expect_json(const ClusterModel& model, std::span<const FaultMode> faults, const ExpectContext& context,
                        std::string& out);

}  // namespace mpf::sim
