// Fuzz target of the /metrics/resource decoder. Besides crashes and sanitizer reports it aborts when a
// result breaks what the decoder promises:
//  - the label-block cache and batch reuse never change a result (cached = uncached = reused batch);
//  - stored values came from finite, non-negative numbers below 2^63; start times are positive;
//  - names are non-empty and every series appears once;
//  - timestamps are the default or positive whole milliseconds;
//  - failures are permanent and name a line (or the kubelet's scrape error);
//  - after the metrics-server rules only complete nodes and containers remain.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <tuple>
#include <vector>

#include "metrics_server_rules.h"
#include "resource_metrics_parser.h"
#include "tests/plugins/sources/kubelet_resource/test_util.h"

namespace {

using namespace mpf;
using namespace mpf::sources::kubelet_resource;

constexpr std::int64_t kDefaultTimestampNs = 1'600'000'000'123'456'789;  // not a whole ms: recognisable
constexpr std::uint64_t kTwoPow63 = std::uint64_t{1} << 63;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

using testing::same_batch;  // the unit tests' comparison, by name text

void check_sample(const Sample& s, bool has_timestamped_value) {
  constexpr std::uint16_t kKnown = kHasCpu | kHasMemory | kHasStartTime | kHasSwap;
  check(s.present != 0, "an entry without any value");
  check((s.present & ~kKnown) == 0, "unexpected present bit");
  check(s.has(kHasCpu) || s.cpu_usage_core_ns == 0, "cpu stored without its bit");
  check(s.has(kHasMemory) || s.memory_working_set_bytes == 0, "memory stored without its bit");
  check(s.has(kHasSwap) || s.swap_usage_bytes == 0, "swap stored without its bit");
  check(s.has(kHasStartTime) || s.start_time_ns == 0, "start time stored without its bit");
  check(s.cpu_usage_core_ns < kTwoPow63, "cpu >= 2^63");
  check(s.memory_working_set_bytes < kTwoPow63, "memory >= 2^63");
  check(s.swap_usage_bytes < kTwoPow63, "swap >= 2^63");
  check(!s.has(kHasStartTime) || s.start_time_ns > 0, "non-positive start time");
  check(s.ephemeral_storage_bytes == 0 && s.cpu_rate_nanocores == 0, "field the parser never writes");
  if (has_timestamped_value) {
    check(s.timestamp_ns == kDefaultTimestampNs || (s.timestamp_ns > 0 && s.timestamp_ns % 1'000'000 == 0),
          "timestamp neither the default nor positive whole ms");
  }
}

void check_batch(const NodeBatch& b) {
  if (b.has_node_sample) check_sample(b.node_sample, true);
  check(b.has_node_sample || b.node_sample.present == 0, "node values without has_node_sample");
  std::vector<std::tuple<NameId, NameId, NameId>> keys;
  for (const ContainerSample& c : b.containers) {
    check(c.namespace_name != kEmptyName && c.pod_name != kEmptyName && c.container_name != kEmptyName,
          "container with an empty name");
    check(!b.names.name(c.namespace_name).empty() && !b.names.name(c.pod_name).empty() &&
              !b.names.name(c.container_name).empty(),
          "container name text empty");
    check_sample(c.sample, (c.sample.present & (kHasCpu | kHasMemory | kHasSwap)) != 0);
    keys.emplace_back(c.namespace_name, c.pod_name, c.container_name);
  }
  std::sort(keys.begin(), keys.end());
  check(std::adjacent_find(keys.begin(), keys.end()) == keys.end(), "duplicate container");
  keys.clear();
  for (const PodSample& p : b.pods) {
    check(p.namespace_name != kEmptyName && p.pod_name != kEmptyName, "pod with an empty name");
    check(!b.names.name(p.namespace_name).empty() && !b.names.name(p.pod_name).empty(), "pod name text empty");
    check_sample(p.sample, true);
    check(!p.sample.has(kHasStartTime), "pod with a start time");
    keys.emplace_back(p.namespace_name, p.pod_name, 0);
  }
  std::sort(keys.begin(), keys.end());
  check(std::adjacent_find(keys.begin(), keys.end()) == keys.end(), "duplicate pod");
}

bool complete(const Sample& s) {
  return s.has(kHasCpu) && s.has(kHasMemory) && s.cpu_usage_core_ns != 0 && s.memory_working_set_bytes != 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const ResourceParseOptions options{kDefaultTimestampNs};

  NodeBatch fresh;
  const Status status = parse_resource_metrics(body, options, fresh);
  check(status.is_ok() || status.code() == StatusCode::kPermanent, "failure not permanent");
  if (!status.is_ok()) {
    const std::string& m = status.message();
    check(m.rfind("line ", 0) == 0 || m.rfind("kubelet reported ", 0) == 0, "failure names no line");
  }

  NodeBatch uncached;
  const Status uncached_status = parse_resource_metrics_uncached_for_test(body, options, uncached);
  check(uncached_status.to_string() == status.to_string(), "cache changed the status");

  // One batch reused across all inputs, as a source reuses its batch across cycles.
  static NodeBatch reused;
  const Status reused_status = parse_resource_metrics(body, options, reused);
  check(reused_status.to_string() == status.to_string(), "reuse changed the status");
  if (!status.is_ok()) return 0;

  check(same_batch(fresh, uncached), "cache changed the result");
  check(same_batch(fresh, reused), "reuse changed the result");
  check_batch(fresh);

  apply_metrics_server_drop_rules(fresh);
  check(!fresh.has_node_sample || (complete(fresh.node_sample) && fresh.node_sample.timestamp_ns != 0),
        "incomplete node kept by the metrics-server rules");
  for (const ContainerSample& c : fresh.containers) {
    check(complete(c.sample), "incomplete container kept by the metrics-server rules");
  }
  check_batch(fresh);
  return 0;
}
