// Every fixture of tests/fixtures/kubelet/resource decoded, with expected values worked out by hand
// from the fixture text (the arithmetic is in the comments).

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "metrics_server_rules.h"
#include "resource_metrics_parser.h"
#include "tests/plugins/sources/kubelet_resource/test_util.h"

namespace mpf::sources::kubelet_resource {
namespace {

using testing::find_container;
using testing::find_pod;
using testing::read_fixture;

constexpr const char* k70Pods = "resource-v1.21-kind-70pods-no-starttime-metrics-server.txt";
constexpr const char* kKind2024 = "resource-2024-kind-alpha-cgroupv2-usec-songleo-blog.txt";
constexpr const char* kSwap = "resource-fragment-v1.28-swap-grep-uint64-underflow-kep2400.txt";
constexpr const char* kNegative = "resource-fragment-negative-starttime-zero-timestamp-metrics-server.txt";
constexpr const char* kCatalog = "kubelet-resource-metrics-help-type-catalog-k8s-master.txt";

// Start times are float64 seconds; x 1e9 they land near 1.7e18, where float64 values are 256 apart.
// The exact decimal product is written down and compared within that resolution.
constexpr std::int64_t kStartTimeResolutionNs = 256;

NodeBatch parse_fixture(const char* name) {
  NodeBatch batch;
  const std::string body = read_fixture(name);
  EXPECT_FALSE(body.empty()) << name;
  const Status status = parse_resource_metrics(body, ResourceParseOptions{}, batch);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return batch;
}

TEST(ResourceFixture, Kind70PodsNode) {
  const NodeBatch b = parse_fixture(k70Pods);
  ASSERT_TRUE(b.has_node_sample);
  // node_cpu_usage_seconds_total 357.35491 1633253809720
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 357354910000u);  // 357.35491 s x 1e9 = 357354910000 ns
  // node_memory_working_set_bytes 1.616273408e+09 1633253809720
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 1616273408u);  // 1.616273408 x 10^9 bytes
  // Both lines carry 1633253809720 ms; x 1e6 = 1633253809720000000 ns (2021-10-03T09:36:49.72Z).
  EXPECT_EQ(b.node_sample.timestamp_ns, 1633253809720000000);
  EXPECT_EQ(b.node_sample.present, kHasCpu | kHasMemory);
}

TEST(ResourceFixture, Kind70PodsContainers) {
  const NodeBatch b = parse_fixture(k70Pods);
  // 70 container_cpu lines and 70 container_memory lines for the same 70 series; one container per pod.
  ASSERT_EQ(b.containers.size(), 70u);
  int kube_system = 0, local_path = 0, sleeper = 0;
  for (const ContainerSample& c : b.containers) {
    const std::string_view ns = b.names.name(c.namespace_name);
    kube_system += ns == "kube-system";
    local_path += ns == "local-path-storage";
    sleeper += ns == "sleeper-1";
    // This kubelet (v1.21) has no container_start_time_seconds yet.
    EXPECT_EQ(c.sample.present, kHasCpu | kHasMemory) << b.names.name(c.pod_name);
  }
  EXPECT_EQ(kube_system, 9);
  EXPECT_EQ(local_path, 1);
  EXPECT_EQ(sleeper, 60);

  const ContainerSample* etcd = find_container(b, "kube-system", "etcd-e2e-control-plane", "etcd");
  ASSERT_NE(etcd, nullptr);
  EXPECT_EQ(etcd->sample.cpu_usage_core_ns, 31349402000u);        // 31.349402 s x 1e9
  EXPECT_EQ(etcd->sample.memory_working_set_bytes, 40783872u);    // 4.0783872e+07
  EXPECT_EQ(etcd->sample.timestamp_ns, 1633253814387000000);      // 1633253814387 ms x 1e6

  const ContainerSample* apiserver =
      find_container(b, "kube-system", "kube-apiserver-e2e-control-plane", "kube-apiserver");
  ASSERT_NE(apiserver, nullptr);
  EXPECT_EQ(apiserver->sample.cpu_usage_core_ns, 86500663000u);      // 86.500663 s x 1e9
  EXPECT_EQ(apiserver->sample.memory_working_set_bytes, 353316864u);  // 3.53316864e+08
  EXPECT_EQ(apiserver->sample.timestamp_ns, 1633253814382000000);

  const ContainerSample* coredns = find_container(b, "kube-system", "coredns-558bd4d5db-4dpjz", "coredns");
  ASSERT_NE(coredns, nullptr);
  EXPECT_EQ(coredns->sample.cpu_usage_core_ns, 4710169000u);       // 4.710169 s x 1e9
  EXPECT_EQ(coredns->sample.memory_working_set_bytes, 12533760u);  // 1.253376e+07
  EXPECT_EQ(coredns->sample.timestamp_ns, 1633253812125000000);

  const ContainerSample* sleeper9 = find_container(b, "sleeper-1", "sleeper-9-5744dbc77c-q6mg9", "sleeper");
  ASSERT_NE(sleeper9, nullptr);
  EXPECT_EQ(sleeper9->sample.cpu_usage_core_ns, 1055063000u);   // 1.055063 s x 1e9
  EXPECT_EQ(sleeper9->sample.memory_working_set_bytes, 495616u);  // written as a plain integer
  EXPECT_EQ(sleeper9->sample.timestamp_ns, 1633253813998000000);
}

TEST(ResourceFixture, Kind70PodsPodLevelSamples) {
  const NodeBatch b = parse_fixture(k70Pods);
  ASSERT_EQ(b.pods.size(), 70u);  // 70 pod_cpu and 70 pod_memory lines

  const PodSample* kindnet = find_pod(b, "kube-system", "kindnet-blbtj");
  ASSERT_NE(kindnet, nullptr);
  // 1.027602 x 1e9 is 1027601999.9999999 in float64: truncating (Go's uint64(v*1e9)) would give
  // 1027601999; rounding to nearest gives the intended 1027602000 ns.
  EXPECT_EQ(kindnet->sample.cpu_usage_core_ns, 1027602000u);
  EXPECT_EQ(kindnet->sample.memory_working_set_bytes, 8708096u);  // 8.708096e+06
  EXPECT_EQ(kindnet->sample.timestamp_ns, 1633253817933000000);
  EXPECT_EQ(kindnet->sample.present, kHasCpu | kHasMemory);

  // Same float64 effect: 1.060868 -> 1060867999.9999999, 1.014714 -> 1014713999.9999999.
  const PodSample* ftvv5 = find_pod(b, "sleeper-1", "sleeper-5-76fb4f7cdf-ftvv5");
  ASSERT_NE(ftvv5, nullptr);
  EXPECT_EQ(ftvv5->sample.cpu_usage_core_ns, 1060868000u);
  EXPECT_EQ(ftvv5->sample.memory_working_set_bytes, 585728u);
  EXPECT_EQ(ftvv5->sample.timestamp_ns, 1633253807769000000);
  const PodSample* kbmqg = find_pod(b, "sleeper-1", "sleeper-5-76fb4f7cdf-kbmqg");
  ASSERT_NE(kbmqg, nullptr);
  EXPECT_EQ(kbmqg->sample.cpu_usage_core_ns, 1014714000u);

  // The pod includes its sandbox, so it uses a little more than its only container:
  // pod 31.126403 s (ts ...810138) vs container 31.349402 s (ts ...814387): sampled at other times.
  const PodSample* etcd = find_pod(b, "kube-system", "etcd-e2e-control-plane");
  ASSERT_NE(etcd, nullptr);
  EXPECT_EQ(etcd->sample.cpu_usage_core_ns, 31126403000u);
  EXPECT_EQ(etcd->sample.memory_working_set_bytes, 40488960u);  // 4.048896e+07
}

TEST(ResourceFixture, Kind70PodsSurvivesMetricsServerRules) {
  NodeBatch b = parse_fixture(k70Pods);
  apply_metrics_server_drop_rules(b);
  // Every value is non-zero: nothing is dropped.
  EXPECT_TRUE(b.has_node_sample);
  EXPECT_EQ(b.containers.size(), 70u);
  EXPECT_EQ(b.pods.size(), 70u);
}

TEST(ResourceFixture, Kind2024Node) {
  const NodeBatch b = parse_fixture(kKind2024);
  ASSERT_TRUE(b.has_node_sample);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 5716152579000u);         // 5716.152579 s x 1e9
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 2642427904u);     // 2.642427904e+09
  EXPECT_EQ(b.node_sample.timestamp_ns, 1704815761870000000);         // 1704815761870 ms x 1e6
}

TEST(ResourceFixture, Kind2024ContainersWithStartTimes) {
  const NodeBatch b = parse_fixture(kKind2024);
  // 12 series in each container family; awx-web-... has 3 containers, awx-operator-... has 2.
  ASSERT_EQ(b.containers.size(), 12u);
  for (const ContainerSample& c : b.containers) {
    EXPECT_EQ(c.sample.present, kHasCpu | kHasMemory | kHasStartTime) << b.names.name(c.container_name);
  }

  const ContainerSample* web = find_container(b, "awx", "awx-web-5d5d7ccf85-7jjgm", "awx-web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->sample.cpu_usage_core_ns, 60113340000u);         // 60.11334 s x 1e9
  EXPECT_EQ(web->sample.memory_working_set_bytes, 964734976u);    // 9.64734976e+08
  EXPECT_EQ(web->sample.timestamp_ns, 1704815757326000000);       // the CPU/memory lines' ms x 1e6
  // 1.704801726697293e+09 s x 1e9 = 1704801726697293000 ns. The line's own timestamp
  // (1704801726697, i.e. ...697000000 ns, kubernetes#117880) is ignored.
  EXPECT_NEAR(static_cast<double>(web->sample.start_time_ns - 1704801726697293000), 0.0, kStartTimeResolutionNs);

  const ContainerSample* redis = find_container(b, "awx", "awx-web-5d5d7ccf85-7jjgm", "redis");
  ASSERT_NE(redis, nullptr);
  EXPECT_EQ(redis->sample.cpu_usage_core_ns, 28026551000u);       // 28.026551 s x 1e9
  EXPECT_EQ(redis->sample.memory_working_set_bytes, 11104256u);   // 1.1104256e+07
  // 1.7048017264993064e+09 s x 1e9 = 1704801726499306400 ns
  EXPECT_NEAR(static_cast<double>(redis->sample.start_time_ns - 1704801726499306400), 0.0, kStartTimeResolutionNs);

  const ContainerSample* nginx = find_container(b, "default", "nginx-57d84f57dc-4497c", "nginx");
  ASSERT_NE(nginx, nullptr);
  EXPECT_EQ(nginx->sample.cpu_usage_core_ns, 92544000u);          // 0.092544 s x 1e9
  EXPECT_EQ(nginx->sample.memory_working_set_bytes, 7729152u);    // 7.729152e+06
  EXPECT_EQ(nginx->sample.timestamp_ns, 1704815758476000000);
  // 1.7048029014110909e+09 s x 1e9 = 1704802901411090900 ns
  EXPECT_NEAR(static_cast<double>(nginx->sample.start_time_ns - 1704802901411090900), 0.0, kStartTimeResolutionNs);

  // Two containers named "manager" in two pods of flux-system stay apart.
  const ContainerSample* helm = find_container(b, "flux-system", "helm-controller-865448769d-vq8q6", "manager");
  const ContainerSample* source = find_container(b, "flux-system", "source-controller-fc5555fb-j548x", "manager");
  ASSERT_NE(helm, nullptr);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(helm->sample.cpu_usage_core_ns, 24254694000u);    // 24.254694 s
  EXPECT_EQ(source->sample.cpu_usage_core_ns, 42873903000u);  // 42.873903 s
}

TEST(ResourceFixture, Kind2024PodLevelSamples) {
  const NodeBatch b = parse_fixture(kKind2024);
  ASSERT_EQ(b.pods.size(), 9u);
  const PodSample* web = find_pod(b, "awx", "awx-web-5d5d7ccf85-7jjgm");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->sample.cpu_usage_core_ns, 144355584000u);        // 144.355584 s x 1e9
  EXPECT_EQ(web->sample.memory_working_set_bytes, 1138728960u);   // 1.13872896e+09
  EXPECT_EQ(web->sample.timestamp_ns, 1704815767669000000);
  // Containers: 56.16757 + 60.11334 + 28.026551 = 144.307461 s <= pod 144.355584 s (sandbox, other time).
  EXPECT_EQ(web->sample.present, kHasCpu | kHasMemory);
}

TEST(ResourceFixture, Kind2024SurvivesMetricsServerRules) {
  NodeBatch b = parse_fixture(kKind2024);
  apply_metrics_server_drop_rules(b);
  EXPECT_TRUE(b.has_node_sample);
  EXPECT_EQ(b.containers.size(), 12u);
  EXPECT_EQ(b.pods.size(), 9u);
}

TEST(ResourceFixture, SwapUnderflowFragment) {
  const NodeBatch b = parse_fixture(kSwap);
  // node_swap_usage_bytes 1.8446743709127774e+19 is a uint64 that wrapped below zero in the kubelet
  // (2^64 = 1.8446744073709552e19, so it stands for about -3.6e11 bytes): >= 2^63, skipped; the node
  // has nothing else, so no node sample.
  EXPECT_FALSE(b.has_node_sample);

  ASSERT_EQ(b.containers.size(), 2u);
  const ContainerSample* c1 = find_container(b, "default", "test-pod", "c1");
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(c1->sample.swap_usage_bytes, 34400333824u);  // 3.4400333824e+10
  EXPECT_EQ(c1->sample.present, kHasSwap);               // grep swap: no CPU/memory lines
  EXPECT_EQ(c1->sample.timestamp_ns, 1687950863878000000);  // swap's own time: nothing else set one
  const ContainerSample* coredns = find_container(b, "kube-system", "coredns-8f5847b64-t9gmr", "coredns");
  ASSERT_NE(coredns, nullptr);
  EXPECT_EQ(coredns->sample.swap_usage_bytes, 0u);  // a real zero: the bit is set
  EXPECT_EQ(coredns->sample.present, kHasSwap);

  ASSERT_EQ(b.pods.size(), 2u);
  const PodSample* pod = find_pod(b, "default", "test-pod");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->sample.swap_usage_bytes, 34379333632u);  // 3.4379333632e+10
  EXPECT_EQ(pod->sample.timestamp_ns, 1687950858784000000);
  const PodSample* coredns_pod = find_pod(b, "kube-system", "coredns-8f5847b64-t9gmr");
  ASSERT_NE(coredns_pod, nullptr);
  EXPECT_EQ(coredns_pod->sample.present, kHasSwap);
  EXPECT_EQ(coredns_pod->sample.swap_usage_bytes, 0u);
}

TEST(ResourceFixture, SwapOnlyIsInvisibleToMetricsServer) {
  NodeBatch b = parse_fixture(kSwap);
  apply_metrics_server_drop_rules(b);
  // metrics-server reads no swap series: these containers never exist for it, and their pods with them.
  EXPECT_FALSE(b.has_node_sample);
  EXPECT_TRUE(b.containers.empty());
  EXPECT_TRUE(b.pods.empty());
}

TEST(ResourceFixture, NegativeTimestampFailsTheNode) {
  NodeBatch b;
  const Status status = parse_resource_metrics(read_fixture(kNegative), ResourceParseOptions{}, b);
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.code(), StatusCode::kPermanent);
  // Line 3 holds start time -6.7953645788713455e+09 with timestamp -62135596800000 (Go's zero time).
  EXPECT_EQ(status.message(), "line 3: negative timestamp -62135596800000");
}

TEST(ResourceFixture, HelpTypeCatalogIsAllComments) {
  const NodeBatch b = parse_fixture(kCatalog);
  // Only # HELP / # TYPE lines ([STABLE] and [ALPHA] texts of all 15 families): nothing to store.
  EXPECT_FALSE(b.has_node_sample);
  EXPECT_TRUE(b.containers.empty());
  EXPECT_TRUE(b.pods.empty());
}

TEST(ResourceFixture, CacheNeverChangesTheResult) {
  for (const char* name : {k70Pods, kKind2024, kSwap, kCatalog}) {
    const std::string body = read_fixture(name);
    NodeBatch cached, uncached;
    ASSERT_TRUE(parse_resource_metrics(body, ResourceParseOptions{}, cached).is_ok());
    ASSERT_TRUE(parse_resource_metrics_uncached_for_test(body, ResourceParseOptions{}, uncached).is_ok());
    EXPECT_TRUE(testing::same_batch(cached, uncached)) << name;
  }
}

TEST(ResourceFixture, ReusedBatchMatchesFreshBatch) {
  // Alternate two different nodes' bodies through one batch, as a source reusing its batch would.
  NodeBatch reused;
  for (int round = 0; round < 3; ++round) {
    for (const char* name : {k70Pods, kKind2024, kSwap}) {
      const std::string body = read_fixture(name);
      NodeBatch fresh;
      ASSERT_TRUE(parse_resource_metrics(body, ResourceParseOptions{}, fresh).is_ok());
      ASSERT_TRUE(parse_resource_metrics(body, ResourceParseOptions{}, reused).is_ok());
      EXPECT_TRUE(testing::same_batch(fresh, reused)) << name << " round " << round;
    }
  }
}

}  // namespace
}  // namespace mpf::sources::kubelet_resource
