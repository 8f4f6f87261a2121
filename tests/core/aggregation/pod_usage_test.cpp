#include "core/aggregation/pod_usage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/aggregation/pod_usage_processor.h"
#include "core/registry/plugin_registry.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_rates();
const mpf::PluginDescriptor& mpf_builtin_plugin_pod_usage();

namespace mpf::core {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

Sample pod_sample(std::int64_t t_ns, std::uint64_t cpu_core_ns, std::uint64_t memory,
                  std::uint16_t present = kHasCpu | kHasMemory, std::int64_t start_ns = 0) {
  Sample s;
  s.timestamp_ns = t_ns;
  s.start_time_ns = start_ns;
  s.cpu_usage_core_ns = cpu_core_ns;
  s.memory_working_set_bytes = memory;
  s.present = present;
  return s;
}

struct PodSpec {
  std::string ns;
  std::string pod;
  Sample sample;
};

ScrapeResult scrape(const std::string& node, const std::vector<PodSpec>& pods) {
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = node;
  // Interned in a different order from the snapshot's names, so ids differ between the two tables.
  batch->names.intern("zzz-unrelated");
  for (const PodSpec& p : pods) batch->add_pod(p.ns, p.pod, p.sample);
  ScrapeResult r;
  r.target = node;
  r.batch = std::move(batch);
  return r;
}

// A snapshot as `rates` leaves it: pods sorted by (namespace, name), with a container-sum usage.
struct ServedPod {
  std::string ns;
  std::string pod;
  std::string node;
};

Snapshot snapshot_of(std::vector<ScrapeResult> scrapes, const std::vector<ServedPod>& pods) {
  Snapshot s;
  s.scrapes = std::move(scrapes);
  s.names.intern("first-name-in-snapshot");
  std::uint64_t i = 0;
  for (const ServedPod& p : pods) {
    PodMetrics m;
    m.namespace_name = s.names.intern(p.ns);
    m.name = s.names.intern(p.pod);
    m.node = s.names.intern(p.node);
    m.usage.cpu_nanocores = 1000 + i;
    m.usage.memory_working_set_bytes = 2000 + i;
    m.usage.present = kHasCpu | kHasMemory;
    m.first_container = static_cast<std::uint32_t>(i);
    m.container_count = 1;
    ++i;
    s.pods.push_back(m);
  }
  return s;
}

const PodMetrics& pod_named(const Snapshot& s, std::string_view ns, std::string_view name) {
  for (const PodMetrics& p : s.pods) {
    if (s.names.name(p.namespace_name) == ns && s.names.name(p.name) == name) return p;
  }
  static const PodMetrics none;
  ADD_FAILURE() << "no pod " << ns << "/" << name;
  return none;
}

TEST(PodUsageTest, TwoCyclesGiveTheKubeletsRateAndLastWorkingSet) {
  PodUsageTracker tracker;
  Snapshot c1 = snapshot_of({scrape("n1", {{"default", "web", pod_sample(100 * kSecond, 10 * kSecond, 1000)}})},
                            {{"default", "web", "n1"}});
  tracker.process(c1);
  EXPECT_EQ(c1.pods[0].kubelet_usage.present, 0) << "one point: no rate yet";
  EXPECT_EQ(tracker.entries(), 1u);

  // 3.5 core-seconds + 7 ns over 15 s: 233 333 333.8 nanocores, truncated.
  Snapshot c2 = snapshot_of(
      {scrape("n1", {{"default", "web", pod_sample(115 * kSecond, 13 * kSecond + 500'000'007, 2048)}})},
      {{"default", "nosample", "n1"}, {"default", "web", "n1"}});
  tracker.process(c2);
  const Usage& u = pod_named(c2, "default", "web").kubelet_usage;
  EXPECT_EQ(u.present, kHasCpu | kHasMemory);
  EXPECT_EQ(u.cpu_nanocores, 233'333'333u);
  EXPECT_EQ(u.memory_working_set_bytes, 2048u);
  EXPECT_EQ(u.timestamp_ns, 115 * kSecond);
  EXPECT_EQ(u.window_ns, 15 * kSecond);
  EXPECT_EQ(pod_named(c2, "default", "nosample").kubelet_usage.present, 0) << "no pod sample: nothing";
}

TEST(PodUsageTest, OrderAndOtherFieldsAreUnaffected) {
  PodUsageTracker tracker;
  auto cycle = [&](std::int64_t t_s, std::uint64_t cpu_s) {
    return snapshot_of({scrape("n1", {{"b", "x", pod_sample(t_s * kSecond, cpu_s * kSecond, 5)},
                                      {"a", "y", pod_sample(t_s * kSecond, cpu_s * kSecond, 6)}})},
                       {{"a", "y", "n1"}, {"b", "x", "n1"}});
  };
  Snapshot c1 = cycle(100, 1);
  tracker.process(c1);
  Snapshot c2 = cycle(110, 3);
  const Snapshot before = c2;
  tracker.process(c2);
  ASSERT_EQ(c2.pods.size(), before.pods.size());
  for (std::size_t i = 0; i < c2.pods.size(); ++i) {
    EXPECT_EQ(c2.pods[i].namespace_name, before.pods[i].namespace_name);
    EXPECT_EQ(c2.pods[i].name, before.pods[i].name);
    EXPECT_EQ(c2.pods[i].node, before.pods[i].node);
    EXPECT_EQ(c2.pods[i].usage.cpu_nanocores, before.pods[i].usage.cpu_nanocores);
    EXPECT_EQ(c2.pods[i].usage.memory_working_set_bytes, before.pods[i].usage.memory_working_set_bytes);
    EXPECT_EQ(c2.pods[i].first_container, before.pods[i].first_container);
    EXPECT_EQ(c2.pods[i].container_count, before.pods[i].container_count);
    EXPECT_EQ(c2.pods[i].kubelet_usage.cpu_nanocores, 200'000'000u);  // 2 s over 10 s
  }
  EXPECT_EQ(c2.pods[0].kubelet_usage.memory_working_set_bytes, 6u);  // a/y
  EXPECT_EQ(c2.pods[1].kubelet_usage.memory_working_set_bytes, 5u);  // b/x
  EXPECT_EQ(c2.names.size(), before.names.size());
}

TEST(PodUsageTest, CounterDecreaseGivesNoRateThenResumesFromTheLowerPoint) {
  PodUsageTracker tracker;
  auto cycle = [&](std::int64_t t_s, std::uint64_t cpu_s) {
    Snapshot s = snapshot_of({scrape("n1", {{"ns", "p", pod_sample(t_s * kSecond, cpu_s * kSecond, 1)}})},
                             {{"ns", "p", "n1"}});
    tracker.process(s);
    return s.pods[0].kubelet_usage;
  };
  cycle(100, 50);
  EXPECT_EQ(cycle(115, 40).present, 0);
  const Usage u = cycle(130, 43);
  EXPECT_EQ(u.present, kHasCpu | kHasMemory);
  EXPECT_EQ(u.cpu_nanocores, 200'000'000u);  // 3 s over 15 s
}

TEST(PodUsageTest, RepeatedPointKeepsThePreviousPoint) {
  PodUsageTracker tracker;
  auto cycle = [&](std::int64_t t_s, std::uint64_t cpu_s) {
    Snapshot s = snapshot_of({scrape("n1", {{"ns", "p", pod_sample(t_s * kSecond, cpu_s * kSecond, 1)}})},
                             {{"ns", "p", "n1"}});
    tracker.process(s);
    return s.pods[0].kubelet_usage;
  };
  cycle(100, 10);
  EXPECT_EQ(cycle(120, 15).cpu_nanocores, 250'000'000u);
  const Usage again = cycle(120, 15);  // the kubelet had no newer stats: the pair 100..120 stays
  EXPECT_EQ(again.present, kHasCpu | kHasMemory);
  EXPECT_EQ(again.cpu_nanocores, 250'000'000u);
  EXPECT_EQ(again.window_ns, 20 * kSecond);
}

TEST(PodUsageTest, RestartByStartTimeGivesNoRate) {
  PodUsageTracker tracker;
  const auto present = static_cast<std::uint16_t>(kHasCpu | kHasMemory | kHasStartTime);
  auto cycle = [&](std::int64_t t_s, std::uint64_t cpu_s, std::int64_t start_s) {
    Snapshot s = snapshot_of(
        {scrape("n1", {{"ns", "p", pod_sample(t_s * kSecond, cpu_s * kSecond, 1, present, start_s * kSecond)}})},
        {{"ns", "p", "n1"}});
    tracker.process(s);
    return s.pods[0].kubelet_usage;
  };
  cycle(100, 10, 50);
  EXPECT_EQ(cycle(115, 40, 50).cpu_nanocores, 2'000'000'000u);
  // A pod of the same name started after the last point: its counter starts over.
  EXPECT_EQ(cycle(130, 45, 120).present, 0);
  EXPECT_EQ(cycle(145, 48, 120).cpu_nanocores, 200'000'000u);
}

TEST(PodUsageTest, VanishedPodIsForgotten) {
  PodUsageTracker tracker;
  auto s1 = snapshot_of({scrape("n1", {{"ns", "a", pod_sample(100 * kSecond, kSecond, 1)},
                                       {"ns", "b", pod_sample(100 * kSecond, kSecond, 1)}}),
                         scrape("n2", {{"ns", "c", pod_sample(100 * kSecond, kSecond, 1)}})},
                        {});
  tracker.process(s1);
  EXPECT_EQ(tracker.entries(), 3u);
  auto s2 = snapshot_of({scrape("n1", {{"ns", "a", pod_sample(115 * kSecond, 2 * kSecond, 1)}})},
                        {{"ns", "a", "n1"}});
  tracker.process(s2);
  EXPECT_EQ(tracker.entries(), 1u) << "entries are the pods of the last cycle";
  EXPECT_EQ(s2.pods[0].kubelet_usage.present, kHasCpu | kHasMemory);
  // b comes back: its old point was forgotten, so it needs two points again.
  auto s3 = snapshot_of({scrape("n1", {{"ns", "a", pod_sample(130 * kSecond, 3 * kSecond, 1)},
                                       {"ns", "b", pod_sample(130 * kSecond, 9 * kSecond, 1)}})},
                        {{"ns", "a", "n1"}, {"ns", "b", "n1"}});
  tracker.process(s3);
  EXPECT_EQ(tracker.entries(), 2u);
  EXPECT_EQ(pod_named(s3, "ns", "a").kubelet_usage.present, kHasCpu | kHasMemory);
  EXPECT_EQ(pod_named(s3, "ns", "b").kubelet_usage.present, 0);
}

TEST(PodUsageTest, OnlyTheBatchOfThePodsNodeServesIt) {
  PodUsageTracker tracker;
  auto cycle = [&](std::int64_t t_s, const std::string& sample_node, const std::string& served_node) {
    Snapshot s = snapshot_of({scrape(sample_node, {{"ns", "p", pod_sample(t_s * kSecond, t_s * kSecond, 1)}})},
                             {{"ns", "p", served_node}});
    tracker.process(s);
    return s.pods[0].kubelet_usage;
  };
  cycle(100, "n1", "n1");
  EXPECT_EQ(cycle(110, "n1", "n2").present, 0) << "the sample came from another node's batch";
  EXPECT_EQ(cycle(120, "n1", "n1").cpu_nanocores, 1'000'000'000u);
  // Moved to another node under the same name: another pod cgroup, no rate across the two.
  EXPECT_EQ(cycle(130, "n2", "n2").present, 0);
}

TEST(PodUsageTest, NoCpuOrFailedScrapeGivesNothing) {
  PodUsageTracker tracker;
  Snapshot s1 = snapshot_of({scrape("n1", {{"ns", "p", pod_sample(100 * kSecond, 0, 7, kHasMemory)}})}, {});
  tracker.process(s1);
  EXPECT_EQ(tracker.entries(), 0u);
  Snapshot s2 = snapshot_of({scrape("n1", {{"ns", "p", pod_sample(115 * kSecond, 0, 7, kHasMemory)}})},
                            {{"ns", "p", "n1"}});
  tracker.process(s2);
  EXPECT_EQ(s2.pods[0].kubelet_usage.present, 0);

  ScrapeResult failed;
  failed.target = "n1";
  Snapshot s3 = snapshot_of({failed}, {{"ns", "p", "n1"}});  // e.g. a pod kept by last-known-good
  s3.pods[0].kubelet_usage.present = kHasCpu;                 // whatever was there is replaced
  tracker.process(s3);
  EXPECT_EQ(s3.pods[0].kubelet_usage.present, 0);
  EXPECT_EQ(tracker.entries(), 0u);
}

TEST(PodUsageTest, SteadyStateIsUpdatedInPlaceAndAnyChangeRebuilds) {
  PodUsageTracker tracker;
  auto cycle = [&](std::int64_t t_s, bool swapped) {
    std::vector<PodSpec> pods = {{"ns", "a", pod_sample(t_s * kSecond, t_s * kSecond, 1)},
                                 {"ns", "b", pod_sample(t_s * kSecond, 2 * t_s * kSecond, 2)}};
    if (swapped) std::swap(pods[0], pods[1]);
    Snapshot s = snapshot_of({scrape("n1", pods), ScrapeResult{}}, {{"ns", "a", "n1"}, {"ns", "b", "n1"}});
    tracker.process(s);
    return s;
  };
  cycle(100, false);
  EXPECT_FALSE(tracker.last_update_in_place());
  Snapshot s2 = cycle(110, false);
  EXPECT_TRUE(tracker.last_update_in_place());
  EXPECT_EQ(s2.pods[0].kubelet_usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(s2.pods[1].kubelet_usage.cpu_nanocores, 2'000'000'000u);
  Snapshot s3 = cycle(120, true);  // same pods, another order: rebuilt by name, same rates
  EXPECT_FALSE(tracker.last_update_in_place());
  EXPECT_EQ(s3.pods[0].kubelet_usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(s3.pods[1].kubelet_usage.cpu_nanocores, 2'000'000'000u);
  EXPECT_EQ(s3.pods[1].kubelet_usage.memory_working_set_bytes, 2u);
  Snapshot s4 = cycle(130, true);
  EXPECT_TRUE(tracker.last_update_in_place());
  EXPECT_EQ(s4.pods[1].kubelet_usage.cpu_nanocores, 2'000'000'000u);
  EXPECT_EQ(tracker.entries(), 2u);
}

Result<std::shared_ptr<Processor>> make(PluginRegistry& registry, const char* name, test::TestContext& ctx) {
  return registry.create_processor(name, ConfigValue(), "processors[0].options", ctx);
}

TEST(PodUsagePluginTest, IsABuiltInProcessorCreatedByName) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_pod_usage()).is_ok());
  const RegisteredPlugin* found = registry.find(PluginKind::kProcessor, "pod_usage");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->origin, "builtin");
  EXPECT_TRUE(found->descriptor->options->empty());
  test::TestContext ctx;
  auto made = make(registry, "pod_usage", ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  Snapshot empty;  // before `rates` or without it: nothing to fill, nothing harmed
  ASSERT_TRUE((*made)->process(empty).is_ok());
  EXPECT_TRUE(empty.pods.empty());
}

TEST(PodUsagePluginTest, FillsWhatRatesServedAfterIt) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_rates()).is_ok());
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_pod_usage()).is_ok());
  test::TestContext ctx;
  ctx.settings().resolution = std::chrono::seconds(15);
  auto rates = make(registry, "rates", ctx);
  auto pod_usage = make(registry, "pod_usage", ctx);
  ASSERT_TRUE(rates.is_ok() && pod_usage.is_ok());

  auto cycle = [](std::int64_t t_s, std::uint64_t cpu_s) {
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = "n1";
    Sample s = pod_sample(t_s * kSecond, cpu_s * kSecond, 1000, kHasCpu | kHasMemory | kHasStartTime, kSecond);
    batch->set_node(s);
    batch->add_container("default", "web", "app", s);
    batch->add_container("kube-system", "dns", "dns", s);
    // The pod cgroup: the container plus the sandbox (1 more core-second per 15 s, 500 more bytes).
    Sample web = s;
    web.cpu_usage_core_ns += static_cast<std::uint64_t>(t_s / 15) * kSecond;
    web.memory_working_set_bytes += 500;
    batch->add_pod("default", "web", web);
    ScrapeResult r;
    r.target = "n1";
    r.batch = batch;
    Snapshot snap;
    snap.scrapes.push_back(r);
    return snap;
  };
  for (auto [t_s, cpu_s] : {std::pair{105, 10}, std::pair{120, 25}}) {
    Snapshot s = cycle(t_s, static_cast<std::uint64_t>(cpu_s));
    ASSERT_TRUE((*rates)->process(s).is_ok());
    ASSERT_TRUE((*pod_usage)->process(s).is_ok());
    if (t_s == 105) {
      EXPECT_TRUE(s.pods.empty());
      continue;
    }
    ASSERT_EQ(s.pods.size(), 2u);
    const PodMetrics& web = pod_named(s, "default", "web");
    EXPECT_EQ(web.usage.cpu_nanocores, 1'000'000'000u);           // the container: 15 s over 15 s
    EXPECT_EQ(web.kubelet_usage.cpu_nanocores, 1'066'666'666u);   // 16 s over 15 s, truncated
    EXPECT_EQ(web.kubelet_usage.memory_working_set_bytes, 1500u);
    EXPECT_EQ(web.kubelet_usage.timestamp_ns, 120 * kSecond);
    EXPECT_EQ(web.kubelet_usage.window_ns, 15 * kSecond);
    EXPECT_EQ(pod_named(s, "kube-system", "dns").kubelet_usage.present, 0);
  }
}

}  // namespace
}  // namespace mpf::core
