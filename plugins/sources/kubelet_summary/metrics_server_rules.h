#pragma once

// metrics-server v0.5's validation of a decoded /stats/summary (pkg/scraper/client/summary/decode.go),
// applied to a NodeBatch from parse_summary(). For a metrics-server-compatible mode of the source and
// for checking the parser against metrics-server's own decode results.
//
// The rules: the node is kept only with a timestamp (cpu.time), a non-zero usageCoreNanoSeconds and
// a non-zero workingSetBytes ("we don't incorrectly report metric values as zero"). A pod is dropped
// with all its containers when any container lacks startTime or a timestamp, or has a missing or zero
// usageCoreNanoSeconds or workingSetBytes ("the HPA treats missing differently from zero").
//
// One difference: metrics-server needs cpu.time itself, while the parser falls back to memory.time,
// so a container whose cpu block has usageCoreNanoSeconds but no time (never seen from a kubelet) is
// kept here and dropped by metrics-server. Pod-level samples, which metrics-server never read, are
// removed with their pod and otherwise left alone.

#include <cstdint>

#include "mpf/sdk/sample.h"

namespace mpf::sources::kubelet_summary {

struct MetricsServerDrops {
  bool node_dropped = false;
  std::uint32_t pods_dropped = 0;  // distinct (namespace, pod) whose containers were removed
};

// Removes in place what metrics-server v0.5 would have discarded. Allocates only when pods are dropped.
MetricsServerDrops apply_metrics_server_rules(NodeBatch& batch);

}  // namespace mpf::sources::kubelet_summary
