#pragma once

// The pure half of the cgroup walk: what a cgroup directory name says about the workload in it
// (a Kubernetes pod, a container runtime's container, a systemd unit, a slice) and the names the
// source reports for it. No I/O; README.md lists every rule with an example path.

#include <optional>
#include <string>
#include <string_view>

namespace mpf::sources::host {

/// Kubernetes object-name rules: lowercase, characters outside [a-z0-9.-] become '-', at most 253
/// characters. "User@1000_X" -> "user-1000-x".
std::string sanitize_name(std::string_view text);

/// The first 12 characters of a container id, as `docker ps` and crictl show it.
std::string_view short_id(std::string_view id);

/// True for a container id as runtimes write it in cgroup names: 64 lowercase hex digits.
bool is_container_id(std::string_view text);

/// The pod UID (with dashes) of a pod cgroup: `pod<uid>` (cgroupfs driver) or
/// `kubepods-[<qos>-]pod<uid_with_underscores>.slice` (systemd driver); nullopt for anything else.
std::optional<std::string> pod_uid_of(std::string_view dir_name);

/// True for the Kubernetes directories between the root and the pods: `kubepods`, `kubepods.slice`,
/// `kubepods-burstable.slice`, `kubepods-besteffort.slice`, and `burstable`/`besteffort` inside a
/// kubepods tree (`in_kubepods`).
bool is_kubepods_dir(std::string_view dir_name, bool in_kubepods);

/// A pod's child cgroup, read as a container.
struct PodChild {
  /// The container id when the name carries one, else the whole name.
  std::string_view id;
  /// True when `id` is a runtime id (it is shortened when no better name is known).
  bool has_id = false;
  /// True for cgroups that are not containers (CRI-O's `crio-conmon-<id>.scope` monitor).
  bool ignore = false;
};

/// `cri-containerd-<id>.scope`, `crio-<id>.scope`, `docker-<id>.scope` or a bare `<64-hex id>`; any
/// other name is a container named after the directory.
PodChild pod_child_of(std::string_view dir_name);

/// A container started by a runtime outside Kubernetes.
struct RuntimeContainer {
  /// The namespace it is reported under: docker, podman or containerd.
  std::string_view namespace_name;
  std::string_view id;
  /// True for Docker, whose containers have a name in <docker_root>/<id>/config.v2.json.
  bool docker = false;
};

/// `docker-<id>.scope`, `libpod-<id>.scope`, `nerdctl-<id>.scope` (systemd driver), or an id directly
/// inside a top-level `docker` directory (cgroupfs driver, `parent_path` "/docker"). Podman's
/// `libpod-conmon-<id>.scope` is not a container (nullopt, and is_runtime_monitor() is true).
std::optional<RuntimeContainer> runtime_container_of(std::string_view dir_name, std::string_view parent_path);

/// `crio-conmon-<id>.scope` and `libpod-conmon-<id>.scope`: the runtimes' monitor processes, which
/// the kubelet does not report.
bool is_runtime_monitor(std::string_view dir_name);

/// "system.slice" -> "system"; nullopt when the name is not a slice.
std::optional<std::string_view> slice_name_of(std::string_view dir_name);

/// "ssh.service" -> "ssh", "session-2.scope" -> "session-2"; nullopt for anything else.
std::optional<std::string_view> unit_name_of(std::string_view dir_name);

/// The namespace of a plain cgroup leaf: its parent's path with '/' -> '.', sanitized; "host" at the
/// top level. "/process_api" -> "process_api", "/a/b" -> "a.b", "" -> "host".
std::string leaf_namespace_of(std::string_view parent_path);

}  // namespace mpf::sources::host
