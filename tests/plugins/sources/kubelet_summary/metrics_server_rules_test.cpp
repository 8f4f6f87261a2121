#include "metrics_server_rules.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "rfc3339.h"
#include "summary_parser.h"
#include "summary_test_util.h"

namespace mpf::sources::kubelet_summary {
namespace {

using testing::read_fixture;

std::int64_t time_of(const rapidjson::Value& v) {
  std::int64_t ns = 0;
  EXPECT_EQ(parse_rfc3339(std::string_view(v.GetString(), v.GetStringLength()), ns), TimeParse::kOk);
  return ns;
}

// metrics-server v0.5's own decode result for the edge-case summary: node + pod "all-fields" only.
TEST(MetricsServerRulesTest, EdgeCasesMatchMetricsServerV05) {
  NodeBatch b;
  b.node_name = "e2e-v1.17.0-control-plane";
  SummaryParseStats stats;
  ASSERT_TRUE(parse_summary(read_fixture("summary-v1.17-kind-edgecases-metrics-server.json"), {}, b, &stats).is_ok());
  EXPECT_FALSE(stats.node_name_mismatch);
  const MetricsServerDrops drops = apply_metrics_server_rules(b);
  EXPECT_FALSE(drops.node_dropped);
  // zero usageCoreNanoSeconds, no usageCoreNanoSeconds, no CPU, zero workingSetBytes,
  // no workingSetBytes, no memory.
  EXPECT_EQ(drops.pods_dropped, 6u);

  rapidjson::Document expected;
  const std::string text = read_fixture("summary-v1.17-kind-edgecases-metrics-server.expected.json");
  ASSERT_FALSE(expected.Parse(text.c_str()).HasParseError());
  const rapidjson::Value& node = expected["nodes"][0];
  ASSERT_TRUE(b.has_node_sample);
  EXPECT_EQ(b.node_name, node["name"].GetString());
  EXPECT_EQ(b.node_sample.timestamp_ns, time_of(node["timestamp"]));
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, node["cumulativeCpuUsedNanoseconds"].GetUint64());
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, node["memoryWorkingSetBytes"].GetUint64());

  const rapidjson::Value& pods = expected["pods"];
  std::size_t expected_containers = 0;
  for (const auto& pod : pods.GetArray()) {
    for (const auto& c : pod["containers"].GetArray()) {
      ++expected_containers;
      const ContainerSample* got =
          testing::find_container(b, pod["namespace"].GetString(), pod["name"].GetString(), c["name"].GetString());
      ASSERT_NE(got, nullptr) << pod["name"].GetString();
      EXPECT_EQ(got->sample.start_time_ns, time_of(c["startTime"]));
      EXPECT_EQ(got->sample.timestamp_ns, time_of(c["timestamp"]));
      EXPECT_EQ(got->sample.cpu_usage_core_ns, c["cumulativeCpuUsedNanoseconds"].GetUint64());
      EXPECT_EQ(got->sample.memory_working_set_bytes, c["memoryWorkingSetBytes"].GetUint64());
    }
  }
  EXPECT_EQ(b.containers.size(), expected_containers);
  // The pod-level sample of the surviving pod is left alone.
  ASSERT_EQ(b.pods.size(), 1u);
  EXPECT_EQ(b.names.name(b.pods[0].pod_name), "all-fields");
}

TEST(MetricsServerRulesTest, ZeroNodeIsDropped) {
  NodeBatch b;
  const std::string body = "{\"node\": " +
      read_fixture("summary-fragment-node-zero-cpu-mem-cgroupv2-metrics-server-known-issues.json") + "}";
  ASSERT_TRUE(parse_summary(body, {}, b).is_ok());
  ASSERT_TRUE(b.has_node_sample);
  EXPECT_TRUE(apply_metrics_server_rules(b).node_dropped);
  EXPECT_FALSE(b.has_node_sample);
}

TEST(MetricsServerRulesTest, ContainerWithoutStartTimeDropsItsPodOnly) {
  NodeBatch b;
  const Status st = parse_summary(R"({"pods": [
    {"podRef": {"name": "a", "namespace": "ns"},
     "cpu": {"time": "2024-01-01T00:00:00Z", "usageCoreNanoSeconds": 5},
     "containers": [
      {"name": "x", "startTime": "2024-01-01T00:00:00Z", "cpu": {"time": "2024-01-01T00:00:10Z", "usageCoreNanoSeconds": 1},
       "memory": {"workingSetBytes": 2}},
      {"name": "y", "cpu": {"time": "2024-01-01T00:00:10Z", "usageCoreNanoSeconds": 1}, "memory": {"workingSetBytes": 2}}]},
    {"podRef": {"name": "b", "namespace": "ns"},
     "containers": [
      {"name": "x", "startTime": "2024-01-01T00:00:00Z", "cpu": {"time": "2024-01-01T00:00:10Z", "usageCoreNanoSeconds": 1},
       "memory": {"workingSetBytes": 2}}]}]})", {}, b);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  ASSERT_EQ(b.containers.size(), 3u);
  ASSERT_EQ(b.pods.size(), 1u);
  const MetricsServerDrops drops = apply_metrics_server_rules(b);
  EXPECT_EQ(drops.pods_dropped, 1u);
  ASSERT_EQ(b.containers.size(), 1u);
  EXPECT_EQ(b.names.name(b.containers[0].pod_name), "b");
  EXPECT_TRUE(b.pods.empty());  // pod a's own sample went with it
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
