#pragma once

// Pure parsers of the cgroup and /proc pseudo-files the host source reads. Text in, numbers out, no
// I/O. Every parser rejects malformed input with std::nullopt instead of guessing: a cgroup whose file
// does not parse is skipped rather than reported with a wrong value.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace mpf::sources::host {

/// The largest value a sample may carry: the pipeline treats values at or above 2^63 as corrupt.
inline constexpr std::uint64_t kMaxSampleValue = static_cast<std::uint64_t>(INT64_MAX);

/// A file holding one unsigned number and an optional trailing newline (cpuacct.usage,
/// memory.usage_in_bytes, memory.current). Values above kMaxSampleValue are refused.
std::optional<std::uint64_t> parse_single_value(std::string_view text);

/// The lines of a flat keyed file ("key value\n", as memory.stat, cpu.stat and cgroup.events are
/// written). The keys are views into the parsed text.
using FlatKeyed = std::vector<std::pair<std::string_view, std::uint64_t>>;

/// Parses a whole flat keyed file. nullopt when any non-empty line is not `key SP unsigned-number`
/// (values up to 2^64-1 are accepted here: v1 limits such as hierarchical_memory_limit come close).
std::optional<FlatKeyed> parse_flat_keyed(std::string_view text);

/// The value of `key`, or nullopt when absent. The first occurrence wins.
std::optional<std::uint64_t> flat_keyed_value(const FlatKeyed& values, std::string_view key);

/// What the host source needs from /proc/stat.
struct ProcStat {
  /// Busy time of the first `cpu` line (user+nice+system+irq+softirq+steal) in clock ticks; guest
  /// time is already counted in user and nice, so it is not added again.
  std::optional<std::uint64_t> busy_ticks;
  /// Boot time, seconds since the epoch (`btime`).
  std::optional<std::uint64_t> boot_time_s;
};

/// Parses /proc/stat. Lines other than the aggregate `cpu` and `btime` are ignored; a malformed `cpu`
/// or `btime` line leaves its field empty.
ProcStat parse_proc_stat(std::string_view text);

/// What the host source needs from /proc/meminfo, in bytes.
struct MemInfo {
  std::optional<std::uint64_t> total_bytes;          // MemTotal
  std::optional<std::uint64_t> free_bytes;           // MemFree
  std::optional<std::uint64_t> inactive_file_bytes;  // Inactive(file)
};

/// Parses /proc/meminfo ("Key:   123 kB" lines). Unknown or malformed lines are ignored; a wanted key
/// whose value does not parse (or overflows when converted to bytes) stays empty.
MemInfo parse_meminfo(std::string_view text);

/// True when a cgroup.procs (or tasks) file lists at least one pid.
bool lists_a_pid(std::string_view text);

/// `a * b`, or nullopt when the product exceeds kMaxSampleValue.
std::optional<std::uint64_t> checked_multiply(std::uint64_t a, std::uint64_t b);

/// The working set as cAdvisor computes it: usage minus inactive file cache, clamped at zero.
inline std::uint64_t working_set(std::uint64_t usage, std::uint64_t inactive_file) {
  return usage > inactive_file ? usage - inactive_file : 0;
}

}  // namespace mpf::sources::host
