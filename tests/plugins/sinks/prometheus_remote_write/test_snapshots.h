#pragma once

// Snapshots built by hand for the remote write tests; the expected series are written out in the
// tests themselves.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::remote_write::test {

inline Usage usage(std::uint64_t cpu, std::uint64_t memory, std::uint16_t present, std::int64_t timestamp_ns,
                   std::uint64_t swap = 0) {
  Usage u;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.swap_usage_bytes = swap;
  u.present = present;
  u.timestamp_ns = timestamp_ns;
  return u;
}

inline NodeMetrics node_metrics(NameId name, const Usage& u) {
  NodeMetrics n;
  n.name = name;
  n.usage = u;
  return n;
}

inline ContainerMetrics container_metrics(NameId name, const Usage& u) {
  ContainerMetrics c;
  c.name = name;
  c.usage = u;
  return c;
}

/// Two nodes, two pods with three containers, one good and one failed scrape, one namespace total and
/// the cluster total (see SeriesEncoderTest.WritesEverySeriesOfASnapshot for what it must give).
inline Snapshot small_snapshot() {
  Snapshot s;
  s.cycle = 3;
  s.finished_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000100000));
  s.started_at = s.finished_at - std::chrono::seconds(1);
  const NameId node_a = s.names.intern("node-a");
  const NameId node_b = s.names.intern("node-b");
  const NameId def = s.names.intern("default");
  const NameId kube = s.names.intern("kube-system");

  s.nodes.push_back(node_metrics(node_a, usage(250000000, 1048576, kHasCpu | kHasMemory | kHasSwap,
                                              1700000000123456789, 4096)));
  s.nodes.push_back(node_metrics(node_b, usage(999, 2048, kHasMemory, 1700000000999999999)));

  PodMetrics web;
  web.namespace_name = def;
  web.name = s.names.intern("web-1");
  web.node = node_a;
  web.usage = usage(300, 500, kHasCpu | kHasMemory, 1700000001000000000);
  web.first_container = 0;
  web.container_count = 2;
  s.pods.push_back(web);
  s.containers.push_back(container_metrics(s.names.intern("app"), usage(100, 200, kHasCpu | kHasMemory, 1700000001000000000)));
  s.containers.push_back(container_metrics(s.names.intern("sidecar"), usage(200, 300, kHasCpu, 1700000002000000000)));

  PodMetrics dns;
  dns.namespace_name = kube;
  dns.name = s.names.intern("coredns-x");
  dns.node = node_b;
  dns.usage = usage(1, 2, 0, 1700000003000000000);  // nothing present: no pod series
  dns.first_container = 2;
  dns.container_count = 1;
  s.pods.push_back(dns);
  s.containers.push_back(container_metrics(s.names.intern("coredns"), usage(5, 7, kHasMemory, 1700000003000000000)));

  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "node-a";
  Sample node_sample;
  node_sample.cpu_usage_core_ns = 12500000000;
  node_sample.timestamp_ns = 1700000000500000000;
  node_sample.present = kHasCpu;
  batch->set_node(node_sample);
  Sample app;
  app.cpu_usage_core_ns = 3000000000;
  app.timestamp_ns = 1700000000600000000;
  app.present = kHasCpu | kHasMemory;
  batch->add_container("default", "web-1", "app", app);
  Sample sidecar;  // memory only: no cumulative CPU series
  sidecar.memory_working_set_bytes = 300;
  sidecar.timestamp_ns = 1700000000600000000;
  sidecar.present = kHasMemory;
  batch->add_container("default", "web-1", "sidecar", sidecar);
  s.scrapes.push_back(ScrapeResult{"kubelet", "node-a", Status::ok(), FailureReason::kNone, {}, batch});
  s.scrapes.push_back(ScrapeResult{"kubelet", "node-b", Status::retryable("dial tcp: i/o timeout"),
                                   FailureReason::kTimeout, {}, nullptr});

  s.namespaces.push_back(NamespaceTotals{def, usage(300, 500, kHasCpu | kHasMemory, 1700000001000000000), 1});
  s.namespaces.push_back(NamespaceTotals{kube, usage(0, 0, 0, 1700000003000000000), 1});
  s.cluster.nodes = usage(250000000, 1050624, kHasCpu | kHasMemory, 0);  // no time: finished_at stands in
  s.cluster.pods = usage(300, 500, kHasCpu | kHasMemory, 1700000001000000000);
  s.cluster.node_count = 2;
  s.cluster.pod_count = 2;
  return s;
}

/// `count` nodes node-0..node-<count-1> with only memory (= index) present, and nothing else.
inline Snapshot nodes_only(int count) {
  Snapshot s;
  for (int i = 0; i < count; ++i) {
    s.nodes.push_back(node_metrics(s.names.intern("node-" + std::to_string(i)),
                                  usage(0, static_cast<std::uint64_t>(i), kHasMemory, 1000000000)));
  }
  return s;
}

}  // namespace mpf::sinks::remote_write::test
