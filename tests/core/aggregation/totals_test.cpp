#include "core/aggregation/totals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "core/aggregation/totals_processor.h"
#include "core/registry/plugin_registry.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_rates();
const mpf::PluginDescriptor& mpf_builtin_plugin_totals();

namespace mpf::core {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

Usage usage(std::int64_t t_s, std::uint64_t cpu, std::uint64_t memory, std::uint16_t present = kHasCpu | kHasMemory,
            std::int64_t window_s = 15) {
  Usage u;
  u.timestamp_ns = t_s * kSecond;
  u.window_ns = window_s * kSecond;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = present;
  return u;
}

// Builds a snapshot the way `rates` leaves it: nodes sorted by name, pods by (namespace, name).
class SnapshotBuilder {
 public:
  SnapshotBuilder& node(std::string_view name, const Usage& u) {
    s_.nodes.push_back(NodeMetrics{s_.names.intern(name), u, Usage{}, 0});
    return *this;
  }
  SnapshotBuilder& pod(std::string_view ns, std::string_view name, std::string_view node, const Usage& u) {
    PodMetrics p;
    p.namespace_name = s_.names.intern(ns);
    p.name = s_.names.intern(name);
    p.node = s_.names.intern(node);
    p.usage = u;
    s_.pods.push_back(p);
    return *this;
  }
  Snapshot take() { return std::move(s_); }

 private:
  Snapshot s_;
};

Snapshot totals_of(Snapshot s, const TotalsOptions& options = {}) {
  TotalsScratch scratch;
  compute_totals(s, options, scratch);
  return s;
}

TEST(TotalsTest, SumsPodsPerNamespaceInNameOrder) {
  Snapshot s = totals_of(SnapshotBuilder()
                             .node("n1", usage(100, 3000, 9000))
                             .pod("default", "a", "n1", usage(100, 100, 1000))
                             .pod("default", "b", "n1", usage(100, 250, 2000))
                             .pod("kube-system", "dns", "n1", usage(100, 7, 30))
                             .take());
  ASSERT_EQ(s.namespaces.size(), 2u);
  EXPECT_EQ(s.names.name(s.namespaces[0].name), "default");
  EXPECT_EQ(s.namespaces[0].pods, 2u);
  EXPECT_EQ(s.namespaces[0].usage.cpu_nanocores, 350u);               // 100 + 250
  EXPECT_EQ(s.namespaces[0].usage.memory_working_set_bytes, 3000u);   // 1000 + 2000
  EXPECT_EQ(s.namespaces[0].usage.present, kHasCpu | kHasMemory);
  EXPECT_EQ(s.names.name(s.namespaces[1].name), "kube-system");
  EXPECT_EQ(s.namespaces[1].pods, 1u);
  EXPECT_EQ(s.namespaces[1].usage.cpu_nanocores, 7u);
  EXPECT_EQ(s.namespaces[1].usage.memory_working_set_bytes, 30u);
}

TEST(TotalsTest, ResourceOfSomePodsIsSummedOverThoseAndPresent) {
  Usage with_swap = usage(100, 10, 100, kHasCpu | kHasMemory | kHasSwap);
  with_swap.swap_usage_bytes = 40;
  Usage memory_only = usage(100, 0, 200, kHasMemory);
  memory_only.cpu_nanocores = 999;  // not present: must not be added
  memory_only.swap_usage_bytes = 5;  // not present either
  Usage with_storage = usage(100, 20, 300, kHasCpu | kHasMemory | kHasSwap | kHasEphemeralStorage);
  with_storage.swap_usage_bytes = 2;
  with_storage.ephemeral_storage_bytes = 4096;
  Snapshot s = totals_of(SnapshotBuilder()
                             .pod("ns", "a", "n1", with_swap)
                             .pod("ns", "b", "n1", memory_only)
                             .pod("ns", "c", "n1", with_storage)
                             .take());
  ASSERT_EQ(s.namespaces.size(), 1u);
  const Usage& u = s.namespaces[0].usage;
  EXPECT_EQ(u.cpu_nanocores, 30u);                 // 10 + 20; b's 999 is not present
  EXPECT_EQ(u.memory_working_set_bytes, 600u);     // 100 + 200 + 300
  EXPECT_EQ(u.swap_usage_bytes, 42u);              // 40 + 2; b's 5 is not present
  EXPECT_EQ(u.ephemeral_storage_bytes, 4096u);     // c only
  EXPECT_EQ(u.present, kHasCpu | kHasMemory | kHasSwap | kHasEphemeralStorage);

  Snapshot none = totals_of(SnapshotBuilder().pod("ns", "a", "n1", usage(100, 0, 0, 0)).take());
  EXPECT_EQ(none.namespaces[0].usage.present, 0u) << "a pod reporting nothing adds nothing";
  EXPECT_EQ(none.namespaces[0].pods, 1u) << "but it is counted";
}

TEST(TotalsTest, TimestampAndWindowAreTheEarliestMembers) {
  Snapshot s = totals_of(SnapshotBuilder()
                             .node("n1", usage(110, 1, 1, kHasCpu | kHasMemory, 15))
                             .node("n2", usage(104, 1, 1, kHasCpu | kHasMemory, 14))
                             .pod("ns", "a", "n1", usage(112, 1, 1, kHasCpu | kHasMemory, 15))
                             .pod("ns", "b", "n1", usage(101, 1, 1, kHasCpu | kHasMemory, 11))  // earliest
                             .pod("ns", "c", "n1", usage(101, 1, 1, kHasCpu | kHasMemory, 99))  // tie: b wins
                             .pod("other", "d", "n2", usage(107, 1, 1, kHasCpu | kHasMemory, 17))
                             .take());
  EXPECT_EQ(s.namespaces[0].usage.timestamp_ns, 101 * kSecond);
  EXPECT_EQ(s.namespaces[0].usage.window_ns, 11 * kSecond);
  EXPECT_EQ(s.namespaces[1].usage.timestamp_ns, 107 * kSecond);
  EXPECT_EQ(s.namespaces[1].usage.window_ns, 17 * kSecond);
  EXPECT_EQ(s.nodes[0].pods.timestamp_ns, 101 * kSecond);
  EXPECT_EQ(s.nodes[0].pods.window_ns, 11 * kSecond);
  EXPECT_EQ(s.cluster.nodes.timestamp_ns, 104 * kSecond);  // n2's, though n1 comes first
  EXPECT_EQ(s.cluster.nodes.window_ns, 14 * kSecond);
  EXPECT_EQ(s.cluster.pods.timestamp_ns, 101 * kSecond);
  EXPECT_EQ(s.cluster.pods.window_ns, 11 * kSecond);
}

TEST(TotalsTest, SumsSaturateInsteadOfWrapping) {
  // A kubelet reporting 1.8e19 bytes exists: 1.8e19 + 1e18 > 2^64-1 (about 1.845e19).
  Snapshot s = totals_of(SnapshotBuilder()
                             .node("n1", usage(100, 1, 18'000'000'000'000'000'000u))
                             .node("n2", usage(100, 1, 1'000'000'000'000'000'000u))
                             .pod("ns", "a", "n1", usage(100, kMax, 18'000'000'000'000'000'000u))
                             .pod("ns", "b", "n2", usage(100, 1, 1'000'000'000'000'000'000u))
                             .take());
  EXPECT_EQ(s.namespaces[0].usage.cpu_nanocores, kMax);  // kMax + 1
  EXPECT_EQ(s.namespaces[0].usage.memory_working_set_bytes, kMax);
  EXPECT_EQ(s.cluster.nodes.memory_working_set_bytes, kMax);
  EXPECT_EQ(s.cluster.nodes.cpu_nanocores, 2u) << "other resources are unaffected";
  EXPECT_EQ(s.cluster.pods.memory_working_set_bytes, kMax);
  EXPECT_EQ(s.nodes[0].pods.memory_working_set_bytes, 18'000'000'000'000'000'000u) << "one pod: no overflow";
}

TEST(TotalsTest, NodeSumsItsPodsAndPodsOnUnknownNodesCountElsewhere) {
  Snapshot s = totals_of(SnapshotBuilder()
                             .node("n1", usage(100, 5000, 50000))
                             .node("n2", usage(100, 6000, 60000))
                             .pod("a", "p1", "n1", usage(100, 100, 1000))
                             .pod("a", "p2", "gone", usage(100, 200, 2000))  // node not served this cycle
                             .pod("b", "p3", "n1", usage(100, 300, 3000))
                             .pod("b", "p4", "", usage(100, 400, 4000))  // no node at all
                             .take());
  EXPECT_EQ(s.nodes[0].pod_count, 2u);
  EXPECT_EQ(s.nodes[0].pods.cpu_nanocores, 400u);                // p1 100 + p3 300
  EXPECT_EQ(s.nodes[0].pods.memory_working_set_bytes, 4000u);    // 1000 + 3000
  EXPECT_EQ(s.nodes[0].usage.cpu_nanocores, 5000u) << "the node's own usage is untouched";
  EXPECT_EQ(s.nodes[1].pod_count, 0u);
  EXPECT_EQ(s.nodes[1].pods.present, 0u);
  ASSERT_EQ(s.namespaces.size(), 2u);
  EXPECT_EQ(s.namespaces[0].pods, 2u);
  EXPECT_EQ(s.namespaces[0].usage.cpu_nanocores, 300u);          // p1 100 + p2 200
  EXPECT_EQ(s.namespaces[1].usage.cpu_nanocores, 700u);          // p3 300 + p4 400
  EXPECT_EQ(s.cluster.pod_count, 4u);
  EXPECT_EQ(s.cluster.pods.cpu_nanocores, 1000u);                // 100 + 200 + 300 + 400
  EXPECT_EQ(s.cluster.pods.memory_working_set_bytes, 10000u);    // 1000 + 2000 + 3000 + 4000
  EXPECT_EQ(s.cluster.node_count, 2u);
  EXPECT_EQ(s.cluster.nodes.cpu_nanocores, 11000u);              // 5000 + 6000
  EXPECT_EQ(s.cluster.nodes.memory_working_set_bytes, 110000u);  // 50000 + 60000
  EXPECT_EQ(s.cluster.nodes.present, kHasCpu | kHasMemory);
}

TEST(TotalsTest, ReusedScratchIgnoresLastCyclesNodes) {
  TotalsScratch scratch;
  Snapshot first = SnapshotBuilder()
                       .node("n1", usage(100, 1, 1))
                       .node("n2", usage(100, 1, 1))
                       .pod("ns", "p", "n2", usage(100, 10, 10))
                       .take();
  compute_totals(first, {}, scratch);
  EXPECT_EQ(first.nodes[1].pod_count, 1u);
  // Same name ids, but n2 is no longer served: the stale entry for its id points past the nodes.
  Snapshot second = SnapshotBuilder().node("n1", usage(115, 1, 1)).pod("ns", "p", "n2", usage(115, 10, 10)).take();
  second.names.intern("n2");
  compute_totals(second, {}, scratch);
  EXPECT_EQ(second.nodes[0].pod_count, 0u);
  EXPECT_EQ(second.cluster.pod_count, 1u);
}

TEST(TotalsTest, RecomputingReplacesEarlierTotals) {
  Snapshot s = SnapshotBuilder().node("n1", usage(100, 1, 1)).pod("ns", "p", "n1", usage(100, 10, 10)).take();
  TotalsScratch scratch;
  compute_totals(s, {}, scratch);
  compute_totals(s, {}, scratch);
  ASSERT_EQ(s.namespaces.size(), 1u);
  EXPECT_EQ(s.namespaces[0].usage.cpu_nanocores, 10u);
  EXPECT_EQ(s.nodes[0].pod_count, 1u);
  EXPECT_EQ(s.cluster.pod_count, 1u);
}

TEST(TotalsTest, EmptySnapshotHasEmptyTotals) {
  Snapshot s = totals_of(Snapshot{});
  EXPECT_TRUE(s.namespaces.empty());
  EXPECT_EQ(s.cluster.node_count, 0u);
  EXPECT_EQ(s.cluster.pod_count, 0u);
  EXPECT_EQ(s.cluster.nodes.present, 0u);
  EXPECT_EQ(s.cluster.pods.timestamp_ns, 0);

  Snapshot nodes_only = totals_of(SnapshotBuilder().node("n1", usage(100, 7, 8)).take());
  EXPECT_TRUE(nodes_only.namespaces.empty());
  EXPECT_EQ(nodes_only.nodes[0].pod_count, 0u);
  EXPECT_EQ(nodes_only.cluster.node_count, 1u);
  EXPECT_EQ(nodes_only.cluster.nodes.cpu_nanocores, 7u);
}

TEST(TotalsTest, OptionsSwitchPartsOff) {
  const Snapshot input =
      SnapshotBuilder().node("n1", usage(100, 1, 1)).pod("ns", "p", "n1", usage(100, 10, 10)).take();
  Snapshot no_namespaces = totals_of(input, {.namespaces = false});
  EXPECT_TRUE(no_namespaces.namespaces.empty());
  EXPECT_EQ(no_namespaces.nodes[0].pod_count, 1u);
  EXPECT_EQ(no_namespaces.cluster.pod_count, 1u);

  Snapshot no_cluster = totals_of(input, {.cluster = false});
  EXPECT_EQ(no_cluster.namespaces.size(), 1u);
  EXPECT_EQ(no_cluster.nodes[0].pod_count, 1u);
  EXPECT_EQ(no_cluster.cluster.pod_count, 0u);
  EXPECT_EQ(no_cluster.cluster.node_count, 0u);

  Snapshot no_nodes = totals_of(input, {.nodes_from_pods = false});
  EXPECT_EQ(no_nodes.namespaces.size(), 1u);
  EXPECT_EQ(no_nodes.nodes[0].pod_count, 0u);
  EXPECT_EQ(no_nodes.nodes[0].pods.present, 0u);
  EXPECT_EQ(no_nodes.cluster.pod_count, 1u);
}

// The processor as the host makes it: through the registry, by name, from YAML options.
Result<std::shared_ptr<Processor>> make_totals(PluginRegistry& registry, const ConfigValue& options,
                                               test::TestContext& ctx) {
  return registry.create_processor("totals", options, "processors[1].options", ctx);
}

TEST(TotalsPluginTest, IsABuiltInProcessorCreatedByName) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_totals()).is_ok());
  const RegisteredPlugin* found = registry.find(PluginKind::kProcessor, "totals");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->origin, "builtin");
  for (const OptionSpec& spec : *found->descriptor->options) {
    EXPECT_FALSE(spec.description.empty()) << spec.name;
    EXPECT_EQ(spec.default_value.text(), "true") << spec.name;
  }
  EXPECT_EQ(found->descriptor->options->size(), 3u);

  test::TestContext ctx;
  auto made = make_totals(registry, ConfigValue::map(), ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  Snapshot s = SnapshotBuilder().node("n1", usage(100, 1, 1)).pod("ns", "p", "n1", usage(100, 10, 10)).take();
  ASSERT_TRUE((*made)->process(s).is_ok());
  EXPECT_EQ(s.namespaces.size(), 1u);
  EXPECT_EQ(s.nodes[0].pod_count, 1u);
  EXPECT_EQ(s.cluster.pod_count, 1u);

  Snapshot empty;
  empty.cluster.pod_count = 42;  // anything: an empty snapshot is left as it is
  ASSERT_TRUE((*made)->process(empty).is_ok());
  EXPECT_EQ(empty.cluster.pod_count, 42u);
}

TEST(TotalsPluginTest, OptionsAreBoundAndUnknownOnesRefused) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_totals()).is_ok());
  test::TestContext ctx;
  ConfigValue off = ConfigValue::map();
  off.set("namespaces", ConfigValue::scalar("false"));
  off.set("cluster", ConfigValue::scalar("off"));
  auto made = make_totals(registry, off, ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  Snapshot s = SnapshotBuilder().node("n1", usage(100, 1, 1)).pod("ns", "p", "n1", usage(100, 10, 10)).take();
  ASSERT_TRUE((*made)->process(s).is_ok());
  EXPECT_TRUE(s.namespaces.empty());
  EXPECT_EQ(s.cluster.pod_count, 0u);
  EXPECT_EQ(s.nodes[0].pod_count, 1u);

  ConfigValue unknown = ConfigValue::map();
  unknown.set("namespace", ConfigValue::scalar("true"));
  auto refused = make_totals(registry, unknown, ctx);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("processors[1].options.namespace"));
}

TEST(TotalsPluginTest, TotalsWhatRatesServedAfterIt) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_rates()).is_ok());
  ASSERT_TRUE(registry.add_builtin(mpf_builtin_plugin_totals()).is_ok());
  test::TestContext ctx;
  ctx.settings().resolution = std::chrono::seconds(15);
  auto rates = registry.create_processor("rates", ConfigValue(), "processors[0].options", ctx);
  auto totals = make_totals(registry, ConfigValue(), ctx);
  ASSERT_TRUE(rates.is_ok() && totals.is_ok());

  auto scrape = [](std::int64_t t_s, std::uint64_t cpu_s) {
    auto batch = std::make_shared<NodeBatch>();
    batch->node_name = "n1";
    Sample s;
    s.timestamp_ns = t_s * kSecond;
    s.start_time_ns = kSecond;
    s.cpu_usage_core_ns = cpu_s * kSecond;
    s.memory_working_set_bytes = 1000;
    s.present = kHasCpu | kHasMemory | kHasStartTime;
    batch->set_node(s);
    batch->add_container("default", "web", "app", s);
    batch->add_container("default", "web", "sidecar", s);
    batch->add_container("kube-system", "dns", "dns", s);
    ScrapeResult r;
    r.target = "n1";
    r.batch = batch;
    return r;
  };
  for (auto [t_s, cpu_s] : {std::pair{100, 10}, std::pair{115, 25}}) {
    Snapshot s;
    s.scrapes.push_back(scrape(t_s, static_cast<std::uint64_t>(cpu_s)));
    ASSERT_TRUE((*rates)->process(s).is_ok());
    ASSERT_TRUE((*totals)->process(s).is_ok());
    if (t_s == 100) {
      EXPECT_TRUE(s.namespaces.empty()) << "one point: rates served nothing, totals did nothing";
      continue;
    }
    // Each container: 15 core-seconds over 15 s = 1e9 nanocores, 1000 bytes.
    ASSERT_EQ(s.namespaces.size(), 2u);
    EXPECT_EQ(s.names.name(s.namespaces[0].name), "default");
    EXPECT_EQ(s.namespaces[0].usage.cpu_nanocores, 2'000'000'000u);  // web: app + sidecar
    EXPECT_EQ(s.namespaces[1].usage.memory_working_set_bytes, 1000u);
    ASSERT_EQ(s.nodes.size(), 1u);
    EXPECT_EQ(s.nodes[0].pod_count, 2u);
    EXPECT_EQ(s.nodes[0].pods.cpu_nanocores, 3'000'000'000u);  // 3 containers x 1e9
    EXPECT_EQ(s.nodes[0].pods.window_ns, 15 * kSecond);
    EXPECT_EQ(s.cluster.pods.memory_working_set_bytes, 3000u);
    EXPECT_EQ(s.cluster.nodes.cpu_nanocores, 1'000'000'000u);
  }
}

}  // namespace
}  // namespace mpf::core
