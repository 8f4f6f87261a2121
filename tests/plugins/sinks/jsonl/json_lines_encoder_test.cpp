#include "json_lines_encoder.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/plugins/sinks/jsonl/test_snapshot.h"

namespace mpf::sinks::jsonl {
namespace {

struct Encoded {
  std::vector<std::string> lines;
  std::vector<std::size_t> values;
};

Encoded encode(const Snapshot& s, EncoderOptions options) {
  JsonLinesEncoder encoder(options);
  Encoded out;
  encoder.encode(s, [&](std::string_view line, std::size_t values) {
    out.lines.emplace_back(line);
    out.values.push_back(values);
    return true;
  });
  return out;
}

// Every line must be one JSON object in valid UTF-8, whatever the names held.
void expect_valid_json(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size());
    EXPECT_FALSE(doc.HasParseError()) << line;
    EXPECT_TRUE(doc.IsObject()) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  }
}

TEST(JsonLinesEncoderTest, SampleShapeWritesOneObjectPerEntity) {
  EncoderOptions options;
  options.scrapes = true;
  Encoded out = encode(test::make_snapshot(), options);
  const std::vector<std::string> expected = {
      R"({"time":"2023-11-14T22:13:20.123456789Z","cycle":12,"kind":"node","node":"n1","window_seconds":15.0,)"
      R"("cpu_usage_nanocores":250000000,"memory_working_set_bytes":1048576,"cpu_usage_core_nanoseconds":5000})",
      R"({"time":"2023-11-14T22:13:20.500000000Z","cycle":12,"kind":"node","node":"n2",)"
      R"("memory_working_set_bytes":2048})",
      R"({"time":"2023-11-14T22:13:20.100000000Z","cycle":12,"kind":"pod","node":"n1","namespace":"default",)"
      R"("pod":"web","window_seconds":10.0,"cpu_usage_nanocores":300,"memory_working_set_bytes":400,)"
      R"("cpu_usage_core_nanoseconds":3000})",
      R"({"time":"2023-11-14T22:13:20.100000000Z","cycle":12,"kind":"container","node":"n1","namespace":"default",)"
      R"("pod":"web","container":"app","window_seconds":10.0,"cpu_usage_nanocores":100,)"
      R"("memory_working_set_bytes":150,"swap_usage_bytes":7,"cpu_usage_core_nanoseconds":1000})",
      R"({"time":"2023-11-14T22:13:20.100000000Z","cycle":12,"kind":"container","node":"n1","namespace":"default",)"
      R"("pod":"web","container":"side","memory_working_set_bytes":250})",
      R"({"time":"2023-11-14T22:13:20.100000000Z","cycle":12,"kind":"namespace","namespace":"default",)"
      R"("pod_count":1,"window_seconds":10.0,"cpu_usage_nanocores":300,"memory_working_set_bytes":400})",
      R"({"time":"2023-11-14T22:13:20.123456789Z","cycle":12,"kind":"cluster","node_count":2,"pod_count":1,)"
      R"("nodes_window_seconds":15.0,"nodes_cpu_usage_nanocores":250000000,"nodes_memory_working_set_bytes":1050624,)"
      R"("pods_window_seconds":10.0,"pods_cpu_usage_nanocores":300,"pods_memory_working_set_bytes":400})",
      R"({"time":"2023-11-14T22:13:20.500000000Z","cycle":12,"kind":"scrape","source":"kubelet","target":"n1",)"
      R"("status":"ok","duration_seconds":0.25})",
      R"({"time":"2023-11-14T22:13:20.500000000Z","cycle":12,"kind":"scrape","source":"kubelet","target":"n2",)"
      R"("status":"retryable","reason":"timeout","error":"dial tcp: i/o timeout","duration_seconds":2.5})",
  };
  ASSERT_EQ(out.lines.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(out.lines[i], expected[i]) << "line " << i;
  // Value fields: cpu, memory, swap, ephemeral storage and the cumulative counter; not times or counts.
  EXPECT_EQ(out.values, (std::vector<std::size_t>{3, 1, 3, 4, 1, 2, 4, 0, 0}));
  expect_valid_json(out.lines);
}

TEST(JsonLinesEncoderTest, TotalsAndScrapesAreOptional) {
  EncoderOptions options;
  options.totals = false;
  options.scrapes = false;
  Encoded out = encode(test::make_snapshot(), options);
  ASSERT_EQ(out.lines.size(), 5u);  // 2 nodes, 1 pod, 2 containers
  EXPECT_NE(out.lines[4].find(R"("container":"side")"), std::string::npos);
}

TEST(JsonLinesEncoderTest, SnapshotShapeWritesOneLine) {
  EncoderOptions options;
  options.shape = JsonShape::kSnapshot;
  Encoded out = encode(test::make_snapshot(), options);
  const std::string expected =
      R"({"time":"2023-11-14T22:13:20.500000000Z","started":"2023-11-14T22:13:20.000000000Z","cycle":12,)"
      R"("duration_seconds":0.5,)"
      R"("nodes":[{"node":"n1","time":"2023-11-14T22:13:20.123456789Z","window_seconds":15.0,)"
      R"("cpu_usage_nanocores":250000000,"memory_working_set_bytes":1048576,"cpu_usage_core_nanoseconds":5000},)"
      R"({"node":"n2","time":"2023-11-14T22:13:20.500000000Z","memory_working_set_bytes":2048}],)"
      R"("pods":[{"node":"n1","namespace":"default","pod":"web","time":"2023-11-14T22:13:20.100000000Z",)"
      R"("window_seconds":10.0,"cpu_usage_nanocores":300,"memory_working_set_bytes":400,)"
      R"("cpu_usage_core_nanoseconds":3000,"containers":[)"
      R"({"container":"app","time":"2023-11-14T22:13:20.100000000Z","window_seconds":10.0,)"
      R"("cpu_usage_nanocores":100,"memory_working_set_bytes":150,"swap_usage_bytes":7,)"
      R"("cpu_usage_core_nanoseconds":1000},)"
      R"({"container":"side","time":"2023-11-14T22:13:20.100000000Z","memory_working_set_bytes":250}]}],)"
      R"("namespaces":[{"namespace":"default","pod_count":1,"time":"2023-11-14T22:13:20.100000000Z",)"
      R"("window_seconds":10.0,"cpu_usage_nanocores":300,"memory_working_set_bytes":400}],)"
      R"("cluster":{"node_count":2,"pod_count":1,)"
      R"("nodes":{"time":"2023-11-14T22:13:20.123456789Z","window_seconds":15.0,"cpu_usage_nanocores":250000000,)"
      R"("memory_working_set_bytes":1050624},)"
      R"("pods":{"time":"2023-11-14T22:13:20.100000000Z","window_seconds":10.0,"cpu_usage_nanocores":300,)"
      R"("memory_working_set_bytes":400}},)"
      R"("scrapes":[{"source":"kubelet","target":"n1","status":"ok","duration_seconds":0.25},)"
      R"({"source":"kubelet","target":"n2","status":"retryable","reason":"timeout",)"
      R"("error":"dial tcp: i/o timeout","duration_seconds":2.5}]})";
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0], expected);
  EXPECT_EQ(out.values, (std::vector<std::size_t>{18}));  // 3+1+3+4+1 entities, 2 namespace, 4 cluster
  expect_valid_json(out.lines);
}

TEST(JsonLinesEncoderTest, EscapesArbitraryNames) {
  Snapshot s;
  s.finished_at = std::chrono::system_clock::time_point(std::chrono::nanoseconds(test::kBaseNs));
  NodeMetrics node;
  // quote, backslash, newline, tab, 0x01, 0x1f, DEL, "é", invalid 0xff, a truncated 3-byte sequence, "</x>"
  node.name = s.names.intern(std::string("a\"b\\c\nd\te\x01" "f\x1fg\x7fh\xC3\xA9i\xFFj\xE2\x82k</x>"));
  s.nodes.push_back(node);
  EncoderOptions options;
  options.totals = false;
  Encoded out = encode(s, options);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0], "{\"time\":\"2023-11-14T22:13:20.000000000Z\",\"cycle\":0,\"kind\":\"node\",\"node\":"
                          "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001Fg\x7fh\xC3\xA9i\xEF\xBF\xBDj\xEF\xBF\xBD\xEF\xBF\xBDk</x>\"}");
  expect_valid_json(out.lines);
  rapidjson::Document doc;
  doc.Parse(out.lines[0].c_str());
  EXPECT_EQ(std::string(doc["node"].GetString()),
            "a\"b\\c\nd\te\x01" "f\x1fg\x7fh\xC3\xA9i\xEF\xBF\xBDj\xEF\xBF\xBD\xEF\xBF\xBDk</x>");
}

TEST(JsonLinesEncoderTest, StopsWhenTheConsumerSaysSo) {
  JsonLinesEncoder encoder(EncoderOptions{});
  int calls = 0;
  bool finished = encoder.encode(test::make_snapshot(), [&](std::string_view, std::size_t) { return ++calls < 2; });
  EXPECT_FALSE(finished);
  EXPECT_EQ(calls, 2);
}

TEST(JsonLinesEncoderTest, ContainerRangeBeyondTheSnapshotIsClipped) {
  Snapshot s = test::make_snapshot();
  s.pods[0].container_count = 5;  // only 2 containers exist
  EncoderOptions options;
  options.totals = false;
  EXPECT_EQ(encode(s, options).lines.size(), 5u);
}

}  // namespace
}  // namespace mpf::sinks::jsonl
