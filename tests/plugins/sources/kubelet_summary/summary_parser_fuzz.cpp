// Fuzz target of the /stats/summary parser. Besides "no crash, no out-of-bounds read" (ASan/UBSan),
// it checks, aborting on violation:
//  - failure: a permanent Status naming a byte offset inside the body, an empty batch, node_name kept;
//  - success: valid name ids, no empty names, present bits within the known set, no value without
//    its bit, no value at or above 2^63, no usageNanoCores without the option, no sample without values;
//  - determinism: a reused parser with the option on gives the same batch apart from the rates
//    (the option only adds rates, and the samples whose only value is a rate);
//  - round trip: the batch written back as a summary parses to the same batch.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rfc3339.h"
#include "summary_parser.h"

namespace {

using namespace mpf;
using namespace mpf::sources::kubelet_summary;

// Aborts, which libFuzzer reports as a crash, when an invariant does not hold.
void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\n", invariant);
  std::abort();
}

constexpr std::uint16_t kKnownBits =
    kHasCpu | kHasMemory | kHasStartTime | kHasSwap | kHasEphemeralStorage | kHasCpuRate;
constexpr std::uint16_t kValueBits = kHasCpu | kHasMemory | kHasSwap | kHasEphemeralStorage | kHasCpuRate;
constexpr std::uint64_t kMaxValue = static_cast<std::uint64_t>(INT64_MAX);

void check_sample(const Sample& s, bool rate_allowed, bool needs_values) {
  require((s.present & ~kKnownBits) == 0, "unknown present bit");
  require(rate_allowed || !s.has(kHasCpuRate), "rate without the option");
  require(!needs_values || (s.present & kValueBits) != 0, "node or pod sample without a value");
  require(s.has(kHasCpu) || s.cpu_usage_core_ns == 0, "cpu without its bit");
  require(s.has(kHasMemory) || s.memory_working_set_bytes == 0, "memory without its bit");
  require(s.has(kHasSwap) || s.swap_usage_bytes == 0, "swap without its bit");
  require(s.has(kHasEphemeralStorage) || s.ephemeral_storage_bytes == 0, "ephemeral storage without its bit");
  require(s.has(kHasCpuRate) || s.cpu_rate_nanocores == 0, "rate without its bit");
  require(s.has(kHasStartTime) || s.start_time_ns == 0, "start time without its bit");
  for (std::uint64_t v : {s.cpu_usage_core_ns, s.memory_working_set_bytes, s.swap_usage_bytes,
                          s.ephemeral_storage_bytes, s.cpu_rate_nanocores}) {
    require(v <= kMaxValue, "value >= 2^63");
  }
}

void check_name(const NodeBatch& b, NameId id) {
  require(id != kEmptyName, "empty name");
  require(id < b.names.size(), "name id out of range");
}

void check_batch(const NodeBatch& b, bool rate_allowed) {
  if (b.has_node_sample) check_sample(b.node_sample, rate_allowed, true);
  for (const auto& p : b.pods) {
    check_name(b, p.namespace_name);
    check_name(b, p.pod_name);
    check_sample(p.sample, rate_allowed, true);
  }
  for (const auto& c : b.containers) {
    check_name(b, c.namespace_name);
    check_name(b, c.pod_name);
    check_name(b, c.container_name);
    check_sample(c.sample, rate_allowed, false);
  }
}

bool empty_batch(const NodeBatch& b) {
  return !b.has_node_sample && b.pods.empty() && b.containers.empty() && b.names.size() == 1;
}

bool same_sample(const Sample& a, const Sample& b) {
  return a.timestamp_ns == b.timestamp_ns && a.start_time_ns == b.start_time_ns &&
         a.cpu_usage_core_ns == b.cpu_usage_core_ns && a.memory_working_set_bytes == b.memory_working_set_bytes &&
         a.swap_usage_bytes == b.swap_usage_bytes && a.ephemeral_storage_bytes == b.ephemeral_storage_bytes &&
         a.cpu_rate_nanocores == b.cpu_rate_nanocores && a.present == b.present;
}

// What the batch would be without the option: no rates, and no node or pod sample whose only value
// was a rate (a sample needs a value to exist).
NodeBatch without_rates(const NodeBatch& in) {
  NodeBatch out = in;
  auto strip = [](Sample& s) {
    s.present &= static_cast<std::uint16_t>(~kHasCpuRate);
    s.cpu_rate_nanocores = 0;
    return (s.present & kValueBits) != 0;
  };
  for (auto& c : out.containers) strip(c.sample);
  if (out.has_node_sample && !strip(out.node_sample)) {
    out.has_node_sample = false;
    out.node_sample = Sample{};
  }
  std::erase_if(out.pods, [&](PodSample& p) { return !strip(p.sample); });
  return out;
}

// Same samples and same names; ids may differ between the two tables.
bool same_batch(const NodeBatch& a, const NodeBatch& b) {
  if (a.has_node_sample != b.has_node_sample) return false;
  if (a.has_node_sample && !same_sample(a.node_sample, b.node_sample)) return false;
  if (a.pods.size() != b.pods.size() || a.containers.size() != b.containers.size()) return false;
  for (std::size_t i = 0; i < a.pods.size(); ++i) {
    const auto &x = a.pods[i], &y = b.pods[i];
    if (a.names.name(x.namespace_name) != b.names.name(y.namespace_name) ||
        a.names.name(x.pod_name) != b.names.name(y.pod_name) || !same_sample(x.sample, y.sample)) {
      return false;
    }
  }
  for (std::size_t i = 0; i < a.containers.size(); ++i) {
    const auto &x = a.containers[i], &y = b.containers[i];
    if (a.names.name(x.namespace_name) != b.names.name(y.namespace_name) ||
        a.names.name(x.pod_name) != b.names.name(y.pod_name) ||
        a.names.name(x.container_name) != b.names.name(y.container_name) ||
        !same_sample(x.sample, y.sample)) {
      return false;
    }
  }
  return true;
}

// The batch written back as a summary. By hand rather than with rapidjson::Writer: RapidJSON 1.1's
// writer (and StringBuffer) offset a null pointer on their first push, which UBSan reports.
class SummaryWriter {
 public:
  std::string text;

  void key(std::string_view k) {
    comma();
    quoted(k);
    text += ':';
    first_ = true;  // the value needs no comma
  }
  void string(std::string_view s) {
    comma();
    quoted(s);
  }
  void number(std::uint64_t v) {
    comma();
    text += std::to_string(v);
  }
  void time(std::int64_t ns) {
    char buf[kRfc3339MaxLength];
    string(std::string_view(buf, format_rfc3339_utc(ns, buf)));
  }
  void open(char c) {
    comma();
    text += c;
    first_ = true;
  }
  void close(char c) {
    text += c;
    first_ = false;
  }

 private:
  void comma() {
    if (!first_) text += ',';
    first_ = false;
  }
  void quoted(std::string_view s) {
    text += '"';
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        text += '\\';
        text += ch;
      } else if (c < 0x20) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        text += esc;
      } else {
        text += ch;
      }
    }
    text += '"';
  }
  bool first_ = true;
};

void write_block(SummaryWriter& w, const char* name, const Sample& s, const char* key, std::uint64_t value,
                 bool has_value, const char* rate_key = nullptr) {
  w.key(name);
  w.open('{');
  if (s.timestamp_ns != 0) {
    w.key("time");
    w.time(s.timestamp_ns);
  }
  if (has_value) {
    w.key(key);
    w.number(value);
  }
  if (rate_key != nullptr && s.has(kHasCpuRate)) {
    w.key(rate_key);
    w.number(s.cpu_rate_nanocores);
  }
  w.close('}');
}

// The sample as summary keys. The cpu block always carries the time, so it comes back first.
void write_stats(SummaryWriter& w, const Sample& s) {
  if (s.has(kHasStartTime)) {
    w.key("startTime");
    w.time(s.start_time_ns);
  }
  write_block(w, "cpu", s, "usageCoreNanoSeconds", s.cpu_usage_core_ns, s.has(kHasCpu), "usageNanoCores");
  if (s.has(kHasMemory)) write_block(w, "memory", s, "workingSetBytes", s.memory_working_set_bytes, true);
  if (s.has(kHasSwap)) write_block(w, "swap", s, "swapUsageBytes", s.swap_usage_bytes, true);
}

void write_pod_ref(SummaryWriter& w, const NodeBatch& b, NameId ns, NameId pod) {
  w.key("podRef");
  w.open('{');
  w.key("name");
  w.string(b.names.name(pod));
  w.key("namespace");
  w.string(b.names.name(ns));
  w.close('}');
}

// Pod samples first, each as a pod without containers, then each container in a pod of its own, so
// that the parser's duplicate rule cannot change what comes back.
std::string to_summary(const NodeBatch& b) {
  SummaryWriter w;
  w.open('{');
  if (b.has_node_sample) {
    w.key("node");
    w.open('{');
    write_stats(w, b.node_sample);
    w.close('}');
  }
  w.key("pods");
  w.open('[');
  for (const auto& p : b.pods) {
    w.open('{');
    write_pod_ref(w, b, p.namespace_name, p.pod_name);
    write_stats(w, p.sample);
    if (p.sample.has(kHasEphemeralStorage)) {
      write_block(w, "ephemeral-storage", p.sample, "usedBytes", p.sample.ephemeral_storage_bytes, true);
    }
    w.close('}');
  }
  for (const auto& c : b.containers) {
    w.open('{');
    write_pod_ref(w, b, c.namespace_name, c.pod_name);
    w.key("containers");
    w.open('[');
    w.open('{');
    w.key("name");
    w.string(b.names.name(c.container_name));
    write_stats(w, c.sample);
    w.close('}');
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.close('}');
  return std::move(w.text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  NodeBatch a;
  a.node_name = "node-a";
  SummaryParseStats stats_a;
  const Status st_a = parse_summary(body, SummaryParseOptions{false}, a, &stats_a);

  // A parser and batch that already hold another parse, option on.
  static SummaryParser reused;
  static NodeBatch b;
  b.node_name = "node-a";
  reused.parse(R"({"node": {"cpu": {"usageCoreNanoSeconds": 1}}, "pods": [{"podRef": {"name": "p", "namespace": "n"},
      "containers": [{"name": "c"}, {"name": "c"}]}]})", SummaryParseOptions{true}, b);
  SummaryParseStats stats_b;
  const Status st_b = reused.parse(body, SummaryParseOptions{true}, b, &stats_b);

  require(st_a.code() == st_b.code(), "the option or a reused parser changed the outcome");
  require(a.node_name == "node-a" && b.node_name == "node-a", "node_name overwritten");
  if (!st_a.is_ok()) {
    require(st_a.code() == StatusCode::kPermanent, "failure not permanent");
    require(st_a.message() == st_b.message(), "different failures");
    constexpr std::string_view kPrefix = "kubelet /stats/summary: byte ";
    require(st_a.message().compare(0, kPrefix.size(), kPrefix) == 0, "failure without a byte offset");
    require(std::strtoull(st_a.message().c_str() + kPrefix.size(), nullptr, 10) <= size, "offset past the end");
    require(empty_batch(a) && empty_batch(b), "samples left after a failure");
    return 0;
  }
  check_batch(a, false);
  check_batch(b, true);
  require(same_batch(a, without_rates(b)), "the option changed more than the rates");
  require(stats_a.duplicate_containers == stats_b.duplicate_containers, "duplicate counts differ");
  require(stats_a.unnamed_entries == stats_b.unnamed_entries, "unnamed counts differ");
  require(stats_a.out_of_range_times == stats_b.out_of_range_times, "time counts differ");
  require(stats_a.rejected_values <= stats_b.rejected_values, "the option rejected fewer values");

  NodeBatch c;
  const std::string rewritten = to_summary(b);
  const Status st_c = parse_summary(rewritten, SummaryParseOptions{true}, c);
  if (!st_c.is_ok()) std::fprintf(stderr, "%s\n%s\n", st_c.to_string().c_str(), rewritten.c_str());
  require(st_c.is_ok(), "the rewritten batch does not parse");
  require(same_batch(b, c), "the rewritten batch parses differently");
  return 0;
}
