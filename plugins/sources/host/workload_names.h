#pragma once

// Human names for the ids found in cgroup paths, from what the kubelet and Docker leave on disk:
//  - /var/log/pods/<namespace>_<pod>_<uid>/ names a pod UID;
//  - /var/log/containers/<pod>_<namespace>_<container>-<id>.log names a container id;
//  - /var/lib/docker/containers/<id>/config.v2.json holds a Docker container's "Name".
// The parsers are pure; WorkloadNames lists the two log directories once per scrape.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace mpf::sources::host {

/// A pod log directory's name, split.
struct PodLogDir {
  std::string namespace_name;
  std::string pod_name;
  std::string uid;
};

/// `<namespace>_<pod>_<uid>` (none of the three can contain '_'); nullopt for anything else.
std::optional<PodLogDir> parse_pod_log_dir(std::string_view name);

/// A container log file's name, split.
struct ContainerLogFile {
  std::string pod_name;
  std::string namespace_name;
  std::string container_name;
  std::string id;
};

/// `<pod>_<namespace>_<container>-<64-hex id>.log`; nullopt for anything else.
std::optional<ContainerLogFile> parse_container_log_file(std::string_view name);

/// The top-level "Name" of a Docker config.v2.json without its leading '/' (all of them); nullopt when the text does
/// not start as a JSON object or has no top-level string "Name". A scan, not a validating parser: it
/// stops at the first top-level "Name" and ignores keys of that name in nested objects.
std::optional<std::string> docker_name_from_config(std::string_view json);

/// The names known on this machine at one moment.
class WorkloadNames {
 public:
  /// Lists `pod_log_dir` and `container_log_dir` now (a missing directory gives no names) and
  /// remembers `docker_root` for docker_name().
  static WorkloadNames load(const std::string& pod_log_dir, const std::string& container_log_dir,
                            std::string docker_root);

  /// The pod with this UID, or null.
  const PodLogDir* pod(std::string_view uid) const;
  /// The container with this id, or null.
  const ContainerLogFile* container(std::string_view id) const;
  /// True when at least one container log file belongs to this pod.
  bool pod_has_container_logs(std::string_view namespace_name, std::string_view pod_name) const;
  /// The Docker container's name from <docker_root>/<id>/config.v2.json, or nullopt.
  std::optional<std::string> docker_name(std::string_view id) const;

  /// Adds a name as if it had been listed (load() uses these; so do tests).
  void add_pod(PodLogDir pod);
  void add_container(ContainerLogFile container);

 private:
  std::map<std::string, PodLogDir, std::less<>> pods_by_uid_;
  std::map<std::string, ContainerLogFile, std::less<>> containers_by_id_;
  std::set<std::pair<std::string, std::string>, std::less<>> pods_with_logs_;  // (namespace, pod)
  std::string docker_root_;
};

}  // namespace mpf::sources::host
