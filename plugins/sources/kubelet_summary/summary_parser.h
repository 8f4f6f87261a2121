#pragma once

// The pure codec of the kubelet_summary source: the body of
// `GET /stats/summary?only_cpu_and_memory=true` (kubelet Summary API, stats/v1alpha1) to a NodeBatch.
// No I/O; streamed with RapidJSON's SAX reader, never a DOM.
//
// What is read, and where it goes (everything else, at any depth and of any type, is skipped):
//   node.startTime                          -> node_sample.start_time_ns        kHasStartTime
//   node.cpu.usageCoreNanoSeconds           -> node_sample.cpu_usage_core_ns    kHasCpu
//   node.cpu.usageNanoCores (option)        -> node_sample.cpu_rate_nanocores   kHasCpuRate
//   node.memory.workingSetBytes             -> node_sample.memory_working_set_bytes  kHasMemory
//   node.swap.swapUsageBytes                -> node_sample.swap_usage_bytes     kHasSwap
//   pods[].podRef.{name,namespace}          -> names of the pod and its containers
//   pods[].{startTime,cpu,memory,swap}      -> NodeBatch::pods (the pod cgroup, incl. the sandbox)
//   pods[].ephemeral-storage.usedBytes      -> pod ephemeral_storage_bytes      kHasEphemeralStorage
//   pods[].containers[].{name,startTime,cpu,memory,swap} -> NodeBatch::containers
// Sample::timestamp_ns is the block's `time`: cpu.time as metrics-server v0.5 used, else memory.time,
// else swap.time, else ephemeral-storage.time; 0 when none is given (consumers must treat 0 as "no
// time", not as 1970). node.nodeName is only compared with NodeBatch::node_name (see the stats).
//
// Decisions about what the kubelet sends:
// - A missing or null field leaves its present bit clear; no zero is ever invented. A reported zero
//   (the broken cgroup v2 node of metrics-server's KNOWN_ISSUES) is kept with its bit set: dropping
//   it is a policy of the aggregation stage (see metrics_server_rules.h for metrics-server's).
// - A number at a used key that is negative, fractional or >= 2^63 is not trusted: the field stays
//   absent and SummaryParseStats::rejected_values counts it. Whole numbers written with a fraction or
//   exponent (`1.449984e+06`) are converted exactly. Numbers at skipped keys are only scanned, never
//   converted, so uint64-max inode counts or PSI float averages cost nothing (a number beyond the
//   range of a double, `1e400`, is still a syntax error for the reader, wherever it is).
// - A time that is valid RFC 3339 but outside int64 nanoseconds (Go's zero time, year 1) is treated
//   as absent and counted; a time that is not RFC 3339 is a malformed body.
// - Pods are the 2017 schema's or today's: a pod without pod-level cpu/memory/swap/ephemeral-storage
//   values adds no PodSample, its containers are still added.
// - A container name repeated within one pod (kubelet v1.15 listed every container twice): the first
//   occurrence is kept, the others are dropped and counted. Repeated pods are not merged here.
// - A pod without podRef.name or podRef.namespace, or a container without a name, cannot be served
//   and is dropped and counted (a dropped pod takes its containers with it).
//
// Failures (StatusCode::kPermanent, the message names the byte offset): syntax errors, truncated or
// empty bodies, a root that is not an object, wrong types at used keys (`"cpu": "x"`, `"pods": {}`,
// `"usageCoreNanoSeconds": "5"`; null is fine everywhere), a used key repeated in one object
// (duplicates among skipped keys are ignored: they cannot change the result), a pod, namespace or
// container name that is not valid UTF-8 (other strings are skipped or must be ASCII RFC 3339),
// nesting deeper than kMaxNestingDepth, a NUL byte, a body of 4 GiB or more. Input is never trusted:
// no crash, no read outside `body`, no exception (RapidJSON's reader does not throw, and no
// RAPIDJSON_ASSERT can fire on input once the size is checked).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/sample.h"
#include "mpf/sdk/status.h"

namespace mpf::sources::kubelet_summary {

struct SummaryParseOptions {
  // Also read cpu.usageNanoCores, the CPU rate the kubelet (cAdvisor) computes itself, into
  // cpu_rate_nanocores / kHasCpuRate, as metrics-server <= 0.4 did. Those versions served it with a
  // fixed 30 s window (kubernetesCadvisorWindow); choosing that window is the aggregation stage's
  // job, the parser only reports the rate. usageCoreNanoSeconds is read either way; a node or pod
  // whose only value is the rate has a sample only with this option.
  // Default: false (metrics-server >= 0.5 computes rates from the cumulative counter).
  bool use_usage_nano_cores = false;
};

// What the parser dropped or noticed, for the source to log and count. Reset by every parse.
struct SummaryParseStats {
  // Later occurrences of a container name within one pod (kubelet v1.15 bug), dropped.
  std::uint32_t duplicate_containers = 0;
  // Pods without podRef.name/namespace and containers without a name, dropped.
  std::uint32_t unnamed_entries = 0;
  // Numbers at used keys left absent: negative, fractional or >= 2^63.
  std::uint32_t rejected_values = 0;
  // Valid RFC 3339 times outside the int64 nanosecond range (1677..2262), left absent.
  std::uint32_t out_of_range_times = 0;
  // node.nodeName is present and differs from a non-empty NodeBatch::node_name.
  bool node_name_mismatch = false;
};

// Deeper JSON nesting is refused. A summary nests 6 levels (pods[].containers[].cpu.psi.full); the
// cap bounds the reader's recursion on hostile input.
inline constexpr int kMaxNestingDepth = 64;

// A reusable parser. It keeps its scratch buffers (an in-situ copy of the body, the pending
// containers of the current pod, duplicate marks) between calls, so parsing into a reused NodeBatch
// allocates nothing of its own in steady state. Not thread-safe: one per source worker.
class SummaryParser {
 public:
  // Fills `out` from `body`. Keeps out.node_name (set by the caller, the scrape target); replaces
  // everything else. On failure `out` holds no samples and the Status is permanent.
  // `stats` may be null.
  Status parse(std::string_view body, const SummaryParseOptions& options, NodeBatch& out,
               SummaryParseStats* stats = nullptr);

 private:
  struct PendingContainer {
    std::string_view name;  // points into buffer_, valid until the next parse
    Sample sample;
  };
  friend class SummaryHandler;

  std::string buffer_;
  std::vector<PendingContainer> pending_;
  std::vector<std::uint32_t> name_marks_;
};

// One-shot convenience: a fresh SummaryParser per call (so its buffers are allocated per call).
Status parse_summary(std::string_view body, const SummaryParseOptions& options, NodeBatch& out,
                     SummaryParseStats* stats = nullptr);

}  // namespace mpf::sources::kubelet_summary
