#include "node_reader.h"

#include <unistd.h>

#include "cgroup_files.h"
#include "cgroup_stats.h"
#include "pseudo_file.h"

namespace mpf::sources::host {
namespace {

std::optional<std::uint64_t> root_cgroup_cpu(const CgroupLayout& layout, std::string& tried) {
  if (!layout.cpuacct.empty()) {
    tried += " " + layout.cpuacct + "/cpuacct.usage";
    if (std::optional<std::uint64_t> v = read_v1_cpu(layout.cpuacct)) return v;
  }
  if (!layout.unified.empty()) {
    tried += " " + layout.unified + "/cpu.stat";
    if (std::optional<std::uint64_t> v = read_v2_cpu(layout.unified)) return v;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> root_cgroup_working_set(const CgroupLayout& layout, std::string& tried) {
  if (!layout.memory.empty()) {
    tried += " " + layout.memory + "/memory.{usage_in_bytes,stat}";
    return read_v1_working_set(layout.memory);
  }
  if (layout.mode != CgroupMode::kV2) return std::nullopt;
  tried += " " + layout.unified + "/memory.stat";
  std::optional<std::string> text = read_pseudo_file(layout.unified + "/memory.stat");
  std::optional<FlatKeyed> stat = text ? parse_flat_keyed(*text) : std::nullopt;
  if (!stat) return std::nullopt;
  std::optional<std::uint64_t> anon = flat_keyed_value(*stat, "anon");
  std::optional<std::uint64_t> file = flat_keyed_value(*stat, "file");
  if (!anon || !file || *anon > kMaxSampleValue - *file) return std::nullopt;
  return working_set(*anon + *file, flat_keyed_value(*stat, "inactive_file").value_or(0));
}

std::optional<std::uint64_t> proc_stat_cpu(const ProcStat& stat) {
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (!stat.busy_ticks || hz <= 0 || 1'000'000'000 % hz != 0) return std::nullopt;
  return checked_multiply(*stat.busy_ticks, static_cast<std::uint64_t>(1'000'000'000 / hz));
}

std::optional<std::uint64_t> meminfo_working_set(const std::string& proc_root) {
  std::optional<std::string> text = read_pseudo_file(proc_root + "/meminfo");
  if (!text) return std::nullopt;
  const MemInfo info = parse_meminfo(*text);
  if (!info.total_bytes || !info.free_bytes || !info.inactive_file_bytes) return std::nullopt;
  return working_set(working_set(*info.total_bytes, *info.free_bytes), *info.inactive_file_bytes);
}

}  // namespace

Result<Sample> read_node_sample(const CgroupLayout& layout, const std::string& proc_root, std::int64_t now_ns) {
  Sample sample;
  sample.timestamp_ns = now_ns;
  std::optional<std::string> stat_text = read_pseudo_file(proc_root + "/stat");
  const ProcStat stat = stat_text ? parse_proc_stat(*stat_text) : ProcStat{};

  std::string tried_cpu;
  std::optional<std::uint64_t> cpu = root_cgroup_cpu(layout, tried_cpu);
  if (!cpu) {
    tried_cpu += " " + proc_root + "/stat";
    cpu = proc_stat_cpu(stat);
  }
  std::string tried_memory;
  std::optional<std::uint64_t> memory = root_cgroup_working_set(layout, tried_memory);
  if (!memory) {
    tried_memory += " " + proc_root + "/meminfo";
    memory = meminfo_working_set(proc_root);
  }
  if (!cpu && !memory) {
    return Status::permanent("host: cannot read the node's CPU (tried" + tried_cpu + ") nor its memory (tried" +
                             tried_memory + ")");
  }
  if (cpu) {
    sample.cpu_usage_core_ns = *cpu;
    sample.present |= kHasCpu;
  }
  if (memory) {
    sample.memory_working_set_bytes = *memory;
    sample.present |= kHasMemory;
  }
  if (stat.boot_time_s) {
    if (std::optional<std::uint64_t> ns = checked_multiply(*stat.boot_time_s, 1'000'000'000)) {
      sample.start_time_ns = static_cast<std::int64_t>(*ns);
      sample.present |= kHasStartTime;
    }
  }
  return sample;
}

}  // namespace mpf::sources::host
