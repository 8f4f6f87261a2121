// metrics-server's own decoder test table (decode-cases-metrics-server.json), run through
// parse_resource_metrics + apply_metrics_server_drop_rules, and the drop rules case by case.

#include "metrics_server_rules.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "resource_metrics_parser.h"
#include "tests/plugins/sources/kubelet_resource/test_util.h"

namespace mpf::sources::kubelet_resource {
namespace {

using testing::find_container;

// "2021-10-03T09:36:49.72Z" -> ns since the epoch; -1 when not of that shape.
std::int64_t rfc3339_ns(const char* text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &consumed) != 6) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::int64_t ns = static_cast<std::int64_t>(timegm(&tm)) * 1'000'000'000;
  const char* p = text + consumed;
  if (*p == '.') {
    std::int64_t scale = 100'000'000;
    for (++p; *p >= '0' && *p <= '9'; ++p, scale /= 10) ns += (*p - '0') * scale;
  }
  return *p == 'Z' && p[1] == '\0' ? ns : -1;
}

TEST(MetricsServerRules, Rfc3339Helper) {
  EXPECT_EQ(rfc3339_ns("1970-01-01T00:00:01Z"), 1'000'000'000);
  EXPECT_EQ(rfc3339_ns("2021-10-03T09:36:49.72Z"), 1633253809720000000);  // = node ts 1633253809720 ms
}

TEST(MetricsServerRules, DecodeCasesOfMetricsServer) {
  const std::string json = testing::read_fixture("decode-cases-metrics-server.json");
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError());
  const auto& cases = doc["cases"].GetArray();
  ASSERT_EQ(cases.Size(), 13u);
  for (const auto& c : cases) {
    const std::string name = c["name"].GetString();
    SCOPED_TRACE(name);
    ResourceParseOptions options;
    // Only lines without a timestamp use it; the Go test passes a fixed time for every case.
    if (c.HasMember("defaultTime")) options.default_timestamp_ns = rfc3339_ns(c["defaultTime"].GetString());
    NodeBatch batch;
    const Status status = parse_resource_metrics(c["input"].GetString(), options, batch);
    if (c.HasMember("wantError") && c["wantError"].GetBool()) {
      EXPECT_EQ(status.code(), StatusCode::kPermanent);
      EXPECT_TRUE(c["expected"].IsNull());
      continue;
    }
    ASSERT_TRUE(status.is_ok()) << status.to_string();
    apply_metrics_server_drop_rules(batch);

    const auto& expected = c["expected"];
    const auto& nodes = expected["nodes"].GetArray();
    ASSERT_LE(nodes.Size(), 1u);
    EXPECT_EQ(batch.has_node_sample, nodes.Size() == 1);
    if (nodes.Size() == 1 && batch.has_node_sample) {
      const auto& n = nodes[0];
      EXPECT_EQ(batch.node_sample.timestamp_ns, rfc3339_ns(n["timestamp"].GetString()));
      EXPECT_EQ(batch.node_sample.cpu_usage_core_ns, n["cumulativeCpuUsedNanoseconds"].GetUint64());
      EXPECT_EQ(batch.node_sample.memory_working_set_bytes, n["memoryWorkingSetBytes"].GetUint64());
    }

    const auto& containers = expected["containers"].GetArray();
    EXPECT_EQ(batch.containers.size(), containers.Size());
    for (const auto& e : containers) {
      const ContainerSample* got =
          find_container(batch, e["namespace"].GetString(), e["pod"].GetString(), e["container"].GetString());
      ASSERT_NE(got, nullptr) << e["container"].GetString();
      EXPECT_EQ(got->sample.timestamp_ns, rfc3339_ns(e["timestamp"].GetString()));
      EXPECT_EQ(got->sample.cpu_usage_core_ns, e["cumulativeCpuUsedNanoseconds"].GetUint64());
      EXPECT_EQ(got->sample.memory_working_set_bytes, e["memoryWorkingSetBytes"].GetUint64());
      if (e.HasMember("startTime")) {
        EXPECT_TRUE(got->sample.has(kHasStartTime));
        EXPECT_EQ(got->sample.start_time_ns, rfc3339_ns(e["startTime"].GetString()));
      } else {
        EXPECT_FALSE(got->sample.has(kHasStartTime));
      }
    }
  }
}

Sample sample(std::uint16_t present, std::uint64_t cpu, std::uint64_t memory, std::int64_t timestamp_ns = 1) {
  Sample s;
  s.present = present;
  s.cpu_usage_core_ns = cpu;
  s.memory_working_set_bytes = memory;
  s.timestamp_ns = timestamp_ns;
  return s;
}

TEST(MetricsServerRules, NodeNeedsTimestampCpuAndMemory) {
  const auto kept = [](const Sample& s) {
    NodeBatch b;
    b.set_node(s);
    apply_metrics_server_drop_rules(b);
    return b.has_node_sample;
  };
  EXPECT_TRUE(kept(sample(kHasCpu | kHasMemory, 1, 1)));
  EXPECT_FALSE(kept(sample(kHasCpu | kHasMemory, 1, 1, /*timestamp_ns=*/0)));
  EXPECT_FALSE(kept(sample(kHasCpu | kHasMemory, 0, 1)));
  EXPECT_FALSE(kept(sample(kHasCpu | kHasMemory, 1, 0)));
  EXPECT_FALSE(kept(sample(kHasCpu, 1, 0)));
  EXPECT_FALSE(kept(sample(kHasMemory, 0, 1)));
}

TEST(MetricsServerRules, OneIncompleteContainerHidesItsWholePod) {
  NodeBatch b;
  b.add_container("ns", "web", "app", sample(kHasCpu | kHasMemory, 5, 5));
  b.add_container("ns", "web", "sidecar", sample(kHasCpu | kHasMemory, 5, 0));  // memory 0
  b.add_container("ns", "db", "postgres", sample(kHasCpu | kHasMemory, 5, 5));
  b.add_container("other", "web", "app", sample(kHasCpu | kHasMemory, 5, 5));  // same pod name, other namespace
  b.add_pod("ns", "web", sample(kHasCpu | kHasMemory, 9, 9));
  b.add_pod("ns", "db", sample(kHasCpu | kHasMemory, 9, 9));
  b.add_pod("ns", "no-containers", sample(kHasCpu | kHasMemory, 9, 9));
  apply_metrics_server_drop_rules(b);
  ASSERT_EQ(b.containers.size(), 2u);
  EXPECT_EQ(b.names.name(b.containers[0].pod_name), "db");
  EXPECT_EQ(b.names.name(b.containers[1].namespace_name), "other");
  // Pod-level samples survive only with their containers.
  ASSERT_EQ(b.pods.size(), 1u);
  EXPECT_EQ(b.names.name(b.pods[0].pod_name), "db");
}

TEST(MetricsServerRules, StartTimeOnlyContainerHidesItsPod) {
  // The kubelet knows the container but has no stats yet: metrics-server's point has a StartTime, so it
  // is not all-zero, and CPU == 0 drops the pod (behaviour doc section 2.4).
  NodeBatch b;
  b.add_container("ns", "p", "ready", sample(kHasCpu | kHasMemory, 5, 5));
  Sample starting;
  starting.present = kHasStartTime;
  starting.start_time_ns = 1'700'000'000'000'000'000;
  b.add_container("ns", "p", "starting", starting);
  apply_metrics_server_drop_rules(b);
  EXPECT_TRUE(b.containers.empty());
}

TEST(MetricsServerRules, ContainerMetricsServerNeverSeesIsDroppedAlone) {
  // Swap only: metrics-server reads no swap series, so the container does not exist for it and its
  // pod is judged on the other containers.
  NodeBatch b;
  b.add_container("ns", "p", "app", sample(kHasCpu | kHasMemory | kHasSwap, 5, 5));
  Sample swap_only;
  swap_only.present = kHasSwap;
  swap_only.swap_usage_bytes = 10;
  b.add_container("ns", "p", "swapper", swap_only);
  apply_metrics_server_drop_rules(b);
  ASSERT_EQ(b.containers.size(), 1u);
  EXPECT_EQ(b.names.name(b.containers[0].container_name), "app");
  EXPECT_EQ(b.containers[0].sample.swap_usage_bytes, 0u);  // untouched otherwise
}

TEST(MetricsServerRules, EmptyBatchStaysEmpty) {
  NodeBatch b;
  apply_metrics_server_drop_rules(b);
  EXPECT_FALSE(b.has_node_sample);
  EXPECT_TRUE(b.containers.empty());
  EXPECT_TRUE(b.pods.empty());
}

}  // namespace
}  // namespace mpf::sources::kubelet_resource
