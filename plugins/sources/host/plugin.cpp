// Entry point of the `host` source: options, factory, registration. The reading is in host_reader.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "host_config.h"
#include "host_source.h"
#include "mpf/sdk/plugin.h"

namespace mpf::sources::host {

const OptionSet<HostConfig>& host_options() {
  static const auto options =
      OptionSet<HostConfig>()
          .add("node_name", &HostConfig::node_name, "Node name to report; empty: the host name, lowercased.")
          .add("cgroup_root", &HostConfig::cgroup_root, "Where the cgroup hierarchies are mounted.")
          .add("proc_root", &HostConfig::proc_root, "Where procfs is mounted.")
          .add("pod_log_dir", &HostConfig::pod_log_dir, "The kubelet's pod log directory (names pod UIDs).")
          .add("container_log_dir", &HostConfig::container_log_dir,
               "The kubelet's container log directory (names container ids).")
          .add("docker_root", &HostConfig::docker_root, "Docker's container directory (config.v2.json names).")
          .add("max_containers", &HostConfig::max_containers,
               "Containers (and pod samples) reported per scrape; the rest are dropped and counted.");
  return options;
}

namespace {

// The kubelet's default node name: the host name, lowercased.
Result<std::string> this_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    return Status::invalid_argument("node_name: empty and the host name cannot be read; set node_name");
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

Result<SourcePtr> create_host_source(const HostConfig& config, PluginContext& context) {
  std::string node_name = config.node_name;
  if (node_name.empty()) {
    Result<std::string> host_name = this_host_name();
    if (!host_name) return host_name.status();
    node_name = std::move(*host_name);
  }
  HostReaderOptions options{config.cgroup_root,       config.proc_root,   config.pod_log_dir,
                            config.container_log_dir, config.docker_root, config.max_containers};
  return SourcePtr(std::make_unique<HostSource>(std::move(node_name), std::move(options), context));
}

}  // namespace
}  // namespace mpf::sources::host

MPF_SOURCE_PLUGIN(host, "0.1.0",
                  "Reads this machine's cgroups (v1, v2, hybrid) and /proc as a kubelet does: node, pods, containers.",
                  mpf::sources::host::host_options, mpf::sources::host::create_host_source)
