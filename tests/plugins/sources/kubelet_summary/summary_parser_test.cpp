// The parser's decisions on input no real kubelet fixture shows: types, numbers, nesting, garbage.
#include "summary_parser.h"

#include <gtest/gtest.h>

#include "summary_test_util.h"

namespace mpf::sources::kubelet_summary {
namespace {

using testing::find_container;
using testing::kSecond;

struct Outcome {
  Status status;
  NodeBatch batch;
  SummaryParseStats stats;
};

Outcome run(std::string_view body, bool nano_cores = false) {
  Outcome o;
  o.batch.node_name = "node-1";
  o.status = parse_summary(body, SummaryParseOptions{nano_cores}, o.batch, &o.stats);
  return o;
}

// A pod with one container whose cpu block holds `cpu_fields`.
std::string container_cpu(std::string_view cpu_fields) {
  return R"({"pods": [{"podRef": {"name": "p", "namespace": "ns"}, "containers": [{"name": "c", "cpu": {)" +
         std::string(cpu_fields) + "}}]}]}";
}

const Sample& only_container(const Outcome& o) {
  EXPECT_TRUE(o.status.is_ok()) << o.status.to_string();
  EXPECT_EQ(o.batch.containers.size(), 1u);
  static const Sample kNone;
  return o.batch.containers.empty() ? kNone : o.batch.containers[0].sample;
}

void expect_permanent(const Outcome& o, std::string_view fragment) {
  EXPECT_EQ(o.status.code(), StatusCode::kPermanent) << o.status.to_string();
  EXPECT_NE(o.status.message().find(fragment), std::string::npos) << o.status.message();
  EXPECT_NE(o.status.message().find("byte "), std::string::npos) << o.status.message();
  // A failed parse leaves no samples behind and never touches the caller's node name.
  EXPECT_FALSE(o.batch.has_node_sample);
  EXPECT_TRUE(o.batch.pods.empty());
  EXPECT_TRUE(o.batch.containers.empty());
  EXPECT_EQ(o.batch.names.size(), 1u);
  EXPECT_EQ(o.batch.node_name, "node-1");
}

TEST(SummaryParserTest, EmptyObjectIsAnEmptyBatch) {
  const Outcome o = run(" \n{ }\n ");
  ASSERT_TRUE(o.status.is_ok());
  EXPECT_FALSE(o.batch.has_node_sample);
  EXPECT_TRUE(o.batch.containers.empty());
}

TEST(SummaryParserTest, NotAnObject) {
  expect_permanent(run(""), "empty");
  expect_permanent(run("   "), "empty");
  expect_permanent(run("[]"), "not a JSON object");
  expect_permanent(run("5"), "not a JSON object");
  expect_permanent(run("\"x\""), "not a JSON object");
  expect_permanent(run("null"), "not a JSON object");
  expect_permanent(run("true"), "not a JSON object");
}

TEST(SummaryParserTest, WrongTypesAtUsedKeysNameTheKeyAndOffset) {
  const Outcome o = run(R"({"node": {"cpu": "x"}})");
  EXPECT_EQ(o.status.message(), "kubelet /stats/summary: byte 17: \"cpu\" must be an object or null");
  expect_permanent(o, "cpu");
  expect_permanent(run(R"({"pods": {}})"), "\"pods\" must be an array");
  expect_permanent(run(R"({"node": []})"), "\"node\" must be an object");
  expect_permanent(run(R"({"pods": [5]})"), "pods[] elements must be objects");
  expect_permanent(run(R"({"pods": [[]]})"), "pods[] elements must be objects");
  expect_permanent(run(R"({"pods": [{"containers": {}}]})"), "\"containers\" must be an array");
  expect_permanent(run(R"({"pods": [{"containers": ["c"]}]})"), "containers[] elements must be objects");
  expect_permanent(run(R"({"pods": [{"podRef": {"name": 7}}]})"), "\"name\" must be a string");
  expect_permanent(run(R"({"node": {"nodeName": true}})"), "\"nodeName\" must be a string");
  expect_permanent(run(container_cpu(R"("usageCoreNanoSeconds": "5")")), "\"usageCoreNanoSeconds\" must be a number");
  expect_permanent(run(container_cpu(R"("usageCoreNanoSeconds": {})")), "\"usageCoreNanoSeconds\" must be a number");
  expect_permanent(run(container_cpu(R"("time": 5)")), "\"time\" must be a string");
  // Checked with or without the option, so the same body is valid or invalid either way.
  expect_permanent(run(container_cpu(R"("usageNanoCores": "5")")), "\"usageNanoCores\" must be a number");
}

TEST(SummaryParserTest, NullIsAbsentEverywhere) {
  const Outcome o = run(R"({"node": {"nodeName": null, "startTime": null, "cpu": null,
      "memory": {"time": null, "workingSetBytes": 12}},
    "pods": [null, {"podRef": {"name": "p", "namespace": "ns"}, "containers": [null,
      {"name": "c", "startTime": null, "cpu": {"usageCoreNanoSeconds": null, "usageNanoCores": null}}]}]})");
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  ASSERT_TRUE(o.batch.has_node_sample);
  EXPECT_EQ(o.batch.node_sample.present, kHasMemory);
  EXPECT_EQ(o.batch.node_sample.timestamp_ns, 0);  // no time at all: 0 means "none"
  ASSERT_EQ(o.batch.containers.size(), 1u);
  EXPECT_EQ(o.batch.containers[0].sample.present, 0);
  EXPECT_TRUE(o.batch.pods.empty());
  const Outcome null_arrays = run(R"({"node": null, "pods": null})");
  ASSERT_TRUE(null_arrays.status.is_ok());
  EXPECT_FALSE(null_arrays.batch.has_node_sample);
}

TEST(SummaryParserTest, DuplicateUsedKeysAreErrors) {
  expect_permanent(run(R"({"node": {}, "node": {}})"), "duplicate key \"node\"");
  expect_permanent(run(R"({"node": {"cpu": {}, "cpu": null}})"), "duplicate key \"cpu\"");
  expect_permanent(run(container_cpu(R"("usageCoreNanoSeconds": 1, "usageCoreNanoSeconds": 2)")),
                   "duplicate key \"usageCoreNanoSeconds\"");
  // Also when the option does not read the value: the body is ambiguous either way.
  expect_permanent(run(container_cpu(R"("usageNanoCores": 1, "usageNanoCores": 2)")), "duplicate key");
  expect_permanent(run(R"({"pods": [{"podRef": {"name": "a", "name": "b"}}]})"), "duplicate key \"name\"");
  // An escaped spelling is the same key.
  expect_permanent(run(R"({"node": {"cpu": {}, "c\u0070u": {}}})"), "duplicate key \"cpu\"");
  // Repeated skipped keys cannot change the result and are accepted.
  EXPECT_TRUE(run(R"({"node": {"fs": 1, "fs": {"a": 1, "a": 2}}, "x": 1, "x": 2})").status.is_ok());
  // The same key in sibling objects is not a duplicate.
  EXPECT_TRUE(run(R"({"node": {"cpu": {"time": "2020-01-01T00:00:00Z"}, "memory": {"time": "2020-01-01T00:00:00Z"}}})")
                  .status.is_ok());
}

TEST(SummaryParserTest, NestingIsCappedAt64) {
  auto nested = [](int arrays) {
    return "{\"skipped\": " + std::string(static_cast<std::size_t>(arrays), '[') +
           std::string(static_cast<std::size_t>(arrays), ']') + "}";
  };
  EXPECT_TRUE(run(nested(kMaxNestingDepth - 1)).status.is_ok());  // + the root object = 64 levels
  expect_permanent(run(nested(kMaxNestingDepth)), "nested deeper than 64");
  // Far deeper than any stack would survive if the reader recursed all the way.
  expect_permanent(run(nested(1000000)), "nested deeper than 64");
  expect_permanent(run("{\"pods\": [{\"containers\": [{\"cpu\": {\"psi\": " + std::string(100000, '[')), "nested");
}

TEST(SummaryParserTest, TruncatedBodiesFailAtEveryLength) {
  const std::string body = testing::read_fixture("summary-2017-gke-elastic-beats.json");
  ASSERT_FALSE(body.empty());
  const std::size_t end = body.rfind('}') + 1;  // what follows is whitespace
  for (std::size_t n = 0; n < end; ++n) {
    NodeBatch b;
    const Status st = parse_summary(std::string_view(body).substr(0, n), {}, b);
    ASSERT_FALSE(st.is_ok()) << "prefix of " << n << " bytes parsed";
    ASSERT_TRUE(b.containers.empty());
  }
  NodeBatch b;
  EXPECT_TRUE(parse_summary(std::string_view(body).substr(0, end), {}, b).is_ok());
}

TEST(SummaryParserTest, SyntaxErrorsCarryTheReaderOffset) {
  const Outcome o = run(R"({"node": })");
  expect_permanent(o, "byte 9: Invalid value.");
  expect_permanent(run(R"({"node": {}} x)"), "root must not be followed by other values");
  // A raw control character in a string (RapidJSON 1.1 calls it an invalid escape).
  expect_permanent(run("{\"node\": {\"nodeName\": \"a\nb\"}}"), "byte 24: Invalid escape character");
  expect_permanent(run(R"({"a": 1e400})"), "Number too big");  // even at a skipped key: not a double
}

TEST(SummaryParserTest, NulBytesAreErrors) {
  const std::string inside("{\"node\": {\"nodeName\": \"a\0b\"}}", 30);
  expect_permanent(run(inside), "byte ");
  const std::string after("{\"node\": {}}\0{\"x\": 1}", 21);
  expect_permanent(run(after), "byte 12: NUL byte");
}

TEST(SummaryParserTest, CountersRejectNegativeFractionalAndHuge) {
  EXPECT_EQ(only_container(run(container_cpu(R"("usageCoreNanoSeconds": 9223372036854775807)"))).cpu_usage_core_ns,
            9223372036854775807u);
  for (const char* bad : {"-1", "-9223372036854775809", "12.5", "1e-3", "9223372036854775808",
                          "18446744073709551615", "18446744073709551616", "1.8446743709127774e+19", "1e19"}) {
    const Outcome o = run(container_cpu(std::string(R"("usageCoreNanoSeconds": )") + bad));
    EXPECT_FALSE(only_container(o).has(kHasCpu)) << bad;
    EXPECT_EQ(only_container(o).cpu_usage_core_ns, 0u) << bad;
    EXPECT_EQ(o.stats.rejected_values, 1u) << bad;
  }
  // Whole numbers in float notation are converted exactly; -0 is zero.
  for (auto [text, value] : {std::pair{"1.449984e+06", 1449984ull}, {"1449984.000", 1449984ull}, {"1e3", 1000ull},
                             {"-0", 0ull}, {"0.0", 0ull}, {"9.223372036854775807e18", 9223372036854775807ull},
                             {"120E-1", 12ull}}) {
    const Sample& s = only_container(run(container_cpu(std::string(R"("usageCoreNanoSeconds": )") + text)));
    EXPECT_TRUE(s.has(kHasCpu)) << text;
    EXPECT_EQ(s.cpu_usage_core_ns, value) << text;
  }
}

TEST(SummaryParserTest, SkippedValuesOfAnyTypeAndDepth) {
  const Outcome o = run(R"({"node": {"fs": {"inodesFree": 18446744073709551615, "x": [1.5, -2, null, true, "s", {"a": [[]]}]},
      "cpu": {"psi": {"full": {"avg10": 41.11}}, "usageCoreNanoSeconds": 10, "extra": [{"time": "garbage"}]},
      "rlimit": null, "systemContainers": [{"name": "kubelet", "cpu": {"usageCoreNanoSeconds": 99}}]},
    "pods": [{"podRef": {"name": "p", "namespace": "ns", "uid": 5}, "volume": [{"name": "v"}], "network": {"interfaces": []},
      "containers": [{"name": "c", "userDefinedMetrics": null, "rootfs": {"usedBytes": -1},
        "cpu": {"usageCoreNanoSeconds": 3}}], "process_stats": {"process_count": 0}}],
    "unknown": [[[{"deep": true}]]]})");
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  EXPECT_EQ(o.batch.node_sample.cpu_usage_core_ns, 10u);  // not the systemContainers' 99
  EXPECT_EQ(only_container(o).cpu_usage_core_ns, 3u);
  EXPECT_EQ(o.stats.rejected_values, 0u);  // the skipped -1 and floats are not even looked at
}

TEST(SummaryParserTest, TimestampPreferenceAndTimes) {
  // cpu.time wins; then memory.time; then swap.time; then ephemeral-storage.time.
  const Outcome o = run(R"({"node": {"memory": {"time": "2020-04-16T20:25:29Z", "workingSetBytes": 1},
                                     "cpu": {"time": "2020-04-16T22:25:28.5+02:00", "usageCoreNanoSeconds": 2}},
    "pods": [{"podRef": {"name": "p", "namespace": "ns"},
              "ephemeral-storage": {"time": "2020-04-16T20:25:31Z", "usedBytes": 4},
              "swap": {"time": "2020-04-16T20:25:30Z", "swapUsageBytes": 3}}]})");
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  // 22:25:28.5 at +02:00 is 20:25:28.5Z = 1587068728.5 s.
  EXPECT_EQ(o.batch.node_sample.timestamp_ns, 1587068728 * kSecond + 500000000);
  ASSERT_EQ(o.batch.pods.size(), 1u);
  EXPECT_EQ(o.batch.pods[0].sample.timestamp_ns, 1587068730 * kSecond);
  EXPECT_EQ(o.batch.pods[0].sample.present, kHasSwap | kHasEphemeralStorage);
  EXPECT_EQ(o.batch.pods[0].sample.swap_usage_bytes, 3u);
  EXPECT_EQ(o.batch.pods[0].sample.ephemeral_storage_bytes, 4u);
}

TEST(SummaryParserTest, GoZeroTimeIsAbsentAndMalformedTimeIsAnError) {
  const Outcome o = run(R"({"pods": [{"podRef": {"name": "p", "namespace": "ns"}, "containers": [
      {"name": "c", "startTime": "0001-01-01T00:00:00Z",
       "cpu": {"time": "9999-12-31T23:59:59Z", "usageCoreNanoSeconds": 1},
       "memory": {"time": "2020-04-16T20:25:28Z", "workingSetBytes": 1}}]}]})");
  const Sample& s = only_container(o);
  EXPECT_FALSE(s.has(kHasStartTime));
  EXPECT_EQ(s.timestamp_ns, 1587068728 * kSecond);  // cpu.time out of range: memory.time instead
  EXPECT_EQ(o.stats.out_of_range_times, 2u);
  expect_permanent(run(container_cpu(R"("time": "2020-04-16 20:25:28Z")")), "\"time\" is not an RFC 3339 time");
  expect_permanent(run(R"({"node": {"startTime": ""}})"), "\"startTime\" is not an RFC 3339 time");
}

TEST(SummaryParserTest, UnnamedEntriesAreDroppedAndCounted) {
  const Outcome o = run(R"({"pods": [
      {"podRef": {"name": "no-namespace"}, "containers": [{"name": "c", "cpu": {"usageCoreNanoSeconds": 1}}]},
      {"containers": [{"name": "c"}], "cpu": {"usageCoreNanoSeconds": 1}},
      {"podRef": {"name": "p", "namespace": "ns"}, "containers": [{"cpu": {"usageCoreNanoSeconds": 1}}, {"name": ""},
        {"name": "ok", "cpu": {"usageCoreNanoSeconds": 1}}]}]})");
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  EXPECT_EQ(o.stats.unnamed_entries, 4u);  // 2 pods + 2 containers
  ASSERT_EQ(o.batch.containers.size(), 1u);
  EXPECT_NE(find_container(o.batch, "ns", "p", "ok"), nullptr);
  EXPECT_TRUE(o.batch.pods.empty());
}

TEST(SummaryParserTest, PodRefMayFollowContainersAndNamesMayBeEscaped) {
  const Outcome o = run(R"({"pods": [{"containers": [{"na\u006de": "app\"1", "cpu": {"usageCoreNanoSeconds": 7}}],
                                      "podRef": {"namespace": "n\u00e9", "name": "web"}}]})");
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  const ContainerSample* c = find_container(o.batch, "n\xC3\xA9", "web", "app\"1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->sample.cpu_usage_core_ns, 7u);
}

TEST(SummaryParserTest, NamesMustBeValidUtf8) {
  auto pod_named = [](std::string_view name) {
    return run(R"({"pods": [{"podRef": {"namespace": "ns", "name": ")" + std::string(name) + R"("}}]})");
  };
  for (const char* bad : {"\xff", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\\udc00"}) {
    expect_permanent(pod_named(bad), "\"name\" is not valid UTF-8");
  }
  for (const char* good : {"caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\\ud83d\\ude00", "\\u0000"}) {
    EXPECT_TRUE(pod_named(good).status.is_ok()) << good;
  }
  expect_permanent(run(R"({"pods": [{"podRef": {"namespace": "\u00"}}]})"), "Incorrect hex digit");
  expect_permanent(run("{\"pods\": [{\"podRef\": {\"namespace\": \"\xfe\"}}]}"), "\"namespace\" is not valid UTF-8");
  expect_permanent(run("{\"pods\": [{\"containers\": [{\"name\": \"\xfe\"}]}]}"), "\"name\" is not valid UTF-8");
  // Strings the parser does not keep are not checked.
  EXPECT_TRUE(run("{\"node\": {\"nodeName\": \"\xfe\", \"fs\": {\"device\": \"\xff\"}}}").status.is_ok());
}

TEST(SummaryParserTest, DuplicateContainersAcrossPodsAreNotDuplicates) {
  const Outcome o = run(R"({"pods": [
      {"podRef": {"name": "a", "namespace": "ns"}, "containers": [{"name": "c"}, {"name": "c"}, {"name": "d"}]},
      {"podRef": {"name": "b", "namespace": "ns"}, "containers": [{"name": "c"}, {"name": "d"}, {"name": "d"}]}]})");
  ASSERT_TRUE(o.status.is_ok());
  EXPECT_EQ(o.batch.containers.size(), 4u);
  EXPECT_EQ(o.stats.duplicate_containers, 2u);
}

TEST(SummaryParserTest, NodeAndPodWithoutValuesAddNoSample) {
  const Outcome o = run(R"({"node": {"nodeName": "node-1", "startTime": "2020-04-16T20:25:28Z"},
      "pods": [{"podRef": {"name": "p", "namespace": "ns"}, "startTime": "2020-04-16T20:25:28Z"}]})");
  ASSERT_TRUE(o.status.is_ok());
  EXPECT_FALSE(o.batch.has_node_sample);
  EXPECT_TRUE(o.batch.pods.empty());
  EXPECT_FALSE(o.stats.node_name_mismatch);
}

TEST(SummaryParserTest, UsageNanoCoresOnlyWithTheOption) {
  // A node whose only value is usageNanoCores (Windows kubelets of kubernetes issue #75934 sent no
  // usageCoreNanoSeconds) has a sample only when the rate is read.
  const char* body = R"({"node": {"cpu": {"time": "2020-04-16T20:25:28Z", "usageNanoCores": 250000000}}})";
  EXPECT_FALSE(run(body).batch.has_node_sample);
  const Outcome with_rate = run(body, true);
  ASSERT_TRUE(with_rate.batch.has_node_sample);
  EXPECT_EQ(with_rate.batch.node_sample.present, kHasCpuRate);
  EXPECT_EQ(with_rate.batch.node_sample.cpu_rate_nanocores, 250000000u);
  EXPECT_EQ(with_rate.batch.node_sample.timestamp_ns, 1587068728 * kSecond);
}

TEST(SummaryParserTest, ReusedParserAndBatchStartClean) {
  SummaryParser parser;
  NodeBatch b;
  b.node_name = "n";
  SummaryParseStats stats;
  ASSERT_TRUE(parser.parse(testing::read_fixture("summary-v1.15-minikube-docker-newrelic.json"), {}, b, &stats).is_ok());
  EXPECT_EQ(stats.duplicate_containers, 14u);
  ASSERT_TRUE(parser.parse(R"({"pods": [{"podRef": {"name": "p", "namespace": "ns"}, "containers": [{"name": "c"}]}]})",
                           {}, b, &stats)
                  .is_ok());
  EXPECT_EQ(stats.duplicate_containers, 0u);
  EXPECT_FALSE(b.has_node_sample);
  EXPECT_TRUE(b.pods.empty());
  EXPECT_EQ(b.containers.size(), 1u);
  EXPECT_EQ(b.names.size(), 4u);  // "", ns, p, c
  EXPECT_EQ(b.node_name, "n");
  // A failure after a success leaves nothing of either behind.
  EXPECT_FALSE(parser.parse(R"({"pods": [{"podRef": {"name": "p", "namespace": "ns"}}, 1]})", {}, b, &stats).is_ok());
  EXPECT_TRUE(b.containers.empty());
  EXPECT_EQ(b.names.size(), 1u);
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
