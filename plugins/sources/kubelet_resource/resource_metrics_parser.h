#pragma once

// The codec of the kubelet_resource source: the Prometheus text a kubelet serves on
// /metrics/resource, decoded into a NodeBatch. Pure (no I/O, no clock, no logging).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mpf/sdk/sample.h"
#include "mpf/sdk/status.h"

namespace mpf::sources::kubelet_resource {

struct ResourceParseOptions {
  // Timestamp, in ns since the Unix epoch, for samples that carry none: the wall-clock time the
  // request was sent, as metrics-server uses. Default: 0 (such samples then have no timestamp).
  std::int64_t default_timestamp_ns = 0;
};

// Longer lines fail the parse. Real lines are under 400 bytes (Kubernetes names are at most 253);
// the cap bounds the work a hostile or corrupted body can cause per line.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Decodes one /metrics/resource body into `out`.
//
// What is kept: node, container and pod-level CPU (core-ns, value x 1e9 rounded to nearest), memory
// working set and swap (bytes), container start times; the timestamp of each CPU/memory line
// (ms -> ns, or default_timestamp_ns when absent). Families the pipeline does not use (Windows
// commit bytes, swap limits, anything unknown) are checked for syntax and skipped.
//
// Values that cannot be true (NaN, +/-Inf, negative, >= 2^63 after scaling, a non-positive start
// time) are skipped sample by sample: nothing is stored for them and no node, pod or container entry
// is created for them alone. A container or pod line without its `namespace`/`pod`/`container` label
// (or with one empty) is skipped the same way.
//
// Fails with a permanent Status, "line N: ...", on anything the Prometheus text format rejects
// (a line that is not blank, a comment or `name[{labels}] value [timestamp]`; an unterminated or
// non-UTF-8 label value; a line longer than kMaxLineBytes), on a negative or zero timestamp (the
// kubelet's Go zero time; metrics-server rejects the node for it too) and when the kubelet reports
// `resource_scrape_error`/`scrape_error` other than 0. On failure `out` holds a partial decode and
// must be discarded: the caller fails this node only. An empty body is a success with no samples:
// the kubelet answered but had nothing, which the source classifies.
//
// A body cut short at a line boundary, or inside a value or timestamp, still parses: the transport
// must check that it read the whole body.
//
// Reuse: pass the same NodeBatch again without calling clear(). The parser resets the node sample,
// pods and containers but keeps the name table (unless it has grown far beyond what the last parse
// used), because NameTable::clear() also frees the table's hash nodes, so names interned again after
// it allocate. With the table kept, a body naming the same pods and containers as the previous one is
// decoded with zero heap allocations (up to 1024 containers and 1024 pods; past that the parse's
// series index goes to the heap, once per parse). node_name is the caller's and is never touched.
//
// Thread-safe: concurrent calls on different batches are fine (the scratch space is thread-local,
// fixed-size and trivially destructible, so it never pins the plugin's shared object).
Status parse_resource_metrics(std::string_view body, const ResourceParseOptions& options, NodeBatch& out);

// The same decode with the label-block cache switched off, so that every line's labels are parsed and
// looked up. Tests and the fuzzer compare it with parse_resource_metrics: the cache must never change
// a result.
Status parse_resource_metrics_uncached_for_test(std::string_view body, const ResourceParseOptions& options,
                                                NodeBatch& out);

}  // namespace mpf::sources::kubelet_resource
