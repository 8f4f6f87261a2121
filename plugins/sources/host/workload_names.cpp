#include "workload_names.h"

#include <filesystem>
#include <vector>

#include "cgroup_naming.h"
#include "pseudo_file.h"

namespace mpf::sources::host {
namespace {

// Splits on '_' into exactly three non-empty parts.
std::optional<std::vector<std::string_view>> split_three(std::string_view text) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('_', start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  for (std::string_view part : parts) {
    if (part.empty()) return std::nullopt;
  }
  return parts;
}

// The names of the entries of `dir`, or none when it cannot be listed.
std::vector<std::string> list_names(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return names;
}

std::size_t skip_spaces(std::string_view json, std::size_t i) {
  while (i < json.size() && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) ++i;
  return i;
}

// Reads the JSON string starting at the quote json[i] into `out` and moves `i` past its closing quote.
// Escapes other than \" \\ \/ become '-' (a Docker name never has them; names are sanitized anyway).
bool read_json_string(std::string_view json, std::size_t& i, std::string& out) {
  for (++i; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= json.size()) return false;
    const char escaped = json[i];
    out += escaped == '"' || escaped == '\\' || escaped == '/' ? escaped : '-';
    if (escaped == 'u') i += 4;  // the four hex digits
  }
  return false;
}

}  // namespace

std::optional<PodLogDir> parse_pod_log_dir(std::string_view name) {
  std::optional<std::vector<std::string_view>> parts = split_three(name);
  if (!parts) return std::nullopt;
  return PodLogDir{std::string((*parts)[0]), std::string((*parts)[1]), std::string((*parts)[2])};
}

std::optional<ContainerLogFile> parse_container_log_file(std::string_view name) {
  if (!name.ends_with(".log")) return std::nullopt;
  name.remove_suffix(4);
  std::optional<std::vector<std::string_view>> parts = split_three(name);
  if (!parts) return std::nullopt;
  const std::string_view last = (*parts)[2];
  const std::size_t dash = last.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || !is_container_id(last.substr(dash + 1))) return std::nullopt;
  return ContainerLogFile{std::string((*parts)[0]), std::string((*parts)[1]), std::string(last.substr(0, dash)),
                          std::string(last.substr(dash + 1))};
}

std::optional<std::string> docker_name_from_config(std::string_view json) {
  // A targeted scan rather than a JSON library: only the top-level "Name" matters, and nested objects
  // (labels, mount points) may hold keys of the same name.
  std::size_t i = skip_spaces(json, 0);
  if (i >= json.size() || json[i] != '{') return std::nullopt;
  int depth = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      std::string text;
      if (!read_json_string(json, i, text)) return std::nullopt;
      const std::size_t after = skip_spaces(json, i);
      if (depth == 1 && after < json.size() && json[after] == ':' && text == "Name") {
        i = skip_spaces(json, after + 1);
        std::string name;
        if (i >= json.size() || json[i] != '"' || !read_json_string(json, i, name)) return std::nullopt;
        name.erase(0, name.find_first_not_of('/'));  // npos (all slashes) erases everything
        if (name.empty()) return std::nullopt;
        return name;
      }
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++i;
  }
  return std::nullopt;
}

WorkloadNames WorkloadNames::load(const std::string& pod_log_dir, const std::string& container_log_dir,
                                  std::string docker_root) {
  WorkloadNames names;
  names.docker_root_ = std::move(docker_root);
  for (const std::string& entry : list_names(pod_log_dir)) {
    if (std::optional<PodLogDir> pod = parse_pod_log_dir(entry)) names.add_pod(std::move(*pod));
  }
  for (const std::string& entry : list_names(container_log_dir)) {
    if (std::optional<ContainerLogFile> c = parse_container_log_file(entry)) names.add_container(std::move(*c));
  }
  return names;
}

const PodLogDir* WorkloadNames::pod(std::string_view uid) const {
  auto it = pods_by_uid_.find(uid);
  return it == pods_by_uid_.end() ? nullptr : &it->second;
}

const ContainerLogFile* WorkloadNames::container(std::string_view id) const {
  auto it = containers_by_id_.find(id);
  return it == containers_by_id_.end() ? nullptr : &it->second;
}

bool WorkloadNames::pod_has_container_logs(std::string_view namespace_name, std::string_view pod_name) const {
  return pods_with_logs_.count(std::pair<std::string, std::string>(namespace_name, pod_name)) > 0;
}

std::optional<std::string> WorkloadNames::docker_name(std::string_view id) const {
  if (docker_root_.empty()) return std::nullopt;
  std::optional<std::string> json = read_pseudo_file(docker_root_ + "/" + std::string(id) + "/config.v2.json");
  if (!json) return std::nullopt;
  return docker_name_from_config(*json);
}

void WorkloadNames::add_pod(PodLogDir pod) {
  std::string uid = pod.uid;
  pods_by_uid_.emplace(std::move(uid), std::move(pod));
}

void WorkloadNames::add_container(ContainerLogFile container) {
  pods_with_logs_.emplace(container.namespace_name, container.pod_name);
  std::string id = container.id;
  containers_by_id_.emplace(std::move(id), std::move(container));
}

}  // namespace mpf::sources::host
