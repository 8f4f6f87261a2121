#include "tests/sim/cluster_model.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace mpf::sim {
namespace {

constexpr int64_t kMs = 1000000;

ModelConfig small_config(uint64_t seed = 7) {
  ModelConfig config;
  config.seed = seed;
  config.nodes = 20;
  config.pods_per_node = 30;
  config.containers_per_pod = 2;
  return config;
}

// Everything observable about a model at one time, as text.
std::string fingerprint(const ClusterModel& model, int64_t now_ms) {
  std::string out;
  for (size_t n = 0; n < model.nodes().size(); ++n) {
    const NodeSpec& node = model.node(n);
    const NodeSample ns = model.sample_node(n, now_ms);
    out += node.name + " " + node.address + " " + node.instance_type + " " + std::to_string(ns.usage.cpu_core_ns) +
           " " + std::to_string(ns.usage.working_set_bytes) + "\n";
    for (const Label& l : node.labels) out += " " + l.name + "=" + l.value;
    for (size_t p = 0; p < node.pods.size(); ++p) {
      const PodSpec& pod = node.pods[p];
      out += pod.namespace_name + "/" + pod.name + " " + pod.uid + "\n";
      for (size_t c = 0; c < pod.containers.size(); ++c) {
        const ContainerSample cs = model.sample_container(n, p, c, now_ms);
        out += pod.containers[c].name + " " + std::to_string(cs.usage.cpu_core_ns) + " " +
               std::to_string(cs.usage.working_set_bytes) + " " + std::to_string(cs.start_unix_ns) + "\n";
      }
    }
  }
  return out;
}

TEST(ClusterModelTest, SameSeedSameCluster) {
  const int64_t now = kDefaultAnchorUnixNs / kMs + 12345;
  EXPECT_EQ(fingerprint(ClusterModel(small_config()), now), fingerprint(ClusterModel(small_config()), now));
}

TEST(ClusterModelTest, DifferentSeedDifferentCluster) {
  const int64_t now = kDefaultAnchorUnixNs / kMs;
  const ClusterModel a(small_config(1));
  const ClusterModel b(small_config(2));
  EXPECT_NE(fingerprint(a, now), fingerprint(b, now));
  // Names are shared by design, but rates, pod names and start times are not.
  EXPECT_EQ(a.node(0).name, b.node(0).name);
  EXPECT_NE(a.node(0).pods[1].name, b.node(0).pods[1].name);
  EXPECT_NE(a.node(0).pods[1].containers[0].cpu_nanocores, b.node(0).pods[1].containers[0].cpu_nanocores);
}

TEST(ClusterModelTest, NodeNamesAndLoopbackAddresses) {
  EXPECT_EQ(ClusterModel::node_name(0), "node-00001");
  EXPECT_EQ(ClusterModel::node_name(12344), "node-12345");
  EXPECT_EQ(ClusterModel::node_name(123455), "node-123456");
  EXPECT_EQ(ClusterModel::node_address(0), "127.1.0.1");
  EXPECT_EQ(ClusterModel::node_address(253), "127.1.0.254");
  EXPECT_EQ(ClusterModel::node_address(254), "127.1.1.1");
  EXPECT_EQ(ClusterModel::node_address(254 * 256 - 1), "127.1.255.254");
  EXPECT_EQ(ClusterModel::node_address(254 * 256), "127.2.0.1");
  std::set<std::string> seen;
  const std::regex address(R"(127\.([1-9]\d*)\.(\d+)\.(\d+))");
  for (uint32_t i = 0; i < 5000; ++i) {
    const std::string a = ClusterModel::node_address(i);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(a, m, address)) << a;
    const int host = std::stoi(m[3]);
    EXPECT_TRUE(host >= 1 && host <= 254) << a;
    EXPECT_TRUE(seen.insert(a).second) << a;
  }
}

TEST(ClusterModelTest, FindNode) {
  const ClusterModel model(small_config());
  EXPECT_EQ(model.find_node("node-00001"), 0u);
  EXPECT_EQ(model.find_node("node-00020"), 19u);
  EXPECT_FALSE(model.find_node("node-00021"));
  EXPECT_FALSE(model.find_node("node-0001"));
  EXPECT_FALSE(model.find_node("worker-1"));
}

TEST(ClusterModelTest, PodsLookLikeKubernetesPods) {
  ModelConfig config = small_config();
  config.nodes = 500;
  const ClusterModel model(config);
  const std::regex deployment_pod(R"([a-z][a-z-]*-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5})");
  const std::regex daemon_pod(R"(kube-proxy-[bcdfghjklmnpqrstvwxz2456789]{5})");
  const std::regex uid(R"([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
  std::set<std::string> names;
  std::set<std::string> namespaces;
  for (const NodeSpec& node : model.nodes()) {
    EXPECT_GT(node.allocatable_millicores, 0u);
    EXPECT_LT(node.allocatable_millicores, node.capacity_millicores);
    EXPECT_LT(node.allocatable_memory_bytes, node.capacity_memory_bytes);
    EXPECT_GT(node.capacity_memory_bytes, model.node_working_set_bytes(&node - model.nodes().data()));
    EXPECT_LT(node.boot_unix_ns, config.anchor_unix_ns);
    for (const PodSpec& pod : node.pods) {
      EXPECT_TRUE(std::regex_match(pod.name, pod.daemon_set ? daemon_pod : deployment_pod)) << pod.name;
      EXPECT_TRUE(std::regex_match(pod.uid, uid)) << pod.uid;
      EXPECT_TRUE(names.insert(pod.namespace_name + "/" + pod.name).second) << "duplicate " << pod.name;
      namespaces.insert(pod.namespace_name);
      ASSERT_FALSE(pod.labels.empty());
      EXPECT_EQ(pod.labels.front().name, "app");
      EXPECT_EQ(pod.labels.front().value, pod.app);
      EXPECT_GT(pod.start_unix_ns, node.boot_unix_ns);
      EXPECT_LT(pod.start_unix_ns, config.anchor_unix_ns);
      std::set<std::string> containers;
      for (const ContainerSpec& c : pod.containers) {
        EXPECT_TRUE(containers.insert(c.name).second) << pod.name << " has two " << c.name;
        EXPECT_GE(c.cpu_nanocores, 1000000u);  // 1m .. 500m
        EXPECT_LE(c.cpu_nanocores, 500000000u);
        EXPECT_EQ(c.working_set_bytes % 4096, 0u);
        EXPECT_GT(c.start_unix_ns, pod.start_unix_ns);
      }
    }
  }
  EXPECT_GE(namespaces.size(), 5u);
  EXPECT_TRUE(namespaces.count("default") && namespaces.count("kube-system") && namespaces.count("team-a"));
}

// Δcpu/Δt between two samples gives back the constant rate, to within one nanocore.
void expect_rate(uint64_t rate, const UsageSample& a, const UsageSample& b, const std::string& what) {
  ASSERT_GT(b.time_ms, a.time_ms) << what;
  const double seconds = static_cast<double>(b.time_ms - a.time_ms) / 1000.0;
  const double measured = static_cast<double>(b.cpu_core_ns - a.cpu_core_ns) / seconds;
  EXPECT_NEAR(measured, static_cast<double>(rate), 1.0) << what;
}

TEST(ClusterModelTest, RatesAreRecoverableFromTwoSamples) {
  const ClusterModel model(small_config());
  const int64_t t1 = kDefaultAnchorUnixNs / kMs + 60000;
  const int64_t t2 = t1 + 15000;
  for (size_t n = 0; n < model.nodes().size(); ++n) {
    expect_rate(model.node_cpu_nanocores(n), model.sample_node(n, t1).usage, model.sample_node(n, t2).usage, "node");
    for (size_t p = 0; p < model.node(n).pods.size(); ++p) {
      expect_rate(model.pod_cpu_nanocores(n, p), model.sample_pod(n, p, t1).usage, model.sample_pod(n, p, t2).usage,
                  "pod");
      for (size_t c = 0; c < model.node(n).pods[p].containers.size(); ++c) {
        const ContainerSample a = model.sample_container(n, p, c, t1);
        const ContainerSample b = model.sample_container(n, p, c, t2);
        expect_rate(model.container_cpu_nanocores(n, p, c), a.usage, b.usage, model.node(n).pods[p].name);
        EXPECT_EQ(b.usage.working_set_bytes, model.container_working_set_bytes(n, p, c));
      }
    }
  }
}

TEST(ClusterModelTest, CumulativeCpuIsExactIntegerArithmetic) {
  const ClusterModel model(small_config());
  const ContainerSpec& c = model.node(3).pods[4].containers[1];
  const ContainerSample s = model.sample_container(3, 4, 1, kDefaultAnchorUnixNs / kMs + 1000);
  const auto expected = static_cast<uint64_t>(static_cast<unsigned __int128>(c.cpu_nanocores) *
                                              static_cast<uint64_t>(s.usage.time_ms * kMs - c.start_unix_ns) /
                                              1000000000U);
  EXPECT_EQ(s.usage.cpu_core_ns, expected);
}

TEST(ClusterModelTest, NodeIsItsPodsPlusSystemShare) {
  const ClusterModel model(small_config());
  for (size_t n = 0; n < model.nodes().size(); ++n) {
    uint64_t pods = 0;
    uint64_t containers = 0;
    for (size_t p = 0; p < model.node(n).pods.size(); ++p) {
      pods += model.pod_cpu_nanocores(n, p);
      for (size_t c = 0; c < model.node(n).pods[p].containers.size(); ++c) containers += model.container_cpu_nanocores(n, p, c);
    }
    EXPECT_EQ(model.node_cpu_nanocores(n), pods + model.node(n).system_cpu_nanocores);
    EXPECT_GT(pods, containers);  // The pod sandboxes.
    EXPECT_LT(pods - containers, model.node(n).pods.size() * 100000 + 1);
  }
}

TEST(ClusterModelTest, SamplesAreTakenOnHousekeepingTicks) {
  const ClusterModel model(small_config());
  const int64_t now = kDefaultAnchorUnixNs / kMs + 777777;
  std::set<int64_t> times;
  for (size_t p = 0; p < model.node(0).pods.size(); ++p) {
    for (size_t c = 0; c < 2; ++c) {
      const ContainerSample s = model.sample_container(0, p, c, now);
      EXPECT_LE(s.usage.time_ms, now);
      EXPECT_GT(s.usage.time_ms, now - 10000);
      times.insert(s.usage.time_ms);
      // Stable until the next tick.
      EXPECT_EQ(model.sample_container(0, p, c, s.usage.time_ms).usage.cpu_core_ns, s.usage.cpu_core_ns);
    }
  }
  EXPECT_GT(times.size(), 40u) << "series should carry their own timestamps";

  ModelConfig at_request = small_config();
  at_request.stats_interval_ms = 0;
  const ClusterModel immediate(at_request);
  EXPECT_EQ(immediate.sample_container(0, 0, 0, now).usage.time_ms, now);
  EXPECT_EQ(immediate.sample_node(0, now).usage.time_ms, now);
}

TEST(ClusterModelTest, SeriesOrderIsPrometheusOrder) {
  const ClusterModel model(small_config());
  const NodeSpec& node = model.node(2);
  const auto order = model.container_series_order(2);
  ASSERT_EQ(order.size(), 60u);
  for (size_t i = 1; i < order.size(); ++i) {
    const PodSpec& a = node.pods[order[i - 1].pod];
    const PodSpec& b = node.pods[order[i].pod];
    EXPECT_LT(std::tie(a.containers[order[i - 1].container].name, a.namespace_name, a.name),
              std::tie(b.containers[order[i].container].name, b.namespace_name, b.name));
  }
}

TEST(ClusterModelTest, ZeroModeReportsZeros) {
  ClusterModel model(small_config());
  model.set_counter_mode(1, CounterMode::kZero, 0);
  const int64_t now = kDefaultAnchorUnixNs / kMs + 5000;
  EXPECT_EQ(model.sample_node(1, now).usage.cpu_core_ns, 0u);
  EXPECT_EQ(model.sample_node(1, now).usage.working_set_bytes, 0u);
  EXPECT_EQ(model.sample_container(1, 3, 0, now).usage.cpu_core_ns, 0u);
  EXPECT_TRUE(model.sample_container(1, 3, 0, now).reported);
  EXPECT_EQ(model.node_cpu_nanocores(1), 0u);
  EXPECT_GT(model.sample_node(0, now).usage.cpu_core_ns, 0u);
}

TEST(ClusterModelTest, ContainerRestartMovesStartAndResetsCounter) {
  ModelConfig config = small_config();
  config.stats_interval_ms = 0;
  ClusterModel model(config);
  const int64_t period_ms = 60000;
  model.set_counter_mode(0, CounterMode::kContainerRestarts, period_ms * kMs);
  const int64_t anchor_ms = config.anchor_unix_ns / kMs;
  const int64_t before = anchor_ms + period_ms - 1000;
  const int64_t after = anchor_ms + period_ms + 2000;
  const ContainerSample a = model.sample_container(0, 5, 0, before);
  const ContainerSample b = model.sample_container(0, 5, 0, after);
  EXPECT_LT(a.start_unix_ns, anchor_ms * kMs);
  EXPECT_EQ(b.start_unix_ns, (anchor_ms + period_ms) * kMs);
  EXPECT_LT(b.usage.cpu_core_ns, a.usage.cpu_core_ns);
  EXPECT_EQ(b.usage.cpu_core_ns, model.container_cpu_nanocores(0, 5, 0) * 2);  // 2 s since the restart.
  // The sidecar and the pod cgroup keep counting.
  EXPECT_GT(model.sample_container(0, 5, 1, after).usage.cpu_core_ns, model.sample_container(0, 5, 1, before).usage.cpu_core_ns);
  EXPECT_GT(model.sample_pod(0, 5, after).usage.cpu_core_ns, model.sample_pod(0, 5, before).usage.cpu_core_ns);
  EXPECT_GT(model.sample_node(0, after).usage.cpu_core_ns, model.sample_node(0, before).usage.cpu_core_ns);
}

TEST(ClusterModelTest, RebootResetsNodeCounterAndRestartsPods) {
  ModelConfig config = small_config();
  config.stats_interval_ms = 0;
  ClusterModel model(config);
  const int64_t period_ms = 300000;
  model.set_counter_mode(0, CounterMode::kNodeReboots, period_ms * kMs);
  const int64_t anchor_ms = config.anchor_unix_ns / kMs;
  const NodeSample a = model.sample_node(0, anchor_ms + period_ms - 1);
  const NodeSample b = model.sample_node(0, anchor_ms + period_ms + 1000);
  EXPECT_EQ(b.boot_unix_ns, (anchor_ms + period_ms) * kMs);
  EXPECT_LT(b.usage.cpu_core_ns, a.usage.cpu_core_ns);
  // One second after boot: only the system share has run, pods come back a few seconds later.
  EXPECT_EQ(b.usage.cpu_core_ns, model.node(0).system_cpu_nanocores);
  EXPECT_FALSE(model.sample_pod(0, 3, anchor_ms + period_ms + 1000).reported);
  const int64_t later = anchor_ms + period_ms + 60000;
  EXPECT_TRUE(model.sample_pod(0, 3, later).reported);
  EXPECT_GT(model.sample_pod(0, 3, later).start_unix_ns, b.boot_unix_ns);
  const NodeSample c = model.sample_node(0, later);
  const NodeSample d = model.sample_node(0, later + 15000);
  expect_rate(model.node_cpu_nanocores(0), c.usage, d.usage, "node after reboot");
}

TEST(ClusterModelTest, RenamingTenGenerationsRenamesEveryPodOnce) {
  ModelConfig config = small_config();
  ClusterModel model(config);
  std::vector<std::string> original;
  for (const NodeSpec& node : model.nodes()) {
    for (const PodSpec& pod : node.pods) original.push_back(pod.name);
  }
  int64_t t = config.anchor_unix_ns;
  std::vector<uint64_t> previous_node_cpu(model.nodes().size());
  for (size_t n = 0; n < model.nodes().size(); ++n) previous_node_cpu[n] = model.sample_node(n, t / kMs).usage.cpu_core_ns;
  for (uint32_t generation = 1; generation <= kChurnSlots; ++generation) {
    t += 15000 * kMs;
    model.rename_pods(generation, t);
    EXPECT_EQ(model.generation(), generation);
    std::set<std::string> names;
    for (size_t n = 0; n < model.nodes().size(); ++n) {
      for (const PodSpec& pod : model.node(n).pods) EXPECT_TRUE(names.insert(pod.namespace_name + "/" + pod.name).second);
      // The node counter never goes back: a replaced pod's CPU stays in it.
      const uint64_t cpu = model.sample_node(n, t / kMs + 5000).usage.cpu_core_ns;
      EXPECT_GE(cpu, previous_node_cpu[n]);
      previous_node_cpu[n] = cpu;
    }
  }
  size_t i = 0;
  for (const NodeSpec& node : model.nodes()) {
    for (const PodSpec& pod : node.pods) {
      EXPECT_NE(pod.name, original[i++]);
      EXPECT_EQ(pod.renames, 1u);
    }
  }
}

TEST(ClusterModelTest, NodeRateHoldsAcrossARename) {
  ModelConfig config = small_config();
  config.stats_interval_ms = 0;
  ClusterModel model(config);
  const int64_t t1 = config.anchor_unix_ns / kMs + 30000;
  const NodeSample a = model.sample_node(4, t1);
  model.rename_pods(1, (t1 + 7000) * kMs);
  const NodeSample b = model.sample_node(4, t1 + 15000);
  const NodeSample c = model.sample_node(4, t1 + 30000);
  // No reset at the rename; once the new containers run (a few seconds later) the rate is the same.
  EXPECT_GT(b.usage.cpu_core_ns, a.usage.cpu_core_ns);
  expect_rate(model.node_cpu_nanocores(4), b.usage, c.usage, "node after rename");
}

TEST(ClusterModelTest, SameRenameSequenceSameNames) {
  ClusterModel a(small_config());
  ClusterModel b(small_config());
  for (uint32_t g = 1; g <= 3; ++g) {
    a.rename_pods(g, kDefaultAnchorUnixNs + g * 15000 * kMs);
    b.rename_pods(g, kDefaultAnchorUnixNs + g * 15000 * kMs);
  }
  EXPECT_EQ(fingerprint(a, kDefaultAnchorUnixNs / kMs + 60000), fingerprint(b, kDefaultAnchorUnixNs / kMs + 60000));
}

// The scale driver runs the farm with --stats-interval-ms 0 and the API server with the default: the
// stats timing must not change which pods a rename replaces, nor their new names.
TEST(ClusterModelTest, RenamesAgreeWhateverTheStatsInterval) {
  ModelConfig farm_config = small_config();
  farm_config.stats_interval_ms = 0;
  ModelConfig api_config = small_config();
  api_config.stats_interval_ms = 10000;
  ClusterModel farm(farm_config);
  ClusterModel api(api_config);
  for (uint32_t g = 1; g <= 3; ++g) {
    farm.rename_pods(g, kDefaultAnchorUnixNs + g * 15000 * kMs);
    api.rename_pods(g, kDefaultAnchorUnixNs + g * 15000 * kMs + 3 * kMs);  // a little later, as over HTTP
    for (uint32_t n = 0; n < farm.nodes().size(); ++n) {
      for (uint32_t p = 0; p < farm.node(n).pods.size(); ++p) {
        const PodSpec& f = farm.node(n).pods[p];
        const PodSpec& a = api.node(n).pods[p];
        ASSERT_EQ(f.namespace_name + "/" + f.name, a.namespace_name + "/" + a.name) << "generation " << g;
        ASSERT_EQ(f.uid, a.uid);
      }
    }
  }
}

}  // namespace
}  // namespace mpf::sim
