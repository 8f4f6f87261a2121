// Fuzz target of the host source's pure parsers: every cgroup and /proc file parser, the log-dir and
// docker name parsers, and the name rules. Besides "no crash, no out-of-bounds read" (ASan/UBSan), it
// checks, aborting on violation:
//  - single values and derived products stay below 2^63;
//  - a parsed flat keyed file written back parses to the same pairs;
//  - meminfo values are whole KiB; the working set never exceeds the usage;
//  - sanitized names hold only [a-z0-9.-], keep the length (up to 253) and are stable.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cgroup_files.h"
#include "cgroup_naming.h"
#include "workload_names.h"

namespace {

using namespace mpf::sources::host;

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\n", invariant);
  std::abort();
}

void check_flat_keyed(std::string_view text) {
  std::optional<FlatKeyed> values = parse_flat_keyed(text);
  if (!values) return;
  std::string written;
  for (const auto& [key, value] : *values) {
    require(!key.empty() && key.find(' ') == std::string_view::npos && key.find('\n') == std::string_view::npos,
            "key with a space or newline");
    written.append(key).append(" ").append(std::to_string(value)).append("\n");
  }
  std::optional<FlatKeyed> again = parse_flat_keyed(written);
  require(again && *again == *values, "flat keyed round trip");
  for (const auto& [key, value] : *values) require(flat_keyed_value(*values, key).has_value(), "key not found");
}

void check_name(std::string_view text) {
  const std::string name = sanitize_name(text);
  require(name.size() == std::min<std::size_t>(text.size(), 253), "sanitized length");
  for (char c : name) {
    require((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-', "bad name character");
  }
  require(sanitize_name(name) == name, "sanitize not idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (std::optional<std::uint64_t> v = parse_single_value(text)) require(*v <= kMaxSampleValue, "value >= 2^63");
  check_flat_keyed(text);

  const ProcStat stat = parse_proc_stat(text);
  (void)stat;
  const MemInfo info = parse_meminfo(text);
  for (const auto& field : {info.total_bytes, info.free_bytes, info.inactive_file_bytes}) {
    if (field) require(*field % 1024 == 0 && *field <= kMaxSampleValue, "meminfo not whole KiB below 2^63");
  }
  if (info.total_bytes && info.free_bytes) {
    require(working_set(*info.total_bytes, *info.free_bytes) <= *info.total_bytes, "working set above usage");
  }
  (void)lists_a_pid(text);

  check_name(text);
  (void)pod_uid_of(text);
  (void)pod_child_of(text);
  (void)runtime_container_of(text, "/docker");
  (void)leaf_namespace_of(text);
  if (std::optional<PodLogDir> pod = parse_pod_log_dir(text)) {
    require(!pod->namespace_name.empty() && !pod->pod_name.empty() && !pod->uid.empty(), "empty pod log part");
  }
  if (std::optional<ContainerLogFile> c = parse_container_log_file(text)) {
    require(is_container_id(c->id) && !c->container_name.empty(), "bad container log parse");
  }
  if (std::optional<std::string> name = docker_name_from_config(text)) {
    require(!name->empty() && name->front() != '/', "docker name with its slash");
  }
  return 0;
}
