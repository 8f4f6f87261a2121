// The `rates` processor's last-known-good improvement (core/aggregation/last_known_good.h), driven
// through the built-in plugin as the pipeline runs it: RateStore first, then the kept values.
#include "core/aggregation/last_known_good.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/aggregation/rate_store.h"
#include "core/aggregation/rates_processor.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_rates();

namespace mpf::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::int64_t kSecond = 1'000'000'000;

struct PodSpec {
  std::string ns;
  std::string name;
  std::int64_t start_s = 1;  // long-running unless set
};

Sample sample(std::int64_t t_s, std::uint64_t cpu_s, std::int64_t start_s = 1) {
  Sample s;
  s.timestamp_ns = t_s * kSecond;
  s.start_time_ns = start_s * kSecond;
  s.cpu_usage_core_ns = cpu_s * kSecond;
  s.memory_working_set_bytes = 5u << 20;
  s.present = kHasCpu | kHasMemory | kHasStartTime;
  return s;
}

// A good scrape of `node` at `t_s`: the node and every container use one core since t = 0; each pod
// has the containers "app" and "sidecar".
ScrapeResult ok(const std::string& node, std::int64_t t_s, const std::vector<PodSpec>& pods) {
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = node;
  batch->set_node(sample(t_s, static_cast<std::uint64_t>(t_s)));
  for (const PodSpec& p : pods) {
    const auto cpu = static_cast<std::uint64_t>(t_s - p.start_s);
    batch->add_container(p.ns, p.name, "sidecar", sample(t_s, cpu, p.start_s));
    batch->add_container(p.ns, p.name, "app", sample(t_s, cpu, p.start_s));
  }
  ScrapeResult r;
  r.source = "kubelet";
  r.target = node;
  r.batch = std::move(batch);
  return r;
}

ScrapeResult failed(const std::string& node) {
  ScrapeResult r;
  r.source = "kubelet";
  r.target = node;
  r.status = Status::retryable("context deadline exceeded");
  r.reason = FailureReason::kTimeout;
  return r;
}

Snapshot cycle(std::vector<ScrapeResult> scrapes) {
  Snapshot s;
  s.scrapes = std::move(scrapes);
  return s;
}

// One line per served object, in snapshot order: what a reader of the snapshot sees.
std::vector<std::string> served(const Snapshot& s) {
  std::vector<std::string> out;
  auto times = [](const Usage& u) {
    return " t=" + std::to_string(u.timestamp_ns / kSecond) + " w=" + std::to_string(u.window_ns / kSecond);
  };
  for (const NodeMetrics& n : s.nodes) out.push_back("node " + std::string(s.names.name(n.name)) + times(n.usage));
  for (const PodMetrics& p : s.pods) {
    std::string line = "pod " + std::string(s.names.name(p.namespace_name)) + "/" + std::string(s.names.name(p.name)) +
                       " on " + std::string(s.names.name(p.node)) + times(p.usage) + " [";
    for (std::uint32_t i = 0; i < p.container_count; ++i) {
      const ContainerMetrics& c = s.containers[p.first_container + i];
      line += std::string(i ? " " : "") + std::string(s.names.name(c.name)) + times(c.usage);
    }
    out.push_back(line + "]");
  }
  return out;
}

// The snapshot's ordering invariants, as RateStore::produce writes them and readers rely on.
void expect_ordered(const Snapshot& s) {
  for (std::size_t i = 1; i < s.nodes.size(); ++i) {
    EXPECT_LT(s.names.name(s.nodes[i - 1].name), s.names.name(s.nodes[i].name)) << "nodes sorted by name";
  }
  std::uint32_t next_container = 0;
  for (std::size_t i = 0; i < s.pods.size(); ++i) {
    if (i > 0) {
      const auto key = [&](const PodMetrics& p) {
        return std::pair(s.names.name(p.namespace_name), s.names.name(p.name));
      };
      EXPECT_LT(key(s.pods[i - 1]), key(s.pods[i])) << "pods sorted by (namespace, name), no duplicate";
    }
    EXPECT_EQ(s.pods[i].first_container, next_container) << "containers grouped in pod order";
    for (std::uint32_t c = 1; c < s.pods[i].container_count; ++c) {
      EXPECT_LT(s.names.name(s.containers[next_container + c - 1].name), s.names.name(s.containers[next_container + c].name));
    }
    next_container += s.pods[i].container_count;
  }
  EXPECT_EQ(next_container, s.containers.size());
}

ConfigValue options(std::initializer_list<std::pair<const char*, const char*>> entries) {
  ConfigValue map = ConfigValue::map();
  for (const auto& [key, value] : entries) map.set(key, ConfigValue::scalar(value));
  return map;
}

// The rates processor made by the plugin, with its self-metrics.
class Rates {
 public:
  explicit Rates(const ConfigValue& config = ConfigValue()) {
    ctx_.settings().resolution = std::chrono::seconds(15);
    auto made = mpf_builtin_plugin_rates().create_processor(config, "processors[0].options", ctx_);
    EXPECT_TRUE(made.is_ok()) << made.status().message();
    if (made.is_ok()) processor_ = std::move(*made);
  }
  Snapshot run(std::vector<ScrapeResult> scrapes) {
    Snapshot s = cycle(std::move(scrapes));
    EXPECT_TRUE(processor_->process(s).is_ok());
    expect_ordered(s);
    return s;
  }
  double metric(const char* name) { return ctx_.registry().value(name, {}).value_or(-1); }

 private:
  test::TestContext ctx_;
  ProcessorPtr processor_;
};

const std::vector<PodSpec> kN0Pods{{"default", "a"}};
const std::vector<PodSpec> kN1Pods{{"default", "b"}, {"kube-system", "x"}};
const std::vector<PodSpec> kN2Pods{{"default", "c"}};

// Three nodes at `t_s`; n1, in the middle of every order, answers or fails.
std::vector<ScrapeResult> three_nodes(std::int64_t t_s, bool n1_fails) {
  return {ok("n0", t_s, kN0Pods), n1_fails ? failed("n1") : ok("n1", t_s, kN1Pods), ok("n2", t_s, kN2Pods)};
}

TEST(LastKnownGoodTest, FailedNodeKeepsItsValuesForTwoCyclesThenVanishes) {
  Rates rates;
  rates.run(three_nodes(100, false));
  const Snapshot good = rates.run(three_nodes(115, false));
  ASSERT_EQ(good.nodes.size(), 3u);
  ASSERT_EQ(good.pods.size(), 4u);

  for (std::int64_t t : {130, 145}) {
    const Snapshot s = rates.run(three_nodes(t, true));
    const std::string now = " t=" + std::to_string(t) + " w=15";
    EXPECT_THAT(served(s), ElementsAre("node n0" + now, "node n1 t=115 w=15", "node n2" + now,
                                       "pod default/a on n0" + now + " [app" + now + " sidecar" + now + "]",
                                       "pod default/b on n1 t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]",
                                       "pod default/c on n2" + now + " [app" + now + " sidecar" + now + "]",
                                       "pod kube-system/x on n1 t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]"))
        << "t=" << t;
    EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 1.0);
    EXPECT_EQ(rates.metric("mpf_rates_last_known_good_pods"), 2.0);
    EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 0.0);
  }
  // The third failed cycle is over the default budget of 2.
  const Snapshot third = rates.run(three_nodes(160, true));
  EXPECT_THAT(served(third), ElementsAre("node n0 t=160 w=15", "node n2 t=160 w=15",
                                         "pod default/a on n0 t=160 w=15 [app t=160 w=15 sidecar t=160 w=15]",
                                         "pod default/c on n2 t=160 w=15 [app t=160 w=15 sidecar t=160 w=15]"));
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 0.0);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_pods"), 0.0);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 1.0);

  rates.run(three_nodes(175, true));
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 1.0) << "expires once";
}

TEST(LastKnownGoodTest, KeptValuesAreTheServedOnesUnchanged) {
  Rates rates;
  rates.run(three_nodes(100, false));
  const Snapshot good = rates.run(three_nodes(115, false));
  const Snapshot kept = rates.run(three_nodes(130, true));
  ASSERT_EQ(kept.nodes.size(), 3u);
  const NodeMetrics& before = good.nodes[1];
  const NodeMetrics& after = kept.nodes[1];
  EXPECT_EQ(kept.names.name(after.name), "n1");
  EXPECT_EQ(after.usage.timestamp_ns, before.usage.timestamp_ns);
  EXPECT_EQ(after.usage.window_ns, before.usage.window_ns);
  EXPECT_EQ(after.usage.cpu_nanocores, before.usage.cpu_nanocores);
  EXPECT_EQ(after.usage.memory_working_set_bytes, before.usage.memory_working_set_bytes);
  EXPECT_EQ(after.usage.present, before.usage.present);
  ASSERT_EQ(kept.pods.size(), good.pods.size());
  for (std::size_t i = 0; i < kept.pods.size(); ++i) {
    if (kept.names.name(kept.pods[i].node) != "n1") continue;
    EXPECT_EQ(kept.pods[i].usage.cpu_nanocores, good.pods[i].usage.cpu_nanocores);
    EXPECT_EQ(kept.pods[i].usage.memory_working_set_bytes, good.pods[i].usage.memory_working_set_bytes);
    EXPECT_EQ(kept.pods[i].usage.timestamp_ns, good.pods[i].usage.timestamp_ns);
  }
}

TEST(LastKnownGoodTest, DeletedNodeVanishesAtOnce) {
  Rates rates;
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  // n1 is no longer a target at all: deleted, or outside the node selector.
  const Snapshot s = rates.run({ok("n0", 130, kN0Pods), ok("n2", 130, kN2Pods)});
  EXPECT_THAT(served(s), ElementsAre("node n0 t=130 w=15", "node n2 t=130 w=15",
                                     "pod default/a on n0 t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]",
                                     "pod default/c on n2 t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]"));
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 0.0);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 0.0);

  // And it is forgotten: failing later, after being away, brings nothing back.
  const Snapshot later = rates.run(three_nodes(145, true));
  EXPECT_EQ(later.nodes.size(), 2u);
}

TEST(LastKnownGoodTest, DeletedWhileBridgedVanishesAtOnce) {
  Rates rates;
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  EXPECT_EQ(rates.run(three_nodes(130, true)).nodes.size(), 3u);
  const Snapshot s = rates.run({ok("n0", 145, kN0Pods), ok("n2", 145, kN2Pods)});
  EXPECT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(s.pods.size(), 2u);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 0.0) << "deleted, not expired";
}

TEST(LastKnownGoodTest, NodeNeverServedIsNotKept) {
  Rates rates;
  rates.run(three_nodes(100, false));  // one point: nothing served yet
  const Snapshot s = rates.run(three_nodes(115, true));
  EXPECT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 0.0);
}

// The reference's behaviour, from a bare RateStore (the strict path the processor has always had).
std::vector<std::vector<std::string>> reference_run(const std::vector<std::vector<ScrapeResult>>& cycles) {
  RateStore store(std::chrono::seconds(15));
  std::vector<std::vector<std::string>> out;
  for (const auto& scrapes : cycles) {
    Snapshot s = cycle(scrapes);
    store.process(s);
    out.push_back(served(s));
  }
  return out;
}

TEST(LastKnownGoodTest, StrictOrZeroCyclesReproduceTheReference) {
  const std::vector<std::vector<ScrapeResult>> cycles{three_nodes(100, false), three_nodes(115, false),
                                                      three_nodes(130, true),  three_nodes(145, false),
                                                      three_nodes(160, false), three_nodes(175, true)};
  const auto reference = reference_run(cycles);
  ASSERT_EQ(reference[2].size(), 4u) << "the reference drops n1 and its two pods at once";
  for (const ConfigValue& config : {options({{"strict", "true"}}),
                                    options({{"strict", "true"}, {"last_known_good_cycles", "5"}}),
                                    options({{"last_known_good_cycles", "0"}})}) {
    Rates rates(config);
    for (std::size_t i = 0; i < cycles.size(); ++i) {
      EXPECT_EQ(served(rates.run(cycles[i])), reference[i]) << "cycle " << i;
    }
  }
  // The default differs from the reference exactly where a scrape failed.
  Rates defaults;
  for (std::size_t i = 0; i < cycles.size(); ++i) {
    const auto got = served(defaults.run(cycles[i]));
    if (i == 2 || i == 3 || i == 5) {
      EXPECT_NE(got, reference[i]) << "cycle " << i;
    } else {
      EXPECT_EQ(got, reference[i]) << "cycle " << i;
    }
  }
}

TEST(LastKnownGoodTest, PodServedByAnotherNodeIsNotDuplicated) {
  Rates rates;
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  // n1 fails while default/b is recreated on n2, fresh: 12 s old, served from its first sample.
  const Snapshot s = rates.run({ok("n0", 130, kN0Pods), failed("n1"),
                                ok("n2", 130, {{"default", "b", /*start_s=*/118}, {"default", "c"}})});
  EXPECT_THAT(served(s), ElementsAre("node n0 t=130 w=15", "node n1 t=115 w=15", "node n2 t=130 w=15",
                                     "pod default/a on n0 t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]",
                                     "pod default/b on n2 t=130 w=12 [app t=130 w=12 sidecar t=130 w=12]",
                                     "pod default/c on n2 t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]",
                                     "pod kube-system/x on n1 t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]"));
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_pods"), 1.0);
}

TEST(LastKnownGoodTest, KeptPodsMergeIntoEveryPositionOfTheOrder) {
  // Kept pods before, between and after fresh ones, in several namespaces, with a new name (the
  // snapshot's ids differ from the recorded ones).
  Rates rates;
  const std::vector<PodSpec> kept{{"a-ns", "p"}, {"default", "m"}, {"zz", "last"}};
  const std::vector<PodSpec> fresh{{"default", "b"}, {"default", "z"}, {"kube-system", "dns"}};
  rates.run({ok("a", 100, fresh), ok("b", 100, kept)});
  rates.run({ok("a", 115, fresh), ok("b", 115, kept)});
  const Snapshot s = rates.run({ok("a", 130, fresh), failed("b"), ok("c-new", 130, {{"new", "pod"}})});
  EXPECT_THAT(served(s), ElementsAre("node a t=130 w=15", "node b t=115 w=15",
                                     "pod a-ns/p on b t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]",
                                     "pod default/b on a t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]",
                                     "pod default/m on b t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]",
                                     "pod default/z on a t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]",
                                     "pod kube-system/dns on a t=130 w=15 [app t=130 w=15 sidecar t=130 w=15]",
                                     "pod zz/last on b t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]"));
}

TEST(LastKnownGoodTest, OnlyNodesWithAFailedScrapeAreKept) {
  Rates rates;
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  // n1 answers, but with a zero CPU counter: RateStore's zero rule drops it, and that rule stands.
  ScrapeResult zero = ok("n1", 130, kN1Pods);
  auto batch = std::make_shared<NodeBatch>(*zero.batch);
  batch->node_sample.cpu_usage_core_ns = 0;
  zero.batch = batch;
  const Snapshot s = rates.run({ok("n0", 130, kN0Pods), zero, ok("n2", 130, kN2Pods)});
  EXPECT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 0.0);
}

TEST(LastKnownGoodTest, OneGoodScrapeOfSeveralSourcesIsEnough) {
  Rates rates;
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  // A second source fails for n1 while the first scraped it: nothing is kept, nothing doubled.
  ScrapeResult other = failed("n1");
  other.source = "summary";
  std::vector<ScrapeResult> scrapes = three_nodes(130, false);
  scrapes.push_back(other);
  const Snapshot s = rates.run(scrapes);
  EXPECT_THAT(served(s)[1], "node n1 t=130 w=15");
  EXPECT_EQ(s.nodes.size(), 3u);
  EXPECT_EQ(s.pods.size(), 4u);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 0.0);
}

// Recovery: after a failure, RateStore has forgotten the node and needs two good scrapes to serve it
// again (reference §3.4). Design: the bridge covers that cycle too, within the same budget, so one
// failed scrape is invisible to clients; only pods still in the node's new batch are kept then.
TEST(LastKnownGoodTest, RecoveryBridgesTheSecondPointThenServesFreshValues) {
  Rates rates;
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  rates.run(three_nodes(130, true));
  // Good again, but one point only; kube-system/x was deleted meanwhile: it goes at once.
  const Snapshot recovering = rates.run({ok("n0", 145, kN0Pods), ok("n1", 145, {{"default", "b"}}), ok("n2", 145, kN2Pods)});
  EXPECT_THAT(served(recovering),
              ElementsAre("node n0 t=145 w=15", "node n1 t=115 w=15", "node n2 t=145 w=15",
                          "pod default/a on n0 t=145 w=15 [app t=145 w=15 sidecar t=145 w=15]",
                          "pod default/b on n1 t=115 w=15 [app t=115 w=15 sidecar t=115 w=15]",
                          "pod default/c on n2 t=145 w=15 [app t=145 w=15 sidecar t=145 w=15]"));
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 1.0);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_pods"), 1.0);

  const Snapshot back = rates.run({ok("n0", 160, kN0Pods), ok("n1", 160, {{"default", "b"}}), ok("n2", 160, kN2Pods)});
  EXPECT_THAT(served(back), ElementsAre("node n0 t=160 w=15", "node n1 t=160 w=15", "node n2 t=160 w=15",
                                        "pod default/a on n0 t=160 w=15 [app t=160 w=15 sidecar t=160 w=15]",
                                        "pod default/b on n1 t=160 w=15 [app t=160 w=15 sidecar t=160 w=15]",
                                        "pod default/c on n2 t=160 w=15 [app t=160 w=15 sidecar t=160 w=15]"));
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_nodes"), 0.0);
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 0.0);

  // The budget starts afresh after recovery.
  for (std::int64_t t : {175, 190}) EXPECT_EQ(rates.run(three_nodes(t, true)).nodes.size(), 3u) << t;
  EXPECT_EQ(rates.run(three_nodes(205, true)).nodes.size(), 2u);
}

TEST(LastKnownGoodTest, RecoveryCountsAgainstTheBudget) {
  Rates rates(options({{"last_known_good_cycles", "1"}}));
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  EXPECT_EQ(rates.run(three_nodes(130, true)).nodes.size(), 3u);
  EXPECT_EQ(rates.run(three_nodes(145, false)).nodes.size(), 2u) << "the reference's gap after the budget";
  EXPECT_EQ(rates.metric("mpf_rates_last_known_good_expired_total"), 1.0);
  EXPECT_EQ(rates.run(three_nodes(160, false)).nodes.size(), 3u);
}

TEST(LastKnownGoodTest, LongerBudget) {
  Rates rates(options({{"last_known_good_cycles", "4"}}));
  rates.run(three_nodes(100, false));
  rates.run(three_nodes(115, false));
  for (std::int64_t t = 130; t <= 175; t += 15) EXPECT_EQ(rates.run(three_nodes(t, true)).nodes.size(), 3u) << t;
  EXPECT_EQ(rates.run(three_nodes(190, true)).nodes.size(), 2u);
}

TEST(LastKnownGoodTest, DirectUseWithAHandBuiltSnapshot) {
  // A good scrape without a batch gives RateStore nothing: it counts as failed.
  LastKnownGood lkg(2);
  Snapshot first;
  first.scrapes.push_back(ok("n1", 100, {}));
  NodeMetrics n;
  n.name = first.names.intern("n1");
  n.usage.timestamp_ns = 100 * kSecond;
  n.usage.window_ns = 15 * kSecond;
  first.nodes.push_back(n);
  EXPECT_EQ(lkg.apply(first).nodes, 0u);

  Snapshot second;
  second.names.intern("something-else");  // other ids than the recorded ones
  ScrapeResult no_batch;
  no_batch.target = "n1";
  second.scrapes.push_back(no_batch);
  const LastKnownGoodStats stats = lkg.apply(second);
  EXPECT_EQ(stats.nodes, 1u);
  ASSERT_EQ(second.nodes.size(), 1u);
  EXPECT_EQ(second.names.name(second.nodes[0].name), "n1");
  EXPECT_EQ(second.nodes[0].usage.timestamp_ns, 100 * kSecond);
  EXPECT_EQ(lkg.bridged_nodes(), 1u);
}

TEST(LastKnownGoodTest, DisabledDoesNothing) {
  LastKnownGood lkg(0);
  Snapshot s;
  s.scrapes.push_back(failed("n1"));
  EXPECT_EQ(lkg.apply(s).nodes, 0u);
  EXPECT_TRUE(s.nodes.empty());
}

TEST(LastKnownGoodTest, OptionsDefaultsAndValidation) {
  const PluginDescriptor& d = mpf_builtin_plugin_rates();
  std::vector<std::string> declared;
  for (const OptionSpec& spec : *d.options) {
    declared.push_back(spec.name + "=" + spec.default_value.text() + " (" + std::string(option_type_name(spec.type)) + ")");
    EXPECT_FALSE(spec.description.empty());
  }
  EXPECT_THAT(declared, ElementsAre("strict=false (bool)", "last_known_good_cycles=2 (int)",
                                    "tolerate_container_gaps=true (bool)"));

  test::TestContext ctx;
  auto negative = d.create_processor(options({{"last_known_good_cycles", "-1"}}), "processors[0].options", ctx);
  ASSERT_FALSE(negative.is_ok());
  EXPECT_THAT(negative.status().message(), HasSubstr("processors[0].options.last_known_good_cycles: -1 is out of range [0, 4294967295]"));

  auto not_an_int = d.create_processor(options({{"last_known_good_cycles", "two"}}), "processors[0].options", ctx);
  ASSERT_FALSE(not_an_int.is_ok());
  EXPECT_THAT(not_an_int.status().message(), HasSubstr("processors[0].options.last_known_good_cycles: expected an int"));

  auto typo = d.create_processor(options({{"stric", "true"}}), "processors[0].options", ctx);
  ASSERT_FALSE(typo.is_ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("did you mean \"strict\""));

  EXPECT_EQ(RatesOptions{}.effective_last_known_good_cycles(), 2u);
  EXPECT_EQ((RatesOptions{.strict = true, .last_known_good_cycles = 5}).effective_last_known_good_cycles(), 0u);
  EXPECT_EQ((RatesOptions{.strict = false, .last_known_good_cycles = 0}).effective_last_known_good_cycles(), 0u);
  // Container tolerance is on unless strict or turned off.
  EXPECT_TRUE(RatesOptions{}.store_options().tolerate_container_gaps);
  EXPECT_FALSE((RatesOptions{.strict = true}).store_options().tolerate_container_gaps);
  EXPECT_FALSE((RatesOptions{.tolerate_container_gaps = false}).store_options().tolerate_container_gaps);
}

}  // namespace
}  // namespace mpf::core
