#pragma once

/// @file
/// What standalone mode says about this machine as a Node: the facts a kubelet registers
/// (capacity, node info, boot time), read from /proc, /etc and uname. Read once at start.

#include <cstdint>
#include <string>
#include <string_view>

namespace mpf::api::metrics {

struct LocalNodeFacts {
  /// gethostname(), lowercased as the kubelet's default node name is.
  std::string hostname;
  /// Online CPUs (cAdvisor's NumCores): the Node's cpu capacity.
  int cpus = 0;
  /// MemTotal of /proc/meminfo in bytes: the Node's memory capacity.
  std::uint64_t memory_bytes = 0;
  /// btime of /proc/stat, ns since the epoch; 0 when unknown.
  std::int64_t boot_time_ns = 0;
  std::string kernel_version;    ///< uname -r
  std::string os_image;          ///< PRETTY_NAME of os-release
  std::string architecture;      ///< Go's GOARCH name: amd64, arm64, ...
  std::string machine_id;        ///< /etc/machine-id
  std::string boot_id;           ///< /proc/sys/kernel/random/boot_id
};

/// Reads the facts under `proc_root` (normally /proc) and `etc_root` (normally /etc). Missing files
/// leave their fields empty or zero; the CPU count falls back to 1 and memory to 0 rather than failing.
LocalNodeFacts read_local_node_facts(const std::string& proc_root = "/proc", const std::string& etc_root = "/etc");

/// uname's machine name as Go's GOARCH: x86_64 -> amd64, aarch64 -> arm64, i686 -> 386, ...
std::string go_arch(std::string_view uname_machine);

/// MemTotal of a /proc/meminfo text in bytes; 0 when absent or malformed.
std::uint64_t meminfo_total_bytes(std::string_view meminfo);

/// btime of a /proc/stat text in seconds; 0 when absent or malformed.
std::int64_t proc_stat_boot_seconds(std::string_view stat);

/// PRETTY_NAME of an os-release text, unquoted; "Linux" when absent (what the kubelet shows then).
std::string os_release_pretty_name(std::string_view os_release);

}  // namespace mpf::api::metrics
