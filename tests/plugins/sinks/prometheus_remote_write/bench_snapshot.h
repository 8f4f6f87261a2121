#pragma once

// The benchmarks' snapshot: N nodes x 30 pods x 2 containers with realistic names (W5000: N = 5000,
// 150 000 pods, 1.2 M remote-write series), one scrape batch per node for the cumulative series.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::remote_write::bench {

inline constexpr int kPodsPerNode = 30;
inline constexpr int kContainersPerPod = 2;
inline constexpr const char* kNamespaces[] = {"kube-system", "default", "monitoring", "ingress-nginx", "cert-manager",
                                       "team-payments", "team-search", "logging", "istio-system", "batch-jobs"};
inline constexpr const char* kContainers[] = {"app", "istio-proxy"};

// "coredns-7d764666f9-qdcxt": a Deployment's pod name (replica-set hash, random suffix).
inline std::string pod_name(int i) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string name = "workload-" + std::to_string(i % 997) + "-7d764666f9-";
  unsigned v = static_cast<unsigned>(i) * 2654435761u;
  for (int k = 0; k < 5; ++k, v /= 27) name += kAlphabet[v % 27];
  return name;
}

inline std::string node_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "node-%05d", i);
  return buf;
}

inline Usage usage_of(std::int64_t ts, std::uint64_t cpu, std::uint64_t memory) {
  Usage u;
  u.timestamp_ns = ts;
  u.window_ns = 15000000000;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = kHasCpu | kHasMemory;
  return u;
}

// A snapshot as the pipeline publishes it, with one scrape batch per node (for the cumulative series).
// `offset_ns` moves every timestamp, so that successive snapshots are successive cycles.
inline std::shared_ptr<const Snapshot> make_snapshot(int nodes, std::int64_t offset_ns = 0) {
  auto s = std::make_shared<Snapshot>();
  const std::int64_t t0 = 1700000000000000000 + offset_ns;
  s->finished_at = std::chrono::system_clock::time_point(std::chrono::nanoseconds(t0 + 2000000000));
  std::vector<std::shared_ptr<NodeBatch>> batches;
  for (int n = 0; n < nodes; ++n) {
    const std::int64_t ts = t0 + n * 1000003;
    NodeMetrics& node = s->nodes.emplace_back();
    node.name = s->names.intern(node_name(n));
    node.usage = usage_of(ts, 1234567890u + n, 8000000000u + n);
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = node_name(n);
    Sample node_sample;
    node_sample.timestamp_ns = ts;
    node_sample.cpu_usage_core_ns = 987654321012345u + n;
    node_sample.present = kHasCpu | kHasMemory;
    batch->set_node(node_sample);
    batches.push_back(batch);
  }
  const int pods = nodes * kPodsPerNode;
  for (int p = 0; p < pods; ++p) {
    const int node = p % nodes;
    const char* ns = kNamespaces[(p / std::max(1, pods / 10)) % 10];  // sorted-by-namespace runs
    const std::string name = pod_name(p);
    const std::int64_t ts = t0 + p * 7919;
    PodMetrics pod;
    pod.namespace_name = s->names.intern(ns);
    pod.name = s->names.intern(name);
    pod.node = s->names.intern(node_name(node));
    pod.usage = usage_of(ts, 20000000u + p, 200000000u + p);
    pod.first_container = static_cast<std::uint32_t>(s->containers.size());
    pod.container_count = kContainersPerPod;
    s->pods.push_back(pod);
    for (const char* container : kContainers) {
      s->containers.push_back(ContainerMetrics{s->names.intern(container), usage_of(ts, 10000000u + p, 100000000u + p)});
      Sample sample;
      sample.timestamp_ns = ts;
      sample.cpu_usage_core_ns = 5000000000000u + static_cast<std::uint64_t>(p) * 1000;
      sample.present = kHasCpu | kHasMemory;
      batches[static_cast<std::size_t>(node)]->add_container(ns, name, container, sample);
    }
  }
  for (int n = 0; n < nodes; ++n) {
    s->scrapes.push_back(ScrapeResult{"kubelet", node_name(n), Status::ok(), FailureReason::kNone, {}, batches[static_cast<std::size_t>(n)]});
  }
  for (const char* ns : kNamespaces) {
    s->namespaces.push_back(NamespaceTotals{s->names.intern(ns), usage_of(t0, 1000, 2000), 1});
  }
  std::sort(s->namespaces.begin(), s->namespaces.end(), [&](const auto& a, const auto& b) {
    return s->names.name(a.name) < s->names.name(b.name);
  });
  s->cluster.nodes = usage_of(t0, 5000, 6000);
  return s;
}

}  // namespace mpf::sinks::remote_write::bench
