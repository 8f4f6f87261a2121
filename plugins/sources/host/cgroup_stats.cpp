#include "cgroup_stats.h"

#include <algorithm>
#include <string_view>

#include "cgroup_files.h"
#include "pseudo_file.h"

namespace mpf::sources::host {
namespace {

std::optional<FlatKeyed> read_flat_keyed(const std::string& path, std::string& text) {
  std::optional<std::string> read = read_pseudo_file(path);
  if (!read) return std::nullopt;
  text = std::move(*read);
  return parse_flat_keyed(text);
}

std::optional<std::uint64_t> read_single_value(const std::string& path) {
  std::optional<std::string> text = read_pseudo_file(path);
  return text ? parse_single_value(*text) : std::nullopt;
}

std::optional<std::uint64_t> read_v2_working_set(const std::string& dir) {
  std::optional<std::uint64_t> usage = read_single_value(dir + "/memory.current");
  std::string text;
  std::optional<FlatKeyed> stat = read_flat_keyed(dir + "/memory.stat", text);
  if (!usage || !stat) return std::nullopt;
  return working_set(*usage, flat_keyed_value(*stat, "inactive_file").value_or(0));
}

// Lowers `earliest` to the mtimes of `dir` and of `marker` inside it.
void lower_start_time(const std::string& dir, const char* marker, std::optional<std::int64_t>& earliest) {
  for (const std::string& path : {dir, dir + "/" + marker}) {
    std::optional<std::int64_t> t = modification_time_ns(path);
    if (t && (!earliest || *t < *earliest)) earliest = t;
  }
}

// A pid in `dir`/cgroup.procs or below, at most `depth` levels down.
bool any_pid_below(const std::string& dir, int depth) {
  if (std::optional<std::string> procs = read_pseudo_file(dir + "/cgroup.procs"); procs && lists_a_pid(*procs)) {
    return true;
  }
  if (depth <= 0) return false;
  for (const std::string& child : subdirectory_names(dir)) {
    if (any_pid_below(dir + "/" + child, depth - 1)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::uint64_t> read_v2_cpu(const std::string& dir) {
  std::string text;
  std::optional<FlatKeyed> stat = read_flat_keyed(dir + "/cpu.stat", text);
  if (!stat) return std::nullopt;
  std::optional<std::uint64_t> usec = flat_keyed_value(*stat, "usage_usec");
  return usec ? checked_multiply(*usec, 1000) : std::nullopt;
}

std::optional<std::uint64_t> read_v1_cpu(const std::string& dir) { return read_single_value(dir + "/cpuacct.usage"); }

std::optional<std::uint64_t> read_v1_working_set(const std::string& dir) {
  std::optional<std::uint64_t> usage = read_single_value(dir + "/memory.usage_in_bytes");
  std::string text;
  std::optional<FlatKeyed> stat = read_flat_keyed(dir + "/memory.stat", text);
  if (!usage || !stat) return std::nullopt;
  return working_set(*usage, flat_keyed_value(*stat, "total_inactive_file").value_or(0));
}

CgroupStats read_cgroup_stats(const CgroupLayout& layout, const std::string& path) {
  CgroupStats stats;
  if (layout.mode == CgroupMode::kV2) {
    const std::string dir = layout.unified + path;
    stats.cpu_core_ns = read_v2_cpu(dir);
    stats.working_set_bytes = read_v2_working_set(dir);
    lower_start_time(dir, "cgroup.events", stats.start_time_ns);
    return stats;
  }
  if (!layout.cpuacct.empty() && is_directory_followed(layout.cpuacct + path)) {
    stats.cpu_core_ns = read_v1_cpu(layout.cpuacct + path);
    lower_start_time(layout.cpuacct + path, "cgroup.clone_children", stats.start_time_ns);
  }
  if (!layout.memory.empty() && is_directory_followed(layout.memory + path)) {
    stats.working_set_bytes = read_v1_working_set(layout.memory + path);
    lower_start_time(layout.memory + path, "cgroup.clone_children", stats.start_time_ns);
  }
  if (layout.mode == CgroupMode::kHybrid && is_directory_followed(layout.unified + path)) {
    const bool in_cpuacct = !layout.cpuacct.empty() && is_directory_followed(layout.cpuacct + path);
    if (!in_cpuacct) stats.cpu_core_ns = read_v2_cpu(layout.unified + path);
    lower_start_time(layout.unified + path, "cgroup.events", stats.start_time_ns);
  }
  return stats;
}

bool cgroup_populated(const CgroupLayout& layout, const std::string& path) {
  if (layout.mode == CgroupMode::kV2) {
    std::string text;
    std::optional<FlatKeyed> events = read_flat_keyed(layout.unified + path + "/cgroup.events", text);
    return events && flat_keyed_value(*events, "populated").value_or(0) != 0;
  }
  const auto depth_of = [](const std::string& p) { return static_cast<int>(std::count(p.begin(), p.end(), '/')); };
  const int depth_left = std::max(0, kMaxCgroupDepth - depth_of(path));
  for (const std::string* root : {&layout.cpuacct, &layout.memory}) {
    if (!root->empty() && is_directory_followed(*root + path) && any_pid_below(*root + path, depth_left)) return true;
  }
  return false;
}

}  // namespace mpf::sources::host
