#pragma once

#include <chrono>
#include <memory>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::jsonl::test {

// 1700000000 s since the epoch is 2023-11-14T22:13:20Z.
inline constexpr std::int64_t kBaseNs = 1700000000LL * 1000000000LL;

inline Usage usage(std::int64_t timestamp_ns, std::int64_t window_ns, std::uint64_t cpu, std::uint64_t memory,
                   std::uint16_t present) {
  Usage u;
  u.timestamp_ns = timestamp_ns;
  u.window_ns = window_ns;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = present;
  return u;
}

/// Two nodes (n2 reports memory only and was not scraped), one pod with two containers on n1, one
/// namespace, cluster totals and two scrape results (n1 ok with a batch, n2 timed out).
inline Snapshot make_snapshot() {
  Snapshot s;
  s.cycle = 12;
  s.started_at = std::chrono::system_clock::time_point(std::chrono::nanoseconds(kBaseNs));
  s.finished_at = s.started_at + std::chrono::milliseconds(500);

  NodeMetrics n1;
  n1.name = s.names.intern("n1");
  n1.usage = usage(kBaseNs + 123456789, 15000000000, 250000000, 1048576, kHasCpu | kHasMemory);
  NodeMetrics n2;
  n2.name = s.names.intern("n2");
  n2.usage = usage(0, 0, 0, 2048, kHasMemory);
  s.nodes = {n1, n2};

  PodMetrics pod;
  pod.node = n1.name;
  pod.namespace_name = s.names.intern("default");
  pod.name = s.names.intern("web");
  pod.usage = usage(kBaseNs + 100000000, 10000000000, 300, 400, kHasCpu | kHasMemory);
  pod.first_container = 0;
  pod.container_count = 2;
  s.pods = {pod};
  ContainerMetrics app;
  app.name = s.names.intern("app");
  app.usage = usage(kBaseNs + 100000000, 10000000000, 100, 150, kHasCpu | kHasMemory | kHasSwap);
  app.usage.swap_usage_bytes = 7;
  ContainerMetrics side;
  side.name = s.names.intern("side");
  side.usage = usage(kBaseNs + 100000000, 10000000000, 0, 250, kHasMemory);
  s.containers = {app, side};

  NamespaceTotals ns;
  ns.name = pod.namespace_name;
  ns.pods = 1;
  ns.usage = usage(kBaseNs + 100000000, 10000000000, 300, 400, kHasCpu | kHasMemory);
  s.namespaces = {ns};
  s.cluster.node_count = 2;
  s.cluster.pod_count = 1;
  s.cluster.nodes = usage(kBaseNs + 123456789, 15000000000, 250000000, 1050624, kHasCpu | kHasMemory);
  s.cluster.pods = usage(kBaseNs + 100000000, 10000000000, 300, 400, kHasCpu | kHasMemory);

  // The batch interns names in another order than the snapshot, so its ids differ.
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "n1";
  batch->names.intern("unrelated");
  Sample node_sample;
  node_sample.cpu_usage_core_ns = 5000;
  node_sample.present = kHasCpu;
  batch->set_node(node_sample);
  Sample side_sample;
  side_sample.memory_working_set_bytes = 250;
  side_sample.present = kHasMemory;  // no CPU counter: no cumulative field
  batch->add_container("default", "web", "side", side_sample);
  Sample app_sample;
  app_sample.cpu_usage_core_ns = 1000;
  app_sample.present = kHasCpu;
  batch->add_container("default", "web", "app", app_sample);
  Sample pod_sample;
  pod_sample.cpu_usage_core_ns = 3000;
  pod_sample.present = kHasCpu;
  batch->add_pod("default", "web", pod_sample);
  s.scrapes.push_back(ScrapeResult{"kubelet", "n1", Status::ok(), FailureReason::kNone,
                                   std::chrono::milliseconds(250), batch});
  s.scrapes.push_back(ScrapeResult{"kubelet", "n2", Status::retryable("dial tcp: i/o timeout"),
                                   FailureReason::kTimeout, std::chrono::milliseconds(2500), nullptr});
  return s;
}

}  // namespace mpf::sinks::jsonl::test
