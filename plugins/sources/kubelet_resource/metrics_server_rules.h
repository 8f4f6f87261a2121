#pragma once

// metrics-server's validation after decoding /metrics/resource, as a separate step: the default
// pipeline is more tolerant, and a `strict` mode applies exactly these rules.

#include "mpf/sdk/sample.h"

namespace mpf::sources::kubelet_resource {

// Drops what metrics-server's decoder (pkg/scraper/client/resource/decode.go) would not return:
//  - the node sample, unless it has a non-zero timestamp, CPU > 0 and memory > 0;
//  - every container of a pod when any of its containers has stored something (CPU, memory or a
//    start time) but lacks CPU or memory or has either at 0: metrics-server hides the whole pod;
//  - containers with neither CPU, memory nor start time (for example swap only): metrics-server never
//    sees them, they are dropped without affecting their pod;
//  - pod-level samples of pods with no surviving container, so that a pod metrics-server hides cannot
//    reappear through them. Surviving pods keep theirs; metrics-server itself never reads pod-level
//    series, so a pipeline reproducing its numbers sums containers.
// Order is kept. Runs once per scrape, off the per-sample path: it uses two temporary vectors.
void apply_metrics_server_drop_rules(NodeBatch& batch);

}  // namespace mpf::sources::kubelet_resource
