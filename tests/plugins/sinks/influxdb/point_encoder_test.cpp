#include "point_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace mpf::sinks::influxdb {
namespace {

Usage usage(std::int64_t ts, std::uint64_t cpu, std::uint64_t memory, std::uint16_t present) {
  Usage u;
  u.timestamp_ns = ts;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = present;
  return u;
}

// One node, one pod with one container, its scrape, the namespace and cluster totals.
Snapshot small_snapshot() {
  Snapshot s;
  NodeMetrics node;
  node.name = s.names.intern("node-1");
  node.usage = usage(1000, 250000000, 1048576, kHasCpu | kHasMemory | kHasSwap);
  s.nodes.push_back(node);

  PodMetrics pod;
  pod.namespace_name = s.names.intern("default");
  pod.name = s.names.intern("web-0");
  pod.node = s.names.intern("node-1");
  pod.usage = usage(1000, 100, 2000, kHasCpu | kHasMemory);
  pod.first_container = 0;
  pod.container_count = 1;
  s.pods.push_back(pod);
  ContainerMetrics container;
  container.name = s.names.intern("nginx");
  container.usage = usage(1000, 100, 0, kHasCpu);  // memory absent: not written
  s.containers.push_back(container);

  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "node-1";
  Sample node_sample;
  node_sample.timestamp_ns = 990;
  node_sample.cpu_usage_core_ns = 5000000000;
  node_sample.present = kHasCpu;
  batch->set_node(node_sample);
  Sample with_cpu;
  with_cpu.timestamp_ns = 980;
  with_cpu.cpu_usage_core_ns = 123456789;
  with_cpu.memory_working_set_bytes = 7;
  with_cpu.present = kHasCpu | kHasMemory;
  batch->add_container("default", "web-0", "nginx", with_cpu);
  Sample without_cpu;
  without_cpu.timestamp_ns = 980;
  without_cpu.memory_working_set_bytes = 9;
  without_cpu.present = kHasMemory;
  batch->add_container("default", "web-0", "sidecar", without_cpu);
  ScrapeResult ok;
  ok.source = "kubelet";
  ok.target = "node-1";
  ok.batch = batch;
  s.scrapes.push_back(ok);
  ScrapeResult failed;
  failed.target = "node-2";
  failed.status = Status::retryable("timeout");
  s.scrapes.push_back(failed);

  NamespaceTotals ns;
  ns.name = s.names.intern("default");
  ns.usage = usage(1000, 100, 2000, kHasCpu | kHasMemory);
  ns.pods = 1;
  s.namespaces.push_back(ns);
  s.cluster.nodes = usage(1000, 250000000, 1048576, kHasCpu | kHasMemory);
  s.cluster.pods = usage(1000, 100, 2000, kHasCpu | kHasMemory);
  s.cluster.node_count = 1;
  s.cluster.pod_count = 1;
  return s;
}

struct Collected {
  std::vector<std::string> batches;
  std::vector<std::size_t> fields;
  std::string all() const {
    std::string text;
    for (const auto& b : batches) text += b;
    return text;
  }
};

Collected encode(const PointEncoder& encoder, const Snapshot& s) {
  Collected c;
  EXPECT_TRUE(encoder.encode(s, [&](std::string&& lines, std::size_t fields) {
    c.batches.push_back(std::move(lines));
    c.fields.push_back(fields);
    return true;
  }));
  return c;
}

PointEncoderOptions with_tags() {
  PointEncoderOptions o;
  o.extra_tags = {{"zone", "eu west"}, {"cluster", "prod"}};
  return o;
}

TEST(PointEncoderTest, WritesTelegrafKubernetesLines) {
  Collected c = encode(PointEncoder(with_tags()), small_snapshot());
  const std::string expected =
      "kubernetes_node,cluster=prod,node_name=node-1,zone=eu\\ west "
      "cpu_usage_nanocores=250000000i,memory_working_set_bytes=1048576i,swap_usage_bytes=0i 1000\n"
      "kubernetes_node,cluster=prod,node_name=node-1,zone=eu\\ west cpu_usage_core_nanoseconds=5000000000i 990\n"
      "kubernetes_pod,cluster=prod,namespace=default,node_name=node-1,pod_name=web-0,zone=eu\\ west "
      "cpu_usage_nanocores=100i,memory_working_set_bytes=2000i 1000\n"
      "kubernetes_pod_container,cluster=prod,container_name=nginx,namespace=default,node_name=node-1,"
      "pod_name=web-0,zone=eu\\ west cpu_usage_nanocores=100i 1000\n"
      "kubernetes_pod_container,cluster=prod,container_name=nginx,namespace=default,node_name=node-1,"
      "pod_name=web-0,zone=eu\\ west cpu_usage_core_nanoseconds=123456789i 980\n"
      "kubernetes_namespace,cluster=prod,namespace=default,zone=eu\\ west "
      "cpu_usage_nanocores=100i,memory_working_set_bytes=2000i,pod_count=1i 1000\n"
      "kubernetes_cluster,cluster=prod,zone=eu\\ west "
      "node_cpu_usage_nanocores=250000000i,node_memory_working_set_bytes=1048576i,pod_cpu_usage_nanocores=100i,"
      "pod_memory_working_set_bytes=2000i,node_count=1i,pod_count=1i 1000\n";
  ASSERT_EQ(c.batches.size(), 1u);
  EXPECT_EQ(c.batches[0], expected);
  // 3 node + 1 node counter + 2 pod + 1 container + 1 container counter + 3 namespace + 6 cluster.
  EXPECT_EQ(c.fields[0], 17u);
}

TEST(PointEncoderTest, WithoutTotalsOrExtraTags) {
  PointEncoderOptions o;
  o.totals = false;
  Collected c = encode(PointEncoder(o), small_snapshot());
  ASSERT_EQ(c.batches.size(), 1u);
  EXPECT_EQ(c.batches[0].find("kubernetes_namespace"), std::string::npos);
  EXPECT_EQ(c.batches[0].find("kubernetes_cluster"), std::string::npos);
  EXPECT_EQ(c.batches[0].substr(0, c.batches[0].find('\n')),
            "kubernetes_node,node_name=node-1 cpu_usage_nanocores=250000000i,memory_working_set_bytes=1048576i,"
            "swap_usage_bytes=0i 1000");
  EXPECT_EQ(c.fields[0], 8u);
}

TEST(PointEncoderTest, CutsBatchesAtMaxLines) {
  PointEncoderOptions o = with_tags();
  const std::string whole = encode(PointEncoder(o), small_snapshot()).all();
  o.max_lines_per_batch = 3;
  Collected c = encode(PointEncoder(o), small_snapshot());
  ASSERT_EQ(c.batches.size(), 3u);  // 7 lines: 3 + 3 + 1
  EXPECT_EQ(c.all(), whole);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(std::count(c.batches[i].begin(), c.batches[i].end(), '\n'), 3) << i;
  }
  EXPECT_EQ(c.fields[0], 6u);  // node 3 + node counter 1 + pod 2
  EXPECT_EQ(c.fields[1], 5u);  // container 1 + counter 1 + namespace 3
  EXPECT_EQ(c.fields[2], 6u);  // cluster
}

TEST(PointEncoderTest, StopsWhenTheSinkSaysSo) {
  PointEncoderOptions o;
  o.max_lines_per_batch = 1;
  int calls = 0;
  EXPECT_FALSE(PointEncoder(o).encode(small_snapshot(), [&](std::string&&, std::size_t) {
    ++calls;
    return false;
  }));
  EXPECT_EQ(calls, 1);
}

TEST(PointEncoderTest, EmptySnapshotMakesNoBatch) {
  Collected c = encode(PointEncoder(PointEncoderOptions{}), Snapshot{});
  EXPECT_TRUE(c.batches.empty());
}

TEST(PointEncoderTest, NoClusterLineWhenTotalsWereNotComputed) {
  Snapshot s = small_snapshot();
  s.namespaces.clear();
  s.cluster = ClusterTotals{};
  Collected c = encode(PointEncoder(PointEncoderOptions{}), s);
  ASSERT_EQ(c.batches.size(), 1u);
  EXPECT_EQ(c.batches[0].find("kubernetes_cluster"), std::string::npos);
  EXPECT_EQ(std::count(c.batches[0].begin(), c.batches[0].end(), '\n'), 5);
}

TEST(PointEncoderTest, EmptyTagValueIsLeftOutAndMissingTimeIsTheCycleEnd) {
  Snapshot s;
  s.finished_at = std::chrono::system_clock::time_point(std::chrono::seconds(2));
  NodeMetrics node;  // kEmptyName
  node.usage = usage(0, 5, 0, kHasCpu);
  s.nodes.push_back(node);
  NodeMetrics nothing;  // no value present: no line at all
  nothing.name = s.names.intern("idle");
  s.nodes.push_back(nothing);
  PointEncoderOptions o;
  o.totals = false;
  Collected c = encode(PointEncoder(o), s);
  ASSERT_EQ(c.batches.size(), 1u);
  EXPECT_EQ(c.batches[0], "kubernetes_node cpu_usage_nanocores=5i 2000000000\n");
}

TEST(PointEncoderTest, NamesAreEscaped) {
  Snapshot s;
  PodMetrics pod;
  pod.namespace_name = s.names.intern("a,b");
  pod.name = s.names.intern("p=1 x");
  pod.usage = usage(7, 1, 2, kHasCpu | kHasMemory);
  s.pods.push_back(pod);
  PointEncoderOptions o;
  o.totals = false;
  o.extra_tags = {{"a b", "c\nd"}};
  Collected c = encode(PointEncoder(o), s);
  ASSERT_EQ(c.batches.size(), 1u);
  EXPECT_EQ(c.batches[0],
            "kubernetes_pod,a\\ b=c\\ d,namespace=a\\,b,pod_name=p\\=1\\ x "
            "cpu_usage_nanocores=1i,memory_working_set_bytes=2i 7\n");
}

}  // namespace
}  // namespace mpf::sinks::influxdb
