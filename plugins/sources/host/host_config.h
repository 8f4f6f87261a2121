#pragma once

#include <cstdint>
#include <string>

#include "mpf/sdk/options.h"

namespace mpf::sources::host {

struct HostConfig {
  /// The node (target) name. Empty: this machine's host name, lowercased, as the kubelet defaults it.
  std::string node_name;  // Default: ""
  /// Where the cgroup hierarchies are mounted.
  std::string cgroup_root = "/sys/fs/cgroup";  // Default: /sys/fs/cgroup
  /// Where procfs is mounted (stat, meminfo).
  std::string proc_root = "/proc";  // Default: /proc
  /// The kubelet's pod log directory: <namespace>_<pod>_<uid>/ names pod UIDs.
  std::string pod_log_dir = "/var/log/pods";  // Default: /var/log/pods
  /// The kubelet's container log links: <pod>_<namespace>_<container>-<id>.log names container ids.
  std::string container_log_dir = "/var/log/containers";  // Default: /var/log/containers
  /// Docker's container state: <id>/config.v2.json holds the container's name.
  std::string docker_root = "/var/lib/docker/containers";  // Default: /var/lib/docker/containers
  /// Containers kept per scrape (pod-level samples are bounded by the same number); the rest are
  /// dropped and counted in mpf_host_containers_dropped_total{reason="limit"}.
  std::uint32_t max_containers = 2000;  // Default: 2000
};

const OptionSet<HostConfig>& host_options();

}  // namespace mpf::sources::host
