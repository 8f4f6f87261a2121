#include "metrics_api/list_bodies.h"

#include <gtest/gtest.h>
#include "tests/plugins/api/metrics_api/test_util.h"

#include <string>

#include "metrics_api/json_writer.h"
#include "metrics_api/list_items.h"
#include "metrics_api/metrics_objects.h"

namespace mpf::api::metrics {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kNow = 1764000000 * kSecond + 250'000'000;  // 2025-11-24T16:00:00.25Z

std::string gunzip(const std::string& gz) { return testing::gunzip(gz).value_or("inflate failed"); }

// `pods` Running pods in namespaces of 50, each with one container, and the nodes they run on.
struct Fixture {
  SnapshotPtr metrics;
  std::shared_ptr<const ClusterSnapshot> cluster;
};

Fixture cluster_of(int pods) {
  auto s = std::make_shared<Snapshot>();
  auto c = std::make_shared<ClusterSnapshot>();
  Usage u;
  u.timestamp_ns = kNow - 7 * kSecond;
  u.window_ns = 15 * kSecond;
  u.cpu_nanocores = 1234567;
  u.memory_working_set_bytes = 50 * 1024 * 1024;
  u.present = kHasCpu | kHasMemory;
  for (int n = 0; n < 3; ++n) {
    const std::string name = "node-" + std::to_string(n);
    c->nodes.push_back(std::make_shared<const ClusterNode>(ClusterNode{name, {}, 0, {{"pool", "a"}}, {}, true}));
    s->nodes.push_back({s->names.intern(name), u, {}, 0});
  }
  for (int p = 0; p < pods; ++p) {
    char ns[16], name[16];
    std::snprintf(ns, sizeof ns, "ns-%04d", p / 50);
    std::snprintf(name, sizeof name, "pod-%05d", p);
    c->pods.push_back(std::make_shared<const ClusterPod>(ClusterPod{ns, name, "uid", {{"app", "a" + std::to_string(p % 3)}}, 0}));
    PodMetrics pm;
    pm.namespace_name = s->names.intern(ns);
    pm.name = s->names.intern(name);
    pm.usage = u;
    pm.first_container = static_cast<std::uint32_t>(s->containers.size());
    pm.container_count = 1;
    s->containers.push_back({s->names.intern("app"), u});
    s->pods.push_back(pm);
  }
  return {s, c};
}

// What the handler would write for the whole pod list at `now_ns`, rendered from scratch.
std::string fresh_pod_list_json(const Fixture& f, std::int64_t now_ns) {
  PodItems items;
  collect_pod_items(*f.metrics, *f.cluster, {}, nullptr, false, items);
  std::string out;
  JsonWriter w(out);
  write_pod_metrics_list(w, items.items, now_ns, kApiVersionV1beta1);
  return out + "\n";
}

std::string fresh_pod_list_pb(const Fixture& f, std::int64_t now_ns) {
  PodItems items;
  collect_pod_items(*f.metrics, *f.cluster, {}, nullptr, false, items);
  std::string out;
  append_pod_metrics_list_pb(out, items.items, now_ns, kApiVersionV1beta1);
  return out;
}

TEST(WholeListBodies, RendersOnceAndRestampsEachSecond) {
  const Fixture f = cluster_of(200);
  WholeListBodies lists(LabelSelector(), false);
  auto get = [&](std::int64_t now) {
    return lists.get(ListResource::kPods, false, ListEncoding::kJson, false, f.metrics, f.cluster, now);
  };
  ListBody first = get(kNow);
  EXPECT_EQ(*first.body, fresh_pod_list_json(f, kNow));
  EXPECT_FALSE(first.gzipped);
  ListBody same_second = get(kNow + 500'000'000);
  EXPECT_EQ(same_second.body, first.body);  // the very same bytes, shared
  ListBody next = get(kNow + 3 * kSecond);
  EXPECT_EQ(*next.body, fresh_pod_list_json(f, kNow + 3 * kSecond));
  EXPECT_EQ(lists.renders(), 1u);
  EXPECT_EQ(lists.restamps(), 1u);
  ASSERT_EQ(next.item_timestamps->size(), 200u);
}

TEST(WholeListBodies, ABodyStillBeingSentKeepsItsBytesWhileAFreeOneIsRestampedInPlace) {
  const Fixture f = cluster_of(50);
  WholeListBodies lists(LabelSelector(), false);
  auto get = [&](std::int64_t now) {
    return lists.get(ListResource::kPods, false, ListEncoding::kJson, false, f.metrics, f.cluster, now);
  };
  ListBody held = get(kNow);  // a response still sending this second's body
  const std::string sent = *held.body;
  ListBody next = get(kNow + kSecond);
  EXPECT_NE(next.body, held.body);  // a copy: the held bytes did not change under the response
  EXPECT_EQ(*held.body, sent);
  EXPECT_EQ(*next.body, fresh_pod_list_json(f, kNow + kSecond));
  const std::string* storage = next.body.get();
  held = {};
  next = {};  // nothing holds the body any more: the next second overwrites it where it is
  ListBody later = get(kNow + 2 * kSecond);
  EXPECT_EQ(later.body.get(), storage);
  EXPECT_EQ(*later.body, fresh_pod_list_json(f, kNow + 2 * kSecond));
  EXPECT_EQ(lists.renders(), 1u);
  EXPECT_EQ(lists.restamps(), 2u);
}

TEST(WholeListBodies, NewSnapshotsRenderAgain) {
  const Fixture f = cluster_of(10);
  const Fixture g = cluster_of(20);
  WholeListBodies lists(LabelSelector(), false);
  lists.get(ListResource::kPods, false, ListEncoding::kJson, false, f.metrics, f.cluster, kNow);
  ListBody other_metrics = lists.get(ListResource::kPods, false, ListEncoding::kJson, false, g.metrics, f.cluster, kNow);
  EXPECT_EQ(lists.renders(), 2u);
  Fixture mixed{g.metrics, f.cluster};
  EXPECT_EQ(*other_metrics.body, fresh_pod_list_json(mixed, kNow));
  ListBody other_cluster = lists.get(ListResource::kPods, false, ListEncoding::kJson, false, g.metrics, g.cluster, kNow);
  EXPECT_EQ(lists.renders(), 3u);
  EXPECT_EQ(*other_cluster.body, fresh_pod_list_json(g, kNow));
}

TEST(WholeListBodies, GzipOnlyAboveTheThresholdAndEqualToThePlainBody) {
  const Fixture small = cluster_of(20);
  WholeListBodies lists(LabelSelector(), false);
  ListBody plain = lists.get(ListResource::kPods, false, ListEncoding::kJson, true, small.metrics, small.cluster, kNow);
  EXPECT_FALSE(plain.gzipped);  // far below 128 KiB

  const Fixture big = cluster_of(2000);
  for (std::int64_t now : {kNow, kNow + kSecond, kNow + 61 * kSecond}) {
    ListBody gz = lists.get(ListResource::kPods, false, ListEncoding::kJson, true, big.metrics, big.cluster, now);
    ASSERT_TRUE(gz.gzipped);
    const std::string expected = fresh_pod_list_json(big, now);
    ASSERT_GT(expected.size(), kGzipThresholdBytes);
    EXPECT_LT(gz.body->size() * 3, expected.size());
    EXPECT_EQ(gunzip(*gz.body), expected);
  }
}

TEST(WholeListBodies, ProtobufRestampedAndGzipped) {
  const Fixture big = cluster_of(3000);
  WholeListBodies lists(LabelSelector(), false);
  for (std::int64_t now : {kNow, kNow + 2 * kSecond}) {
    ListBody pb = lists.get(ListResource::kPods, false, ListEncoding::kProtobuf, false, big.metrics, big.cluster, now);
    EXPECT_EQ(*pb.body, fresh_pod_list_pb(big, now));
    ListBody gz = lists.get(ListResource::kPods, false, ListEncoding::kProtobuf, true, big.metrics, big.cluster, now);
    ASSERT_TRUE(gz.gzipped);
    EXPECT_EQ(gunzip(*gz.body), fresh_pod_list_pb(big, now));
  }
  EXPECT_EQ(lists.renders(), 1u);
}

TEST(WholeListBodies, NodesHonourTheNodeSelectorAndVersion) {
  const Fixture f = cluster_of(1);
  auto selector = LabelSelector::parse("pool=b");
  ASSERT_TRUE(selector.is_ok());
  WholeListBodies lists(std::move(selector).value(), false);
  ListBody v1 = lists.get(ListResource::kNodes, true, ListEncoding::kJson, false, f.metrics, f.cluster, kNow);
  EXPECT_EQ(*v1.body, R"({"kind":"NodeMetricsList","apiVersion":"metrics.k8s.io/v1","metadata":{},"items":[]})"
                      "\n");
}

}  // namespace
}  // namespace mpf::api::metrics
