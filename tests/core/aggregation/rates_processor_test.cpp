#include "core/aggregation/rates_processor.h"

#include <gtest/gtest.h>

#include "mpf/sdk/plugin.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_rates();

namespace mpf::core {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// One scrape result of node "n1" with one container, `cpu_s` core-seconds at `t_s`.
ScrapeResult scrape(std::int64_t t_s, std::uint64_t cpu_s, std::int64_t start_s = 1) {
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "n1";
  Sample s;
  s.timestamp_ns = t_s * kSecond;
  s.start_time_ns = start_s * kSecond;
  s.cpu_usage_core_ns = cpu_s * kSecond;
  s.memory_working_set_bytes = 5u << 20;
  s.present = kHasCpu | kHasMemory | kHasStartTime;
  batch->set_node(s);
  batch->add_container("default", "web", "app", s);
  ScrapeResult r;
  r.source = "kubelet";
  r.target = "n1";
  r.batch = batch;
  return r;
}

TEST(RatesProcessorTest, BuiltInPluginComputesRatesFromTwoCycles) {
  test::TestContext ctx;
  ctx.settings().resolution = std::chrono::seconds(15);
  const PluginDescriptor& d = mpf_builtin_plugin_rates();
  EXPECT_EQ(d.kind, PluginKind::kProcessor);
  auto made = d.create_processor(ConfigValue(), "processors[0].options", ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  Processor& rates = **made;

  Snapshot first;
  first.scrapes.push_back(scrape(100, 10));
  ASSERT_TRUE(rates.process(first).is_ok());
  EXPECT_TRUE(first.nodes.empty()) << "one point is not enough for a rate";

  Snapshot second;
  second.scrapes.push_back(scrape(115, 25));  // 15 core-seconds over 15 s: 1 core
  ASSERT_TRUE(rates.process(second).is_ok());
  ASSERT_EQ(second.nodes.size(), 1u);
  EXPECT_EQ(second.nodes[0].usage.cpu_nanocores, 1'000'000'000u);
  EXPECT_EQ(second.nodes[0].usage.window_ns, 15 * kSecond);
  ASSERT_EQ(second.pods.size(), 1u);
  EXPECT_EQ(second.names.name(second.pods[0].name), "web");
  EXPECT_EQ(second.pods[0].usage.memory_working_set_bytes, 5u << 20);
  EXPECT_EQ(ctx.registry().value("metrics_server_storage_points", {{"type", "node"}}), 1.0);
  EXPECT_EQ(ctx.registry().value("metrics_server_storage_points", {{"type", "container"}}), 1.0);
}

// metrics_server_storage_points{type}: entries with a previous point, i.e. those a rate can be served
// for (metrics-server's len(prevNodes) and its container count), set after every cycle.
TEST(RatesProcessorTest, StoragePointsCountPointsWithAPrevious) {
  test::TestContext ctx;
  ctx.settings().resolution = std::chrono::seconds(15);
  auto made = mpf_builtin_plugin_rates().create_processor(ConfigValue(), "p", ctx);
  ASSERT_TRUE(made.is_ok());
  Processor& rates = **made;
  auto two_containers = [](std::int64_t t_s, std::uint64_t cpu_s) {
    ScrapeResult r = scrape(t_s, cpu_s);
    auto batch = std::make_shared<NodeBatch>(*r.batch);
    Sample s = batch->containers.front().sample;
    batch->add_container("default", "web", "sidecar", s);
    r.batch = batch;
    return r;
  };
  auto points = [&](const char* type) { return ctx.registry().value("metrics_server_storage_points", {{"type", type}}); };

  Snapshot first;
  first.scrapes.push_back(two_containers(100, 10));
  ASSERT_TRUE(rates.process(first).is_ok());
  EXPECT_EQ(points("node"), 0.0) << "stored, but nothing to compute a rate from yet";
  EXPECT_EQ(points("container"), 0.0);

  Snapshot second;
  second.scrapes.push_back(two_containers(115, 25));
  ASSERT_TRUE(rates.process(second).is_ok());
  EXPECT_EQ(points("node"), 1.0);
  EXPECT_EQ(points("container"), 2.0);
  EXPECT_NE(ctx.registry().render_prometheus_text().find(
                "# HELP metrics_server_storage_points [ALPHA] Number of metrics points stored.\n"
                "# TYPE metrics_server_storage_points gauge\n"
                "metrics_server_storage_points{type=\"container\"} 2\n"
                "metrics_server_storage_points{type=\"node\"} 1\n"),
            std::string::npos)
      << ctx.registry().render_prometheus_text();

  Snapshot empty;  // the node is gone
  ASSERT_TRUE(rates.process(empty).is_ok());
  EXPECT_EQ(points("node"), 0.0);
  EXPECT_EQ(points("container"), 0.0);
}

TEST(RatesProcessorTest, ResolutionComesFromThePipeline) {
  // A container started 12 s before its first sample is "fresh" (10 s ≤ age < resolution) only when the
  // resolution is above 12 s: then it is served from one sample, using its start time as a zero point.
  for (auto [resolution_s, served] : {std::pair{15, true}, std::pair{10, false}}) {
    test::TestContext ctx;
    ctx.settings().resolution = std::chrono::seconds(resolution_s);
    auto made = mpf_builtin_plugin_rates().create_processor(ConfigValue(), "p", ctx);
    ASSERT_TRUE(made.is_ok());
    Snapshot s;
    s.scrapes.push_back(scrape(112, 6, /*start_s=*/100));
    ASSERT_TRUE((*made)->process(s).is_ok());
    EXPECT_EQ(s.pods.size(), served ? 1u : 0u) << "resolution " << resolution_s << "s";
  }
}

}  // namespace
}  // namespace mpf::core
