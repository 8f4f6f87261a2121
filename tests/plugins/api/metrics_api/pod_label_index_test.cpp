// The pod label index answers namespaced selector queries with exactly the items a scan gives.
#include "metrics_api/pod_label_index.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "metrics_api/list_items.h"
#include "metrics_api/request_query.h"

namespace mpf::api::metrics {
namespace {

struct Cluster {
  std::shared_ptr<Snapshot> metrics;
  std::shared_ptr<ClusterSnapshot> cluster;
};

// 600 pods over 4 namespaces with app/tier labels; every 7th pod has no metrics, every 11th pod with
// metrics is unknown to the cluster view (not Running), so both filters are exercised.
Cluster make_cluster(unsigned seed) {
  std::mt19937 random(seed);
  Cluster c{std::make_shared<Snapshot>(), std::make_shared<ClusterSnapshot>()};
  Usage u;
  u.timestamp_ns = 1'700'000'000'000'000'000;
  u.window_ns = 15'000'000'000;
  u.cpu_nanocores = 1000;
  u.memory_working_set_bytes = 1 << 20;
  u.present = kHasCpu | kHasMemory;
  for (int p = 0; p < 600; ++p) {
    const std::string ns = "ns-" + std::to_string(p / 150);
    char name[16];
    std::snprintf(name, sizeof name, "pod-%04d", p);
    Labels labels{{"app", "a" + std::to_string(random() % 8)}};
    if (random() % 2 == 0) labels.emplace_back("tier", random() % 2 == 0 ? "web" : "db");
    if (p % 11 != 0) c.cluster->pods.push_back(std::make_shared<const ClusterPod>(ClusterPod{ns, name, "uid", labels, 0}));
    if (p % 7 == 0) continue;
    PodMetrics pm;
    pm.namespace_name = c.metrics->names.intern(ns);
    pm.name = c.metrics->names.intern(name);
    pm.usage = u;
    pm.first_container = static_cast<std::uint32_t>(c.metrics->containers.size());
    pm.container_count = 1 + p % 2;
    for (std::uint32_t i = 0; i < pm.container_count; ++i) {
      c.metrics->containers.push_back({c.metrics->names.intern("c" + std::to_string(i)), u});
    }
    c.metrics->pods.push_back(pm);
  }
  return c;
}

RequestQuery query_of(const std::string& query_string) {
  ServerRequest request;
  request.method = "GET";
  request.query = query_string;
  RequestQuery query;
  EXPECT_FALSE(parse_request_query(request, query).has_value()) << query_string;
  return query;
}

std::vector<std::string> names(const PodItems& items) {
  std::vector<std::string> out;
  for (const auto& item : items.items) {
    std::string text = std::string(item.namespace_name) + "/" + std::string(item.name) + ":";
    for (const auto& container : item.containers) text += std::string(container.name) + ",";
    out.push_back(text);
  }
  return out;
}

TEST(PodLabelIndex, GivesTheScansItemsForEverySelectorShape) {
  std::size_t items_seen = 0;
  for (unsigned seed : {1u, 2u, 3u}) {
    const Cluster c = make_cluster(seed);
    const PodLabelIndex index(c.cluster);
    for (const std::string q : {"labelSelector=app%3Da3", "labelSelector=app%3D%3Da3", "labelSelector=app+in+(a5)",
                                "labelSelector=app%3Da3,tier%3Dweb", "labelSelector=tier%3Ddb,app%3Da1",
                                "labelSelector=app%3Da2,tier!%3Dweb", "labelSelector=app%3Dnone",
                                "labelSelector=app+in+(a1,a2)", "labelSelector=!tier", "labelSelector=tier",
                                "labelSelector=app%3Da4&fieldSelector=metadata.name!%3Dpod-0004"}) {
      const RequestQuery query = query_of(q);
      for (const std::string ns : {"ns-0", "ns-2", "ns-9"}) {
        PodItems scanned, indexed;
        collect_pod_items(*c.metrics, *c.cluster, ns, &query, false, scanned);
        collect_pod_items(*c.metrics, *c.cluster, ns, &query, false, indexed, &index);
        EXPECT_EQ(names(indexed), names(scanned)) << q << " in " << ns;
        items_seen += scanned.items.size();
      }
    }
  }
  EXPECT_GT(items_seen, 500u);  // the comparison covered real answers, not just empty ones
}

TEST(PodLabelIndex, UsesTheShortestEqualityPostingList) {
  auto cluster = std::make_shared<ClusterSnapshot>();
  cluster->pods.push_back(std::make_shared<const ClusterPod>(ClusterPod{"a", "p1", "u", {{"app", "x"}, {"tier", "web"}}, 0}));
  cluster->pods.push_back(std::make_shared<const ClusterPod>(ClusterPod{"a", "p2", "u", {{"app", "x"}}, 0}));
  cluster->pods.push_back(std::make_shared<const ClusterPod>(ClusterPod{"b", "p3", "u", {{"app", "x"}}, 0}));
  const PodLabelIndex index(cluster);
  EXPECT_EQ(index.pods_with("a", "app", "x").size(), 2u);
  EXPECT_EQ(index.pods_with("b", "app", "x").size(), 1u);
  EXPECT_TRUE(index.pods_with("a", "app", "y").empty());
  auto selector = LabelSelector::parse("app=x,tier=web");
  ASSERT_TRUE(static_cast<bool>(selector));
  auto candidates = index.candidates("a", *selector);
  ASSERT_TRUE(candidates.has_value());
  ASSERT_EQ(candidates->size(), 1u);
  EXPECT_EQ((*candidates)[0], 0u);
  // Without an equality requirement the namespace must be scanned.
  EXPECT_FALSE(index.candidates("a", *LabelSelector::parse("app in (x,y),!tier")).has_value());
}

TEST(PodLabelIndexCache, RebuildsForANewSnapshotAtMostOncePerInterval) {
  auto first = std::make_shared<const ClusterSnapshot>();
  auto second = std::make_shared<const ClusterSnapshot>();
  PodLabelIndexCache cache(std::chrono::hours(1));
  auto index = cache.get(first);
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(cache.get(first), index);   // same snapshot: the same index
  EXPECT_EQ(cache.get(second), nullptr);  // changed within the interval: scan instead
  PodLabelIndexCache eager(std::chrono::milliseconds(0));
  auto a = eager.get(first);
  auto b = eager.get(second);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(&b->cluster(), second.get());
  EXPECT_EQ(eager.get(nullptr), nullptr);
}

}  // namespace
}  // namespace mpf::api::metrics
