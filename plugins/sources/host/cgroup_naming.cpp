#include "cgroup_naming.h"

#include <algorithm>

namespace mpf::sources::host {
namespace {

constexpr std::size_t kMaxNameLength = 253;  // a DNS subdomain, the longest Kubernetes object name

bool strip_prefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

bool strip_suffix(std::string_view& text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return false;
  text.remove_suffix(suffix.size());
  return true;
}

// `<prefix><id>.scope` -> id, when the middle is a container id.
std::optional<std::string_view> scoped_id(std::string_view name, std::string_view prefix) {
  if (!strip_prefix(name, prefix) || !strip_suffix(name, ".scope") || !is_container_id(name)) return std::nullopt;
  return name;
}

// A pod UID as the kubelet writes it: hex digits and dashes (or underscores in systemd slice names).
bool looks_like_uid(std::string_view text) {
  return text.size() >= 8 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-' || c == '_';
         });
}

}  // namespace

std::string sanitize_name(std::string_view text) {
  std::string out(text.substr(0, kMaxNameLength));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      c = '-';
    }
  }
  return out;
}

std::string_view short_id(std::string_view id) { return id.substr(0, 12); }

bool is_container_id(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<std::string> pod_uid_of(std::string_view name) {
  std::string_view uid = name;
  if (strip_prefix(uid, "pod")) {
    // cgroupfs: pod<uid>; a systemd name never starts with "pod".
  } else if (strip_prefix(uid, "kubepods-") && strip_suffix(uid, ".slice")) {
    // systemd: kubepods-pod<uid>.slice or kubepods-<qos>-pod<uid>.slice
    if (!strip_prefix(uid, "pod") && !strip_prefix(uid, "burstable-pod") && !strip_prefix(uid, "besteffort-pod")) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (!looks_like_uid(uid)) return std::nullopt;
  std::string out(uid);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool is_kubepods_dir(std::string_view name, bool in_kubepods) {
  if (name == "kubepods" || name == "kubepods.slice" || name == "kubepods-burstable.slice" ||
      name == "kubepods-besteffort.slice") {
    return true;
  }
  return in_kubepods && (name == "burstable" || name == "besteffort");
}

PodChild pod_child_of(std::string_view name) {
  if (is_runtime_monitor(name)) return PodChild{name, false, true};
  for (std::string_view prefix : {"cri-containerd-", "crio-", "docker-"}) {
    if (std::optional<std::string_view> id = scoped_id(name, prefix)) return PodChild{*id, true, false};
  }
  if (is_container_id(name)) return PodChild{name, true, false};
  return PodChild{name, false, false};
}

std::optional<RuntimeContainer> runtime_container_of(std::string_view name, std::string_view parent_path) {
  if (std::optional<std::string_view> id = scoped_id(name, "docker-")) return RuntimeContainer{"docker", *id, true};
  if (std::optional<std::string_view> id = scoped_id(name, "libpod-")) return RuntimeContainer{"podman", *id, false};
  if (std::optional<std::string_view> id = scoped_id(name, "nerdctl-")) {
    return RuntimeContainer{"containerd", *id, false};
  }
  if (parent_path == "/docker" && is_container_id(name)) return RuntimeContainer{"docker", name, true};
  return std::nullopt;
}

bool is_runtime_monitor(std::string_view name) {
  return scoped_id(name, "crio-conmon-").has_value() || scoped_id(name, "libpod-conmon-").has_value();
}

std::optional<std::string_view> slice_name_of(std::string_view name) {
  if (!strip_suffix(name, ".slice") || name.empty()) return std::nullopt;
  return name;
}

std::optional<std::string_view> unit_name_of(std::string_view name) {
  if ((!strip_suffix(name, ".service") && !strip_suffix(name, ".scope")) || name.empty()) return std::nullopt;
  return name;
}

std::string leaf_namespace_of(std::string_view parent_path) {
  while (!parent_path.empty() && parent_path.front() == '/') parent_path.remove_prefix(1);
  if (parent_path.empty()) return "host";
  std::string dotted(parent_path);
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  return sanitize_name(dotted);
}

}  // namespace mpf::sources::host
