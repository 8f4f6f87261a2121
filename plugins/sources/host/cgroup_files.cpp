#include "cgroup_files.h"

#include <charconv>
#include <limits>

namespace mpf::sources::host {
namespace {

// The next line of `text` (without its '\n'), advancing `text` past it.
std::string_view next_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

// A whole unsigned decimal number; nullopt on anything else (sign, blank, overflow).
std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Splits off the next space-separated field.
std::string_view next_field(std::string_view& text) {
  text = trim_spaces(text);
  const std::size_t end = text.find_first_of(" \t");
  std::string_view field = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return field;
}

std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) {
  if (a > std::numeric_limits<std::uint64_t>::max() - b) return std::nullopt;
  return a + b;
}

// The busy ticks of the aggregate line "cpu  user nice system idle iowait irq softirq steal ...".
std::optional<std::uint64_t> parse_cpu_line(std::string_view fields) {
  std::uint64_t column[8] = {};
  for (std::uint64_t& value : column) {
    std::optional<std::uint64_t> v = parse_unsigned(next_field(fields));
    if (!v) return std::nullopt;
    value = *v;
  }
  // user nice system (idle iowait) irq softirq steal
  std::optional<std::uint64_t> busy = 0;
  for (int i : {0, 1, 2, 5, 6, 7}) {
    busy = checked_add(*busy, column[i]);
    if (!busy) return std::nullopt;
  }
  return busy;
}

}  // namespace

std::optional<std::uint64_t> parse_single_value(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::optional<std::uint64_t> value = parse_unsigned(text);
  if (!value || *value > kMaxSampleValue) return std::nullopt;
  return value;
}

std::optional<FlatKeyed> parse_flat_keyed(std::string_view text) {
  FlatKeyed values;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) return std::nullopt;
    std::optional<std::uint64_t> value = parse_unsigned(line.substr(space + 1));
    if (!value) return std::nullopt;
    values.emplace_back(line.substr(0, space), *value);
  }
  return values;
}

std::optional<std::uint64_t> flat_keyed_value(const FlatKeyed& values, std::string_view key) {
  for (const auto& [k, v] : values) {
    if (k == key) return v;
  }
  return std::nullopt;
}

ProcStat parse_proc_stat(std::string_view text) {
  ProcStat stat;
  bool seen_cpu = false;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    std::string_view rest = line;
    const std::string_view key = next_field(rest);
    if (key == "cpu" && !seen_cpu) {
      seen_cpu = true;
      stat.busy_ticks = parse_cpu_line(rest);
    } else if (key == "btime" && !stat.boot_time_s) {
      stat.boot_time_s = parse_unsigned(trim_spaces(rest));
    }
  }
  return stat;
}

MemInfo parse_meminfo(std::string_view text) {
  MemInfo info;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    std::optional<std::uint64_t>* field = key == "MemTotal"         ? &info.total_bytes
                                          : key == "MemFree"        ? &info.free_bytes
                                          : key == "Inactive(file)" ? &info.inactive_file_bytes
                                                                    : nullptr;
    if (field == nullptr || field->has_value()) continue;
    std::string_view rest = line.substr(colon + 1);
    std::optional<std::uint64_t> kib = parse_unsigned(next_field(rest));
    if (!kib || trim_spaces(rest) != "kB") continue;
    *field = checked_multiply(*kib, 1024);
  }
  return info;
}

bool lists_a_pid(std::string_view text) {
  while (!text.empty()) {
    if (!trim_spaces(next_line(text)).empty()) return true;
  }
  return false;
}

std::optional<std::uint64_t> checked_multiply(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > kMaxSampleValue / a) return std::nullopt;
  return a * b;
}

}  // namespace mpf::sources::host
