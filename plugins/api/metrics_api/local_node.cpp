#include "metrics_api/local_node.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace mpf::api::metrics {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The value after `key` at the start of a line ("MemTotal:", "btime "), trimmed; empty when absent.
std::string_view line_value(std::string_view text, std::string_view key) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.starts_with(key)) return trim(line.substr(key.size()));
    start = end + 1;
  }
  return {};
}

// The whole of `text` as a number: "12abc" or "1 2" are malformed, not 12 or 1.
template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && !text.empty() && end == text.data() + text.size();
}

}  // namespace

std::uint64_t meminfo_total_bytes(std::string_view meminfo) {
  std::string_view value = line_value(meminfo, "MemTotal:");
  if (!value.ends_with("kB")) return 0;
  std::uint64_t kib = 0;
  if (!parse_number(trim(value.substr(0, value.size() - 2)), kib) || kib > (UINT64_MAX >> 10)) return 0;
  return kib << 10;
}

std::int64_t proc_stat_boot_seconds(std::string_view stat) {
  std::int64_t seconds = 0;
  return parse_number(line_value(stat, "btime "), seconds) && seconds > 0 ? seconds : 0;
}

std::string os_release_pretty_name(std::string_view os_release) {
  std::string_view value = line_value(os_release, "PRETTY_NAME=");
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return value.empty() ? "Linux" : std::string(value);
}

std::string go_arch(std::string_view machine) {
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64" || machine == "arm64") return "arm64";
  if (machine == "i386" || machine == "i686") return "386";
  if (machine.starts_with("armv")) return "arm";
  if (machine == "ppc64le") return "ppc64le";
  if (machine == "s390x") return "s390x";
  if (machine == "riscv64") return "riscv64";
  return std::string(machine);
}

LocalNodeFacts read_local_node_facts(const std::string& proc_root, const std::string& etc_root) {
  LocalNodeFacts facts;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) {
    facts.hostname = host;
    for (char& c : facts.hostname) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  facts.cpus = online > 0 ? static_cast<int>(online) : 1;
  facts.memory_bytes = meminfo_total_bytes(read_text(proc_root + "/meminfo"));
  // A btime whose nanoseconds overflow int64 (after 2262) is garbage: unknown rather than a wrapped time.
  const std::int64_t boot_seconds = proc_stat_boot_seconds(read_text(proc_root + "/stat"));
  if (boot_seconds <= INT64_MAX / 1'000'000'000) facts.boot_time_ns = boot_seconds * 1'000'000'000;
  utsname names{};
  if (uname(&names) == 0) {
    facts.kernel_version = names.release;
    facts.architecture = go_arch(names.machine);
  }
  std::string os_release = read_text(etc_root + "/os-release");
  // os-release(5): /etc/os-release, else /usr/lib/os-release.
  if (os_release.empty() && etc_root == "/etc") os_release = read_text("/usr/lib/os-release");
  facts.os_image = os_release_pretty_name(os_release);
  facts.machine_id = std::string(trim(read_text(etc_root + "/machine-id")));
  facts.boot_id = std::string(trim(read_text(proc_root + "/sys/kernel/random/boot_id")));
  return facts;
}

}  // namespace mpf::api::metrics
