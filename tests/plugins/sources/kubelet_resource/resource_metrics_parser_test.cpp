// Edge cases of the /metrics/resource decoder, one small body each.

#include "resource_metrics_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/plugins/sources/kubelet_resource/test_util.h"

namespace mpf::sources::kubelet_resource {
namespace {

using testing::find_container;
using testing::find_pod;

constexpr std::int64_t kMs = 1'000'000;  // ns per ms

struct Parsed {
  Status status;
  NodeBatch batch;
};

Parsed parse(std::string_view body, std::int64_t default_timestamp_ns = 0) {
  Parsed p;
  p.status = parse_resource_metrics(body, ResourceParseOptions{default_timestamp_ns}, p.batch);
  // The cache must never change the outcome, whatever the input.
  NodeBatch uncached;
  const Status status = parse_resource_metrics_uncached_for_test(body, ResourceParseOptions{default_timestamp_ns},
                                                                 uncached);
  EXPECT_EQ(status.to_string(), p.status.to_string());
  if (status.is_ok()) {
    EXPECT_TRUE(testing::same_batch(p.batch, uncached));
  }
  return p;
}

// The status of a parse that must fail permanently.
std::string failure(std::string_view body) {
  Parsed p = parse(body);
  EXPECT_EQ(p.status.code(), StatusCode::kPermanent) << body;
  return p.status.message();
}

const std::string kCoredns = R"({container="coredns",namespace="kube-system",pod="coredns-1"})";

TEST(ResourceParser, EmptyBodyIsANodeWithoutData) {
  // An empty 200 answer is not malformed: the source decides what a node without data means.
  for (std::string_view body : {"", "\n", "\r\n", "  \n\t\n", "# EOF\n"}) {
    Parsed p = parse(body);
    EXPECT_TRUE(p.status.is_ok()) << p.status.to_string();
    EXPECT_FALSE(p.batch.has_node_sample);
    EXPECT_TRUE(p.batch.containers.empty());
    EXPECT_TRUE(p.batch.pods.empty());
  }
}

TEST(ResourceParser, CrlfLineEnds) {
  Parsed p = parse("# HELP node_cpu_usage_seconds_total [STABLE] x\r\n"
                   "node_cpu_usage_seconds_total 1.5 1000\r\n"
                   "container_cpu_usage_seconds_total" + kCoredns + " 2 1000\r\n"
                   "node_memory_working_set_bytes 2e3 2000\r\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_EQ(p.batch.node_sample.cpu_usage_core_ns, 1500000000u);  // 1.5 s x 1e9
  EXPECT_EQ(p.batch.node_sample.memory_working_set_bytes, 2000u);
  EXPECT_EQ(p.batch.node_sample.timestamp_ns, 2000 * kMs);
  ASSERT_NE(find_container(p.batch, "kube-system", "coredns-1", "coredns"), nullptr);
}

TEST(ResourceParser, EscapedLabelValuesAreUnescaped) {
  Parsed p = parse(R"(container_cpu_usage_seconds_total{container="a\\b\"c\nd",namespace="n\tx",pod="p"} 1 5)");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.batch.containers.size(), 1u);
  const ContainerSample& c = p.batch.containers[0];
  EXPECT_EQ(p.batch.names.name(c.container_name), "a\\b\"c\nd");
  // Only \\, \" and \n are escapes; any other pair is kept as written (Prometheus does the same).
  EXPECT_EQ(p.batch.names.name(c.namespace_name), "n\\tx");
  EXPECT_EQ(p.batch.names.name(c.pod_name), "p");
}

TEST(ResourceParser, EscapedQuoteDoesNotEndTheValue) {
  Parsed p = parse(R"(pod_memory_working_set_bytes{namespace="a}\"b",pod="p",x="\\"} 7)");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.batch.pods.size(), 1u);
  EXPECT_EQ(p.batch.names.name(p.batch.pods[0].namespace_name), "a}\"b");
  EXPECT_EQ(p.batch.pods[0].sample.memory_working_set_bytes, 7u);
}

TEST(ResourceParser, AnyLabelOrderExtraLabelsAndBlanks) {
  Parsed p = parse("container_cpu_usage_seconds_total{pod=\"p\",id=\"/kubepods/x\",container=\"c\",namespace=\"n\"} 1 1000\n"
                   "container_memory_working_set_bytes{ namespace = \"n\" ,\tcontainer=\"c\", pod=\"p\", } 4096 2000\n"
                   "container_start_time_seconds {container=\"c\",image=\"i\",namespace=\"n\",pod=\"p\"} 10\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.batch.containers.size(), 1u);  // three spellings of one series
  const Sample& s = p.batch.containers[0].sample;
  EXPECT_EQ(s.cpu_usage_core_ns, 1000000000u);
  EXPECT_EQ(s.memory_working_set_bytes, 4096u);
  EXPECT_EQ(s.start_time_ns, 10'000'000'000);  // 10 s x 1e9
  EXPECT_EQ(s.timestamp_ns, 2000 * kMs);
}

TEST(ResourceParser, WhitespaceVariations) {
  Parsed p = parse("  node_cpu_usage_seconds_total \t 2.5\t\t3000  \n"
                   "\tnode_memory_working_set_bytes{} 100   \n"
                   "   # indented comment\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_EQ(p.batch.node_sample.cpu_usage_core_ns, 2500000000u);
  EXPECT_EQ(p.batch.node_sample.memory_working_set_bytes, 100u);
  EXPECT_EQ(p.batch.node_sample.timestamp_ns, 0);  // no timestamp on the memory line, no default given
}

TEST(ResourceParser, ExponentAndPlainNumbers) {
  Parsed p = parse("node_memory_working_set_bytes 1.616273408e+09 1\n"
                   "node_cpu_usage_seconds_total 3.5E-3 1\n"
                   "node_swap_usage_bytes 12 1\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_EQ(p.batch.node_sample.memory_working_set_bytes, 1616273408u);
  EXPECT_EQ(p.batch.node_sample.cpu_usage_core_ns, 3500000u);  // 0.0035 s x 1e9
  EXPECT_EQ(p.batch.node_sample.swap_usage_bytes, 12u);
}

TEST(ResourceParser, MissingTimestampUsesTheDefault) {
  constexpr std::int64_t kRequestStart = 1'700'000'000'000'000'000;
  Parsed p = parse("node_cpu_usage_seconds_total 1\n"
                   "container_memory_working_set_bytes" + kCoredns + " 5\n"
                   "pod_cpu_usage_seconds_total{namespace=\"kube-system\",pod=\"coredns-1\"} 1 1234\n",
                   kRequestStart);
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_EQ(p.batch.node_sample.timestamp_ns, kRequestStart);
  EXPECT_EQ(p.batch.containers[0].sample.timestamp_ns, kRequestStart);
  EXPECT_EQ(p.batch.pods[0].sample.timestamp_ns, 1234 * kMs);
}

TEST(ResourceParser, LastCpuOrMemoryLineSetsTheTimestamp) {
  // metrics-server writes the point's Timestamp on each CPU and each memory line: the later one wins.
  Parsed memory_last = parse("node_cpu_usage_seconds_total 1 1000\nnode_memory_working_set_bytes 1 2000\n");
  EXPECT_EQ(memory_last.batch.node_sample.timestamp_ns, 2000 * kMs);
  Parsed cpu_last = parse("node_memory_working_set_bytes 1 2000\nnode_cpu_usage_seconds_total 1 1000\n");
  EXPECT_EQ(cpu_last.batch.node_sample.timestamp_ns, 1000 * kMs);
  Parsed container = parse("container_cpu_usage_seconds_total" + kCoredns + " 1 3000\n" +
                           "container_memory_working_set_bytes" + kCoredns + " 1 4000\n" +
                           "container_start_time_seconds" + kCoredns + " 1.5 9999\n" +
                           "container_swap_usage_bytes" + kCoredns + " 1 8888\n");
  ASSERT_EQ(container.batch.containers.size(), 1u);
  // Start time and swap lines do not move it.
  EXPECT_EQ(container.batch.containers[0].sample.timestamp_ns, 4000 * kMs);
}

TEST(ResourceParser, StartTimeTimestampIsIgnoredAndOptional) {
  Parsed p = parse("container_start_time_seconds" + kCoredns + " 1.633252712e+09\n" +
                   "container_start_time_seconds{container=\"b\",namespace=\"kube-system\",pod=\"coredns-1\"} "
                   "1.633252712e+09 1633252712000\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.batch.containers.size(), 2u);
  for (const ContainerSample& c : p.batch.containers) {
    EXPECT_EQ(c.sample.start_time_ns, 1633252712000000000);  // 1633252712 s x 1e9 (exact in float64)
    EXPECT_EQ(c.sample.timestamp_ns, 0);
    EXPECT_EQ(c.sample.present, kHasStartTime);
  }
}

TEST(ResourceParser, NonFiniteAndNegativeValuesAreSkipped) {
  Parsed p = parse("container_cpu_usage_seconds_total" + kCoredns + " NaN 1\n" +
                   "container_memory_working_set_bytes" + kCoredns + " 100 2\n" +
                   "container_swap_usage_bytes" + kCoredns + " -Inf 3\n" +
                   "container_start_time_seconds" + kCoredns + " -6.7953645788713455e+09\n" +
                   "node_cpu_usage_seconds_total +Inf 1\n" +
                   "node_memory_working_set_bytes -1 1\n" +
                   "node_swap_usage_bytes Inf 1\n" +
                   "pod_cpu_usage_seconds_total{namespace=\"a\",pod=\"only-nan\"} nan 1\n" +
                   "container_cpu_usage_seconds_total{container=\"x\",namespace=\"a\",pod=\"b\"} 1e999 1\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_FALSE(p.batch.has_node_sample);  // nothing trustworthy for the node
  EXPECT_TRUE(p.batch.pods.empty());      // no entry is created for a skipped value alone
  ASSERT_EQ(p.batch.containers.size(), 1u);  // nor for the 1e999 (out of double range) container
  const Sample& s = p.batch.containers[0].sample;
  EXPECT_EQ(s.present, kHasMemory);
  EXPECT_EQ(s.memory_working_set_bytes, 100u);
  EXPECT_EQ(s.cpu_usage_core_ns, 0u);
  EXPECT_EQ(s.timestamp_ns, 2 * kMs);  // the skipped CPU line did not set it either
}

TEST(ResourceParser, ValuesFrom2Pow63AreGarbage) {
  Parsed p = parse("node_swap_usage_bytes 1.8446743709127774e+19 1\n"  // wrapped uint64
                   "node_memory_working_set_bytes 9.3e18 1\n"          // > 2^63 = 9.223372036854775808e18
                   "node_cpu_usage_seconds_total 9.3e9 1\n");          // x 1e9 = 9.3e18 ns > 2^63
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_FALSE(p.batch.has_node_sample);
  Parsed below = parse("node_memory_working_set_bytes 9.2e18 1\n");
  EXPECT_EQ(below.batch.node_sample.memory_working_set_bytes, 9200000000000000000u);
}

TEST(ResourceParser, RealZeroIsKept) {
  Parsed p = parse("container_cpu_usage_seconds_total" + kCoredns + " 0 1\n" +
                   "container_memory_working_set_bytes" + kCoredns + " -0 1\n");
  ASSERT_EQ(p.batch.containers.size(), 1u);
  EXPECT_EQ(p.batch.containers[0].sample.present, kHasCpu | kHasMemory);
  EXPECT_EQ(p.batch.containers[0].sample.cpu_usage_core_ns, 0u);
}

TEST(ResourceParser, CpuSecondsRoundToNearestNanosecond) {
  Parsed p = parse("node_cpu_usage_seconds_total 4.710169 1\n"
                   "pod_cpu_usage_seconds_total{namespace=\"a\",pod=\"b\"} 1.027602 1\n"
                   "pod_cpu_usage_seconds_total{namespace=\"a\",pod=\"c\"} 0.0000000004 1\n"
                   "pod_cpu_usage_seconds_total{namespace=\"a\",pod=\"d\"} 0.0000000006 1\n");
  EXPECT_EQ(p.batch.node_sample.cpu_usage_core_ns, 4710169000u);
  ASSERT_EQ(p.batch.pods.size(), 3u);
  EXPECT_EQ(p.batch.pods[0].sample.cpu_usage_core_ns, 1027602000u);  // float64 product 1027601999.9999999
  EXPECT_EQ(p.batch.pods[1].sample.cpu_usage_core_ns, 0u);           // 0.4 ns
  EXPECT_EQ(p.batch.pods[2].sample.cpu_usage_core_ns, 1u);           // 0.6 ns
}

TEST(ResourceParser, NegativeAndZeroTimestampsFailTheNode) {
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 1\ncontainer_start_time_seconds" + kCoredns +
                    " -6.7953645788713455e+09 -62135596800000\n"),
            "line 2: negative timestamp -62135596800000");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 0\n"), "line 1: zero timestamp 0");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 -0\n"), "line 1: zero timestamp -0");
}

TEST(ResourceParser, MalformedTimestamps) {
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 1.5\n"), "line 1: invalid timestamp \"1.5\"");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 +5\n"), "line 1: invalid timestamp \"+5\"");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 -\n"), "line 1: invalid timestamp \"-\"");
  // 9223372036855 ms x 1e6 no longer fits int64 ns (year 2262).
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 9223372036855\n"),
            "line 1: timestamp out of range 9223372036855");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 99999999999999999999\n"),
            "line 1: invalid timestamp \"99999999999999999999\"");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 5 6\n"), "line 1: unexpected text after the timestamp");
  Parsed last_ok = parse("node_cpu_usage_seconds_total 1 9223372036854\n");
  EXPECT_EQ(last_ok.batch.node_sample.timestamp_ns, 9223372036854000000);
}

TEST(ResourceParser, ScrapeErrorOneFailsTheNode) {
  const std::string good = "node_cpu_usage_seconds_total 1 1\n";
  Parsed p = parse(good + "# HELP resource_scrape_error [STABLE] 1 if there was an error\nresource_scrape_error 1\n");
  EXPECT_EQ(p.status.code(), StatusCode::kPermanent);
  EXPECT_EQ(p.status.message(), "kubelet reported resource_scrape_error 1");
  EXPECT_EQ(failure(good + "scrape_error 1\n"), "kubelet reported scrape_error 1");
  EXPECT_TRUE(parse(good + "resource_scrape_error 0\nscrape_error 0\n").status.is_ok());
}

TEST(ResourceParser, UnknownAndIgnoredFamiliesAreSkipped) {
  Parsed p = parse("# HELP node_memory_commit_bytes [ALPHA] Windows only\n"
                   "node_memory_commit_bytes 1e9 1\n"
                   "container_memory_commit_bytes" + kCoredns + " 5 1\n" +
                   "container_swap_limit_bytes" + kCoredns + " 5 1\n" +
                   "node_cpu_usage_seconds_total_other 5 1\n" +
                   "machine_cpu_cores{cpu=\"total\"} 8\n" +
                   "process_start_time_seconds 1.6e9\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_FALSE(p.batch.has_node_sample);
  EXPECT_TRUE(p.batch.containers.empty());
  // Skipped lines are still checked: the body is malformed whatever family a bad line belongs to.
  EXPECT_EQ(failure("machine_cpu_cores{cpu=\"total} 8\n"), "line 1: unterminated value of label cpu");
  EXPECT_EQ(failure("unknown_family x\n"), "line 1: invalid value \"x\"");
}

TEST(ResourceParser, FamiliesInAnyOrderAndRepeated) {
  // Two kubelet answers concatenated (seen in the wild): duplicated HELP/TYPE, repeated families.
  const std::string one = "container_memory_working_set_bytes" + kCoredns + " 10 2000\n" +
                          "container_cpu_usage_seconds_total" + kCoredns + " 1 1000\n" +
                          "node_memory_working_set_bytes 5 1000\n";
  Parsed p = parse(one + "# TYPE container_cpu_usage_seconds_total counter\n" +
                   "container_cpu_usage_seconds_total" + kCoredns + " 2 3000\n");
  ASSERT_EQ(p.batch.containers.size(), 1u);
  EXPECT_EQ(p.batch.containers[0].sample.cpu_usage_core_ns, 2000000000u);  // the last line wins
  EXPECT_EQ(p.batch.containers[0].sample.memory_working_set_bytes, 10u);
  EXPECT_EQ(p.batch.containers[0].sample.timestamp_ns, 3000 * kMs);
}

TEST(ResourceParser, SeriesWithoutTheirLabelsAreSkipped) {
  Parsed p = parse("container_cpu_usage_seconds_total{namespace=\"a\",pod=\"b\"} 1 1\n"
                   "container_cpu_usage_seconds_total{container=\"\",namespace=\"a\",pod=\"b\"} 1 1\n"
                   "container_cpu_usage_seconds_total 1 1\n"
                   "pod_cpu_usage_seconds_total{pod=\"b\"} 1 1\n"
                   "pod_cpu_usage_seconds_total{namespace=\"\",pod=\"b\"} 1 1\n");
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_TRUE(p.batch.containers.empty());
  EXPECT_TRUE(p.batch.pods.empty());
}

TEST(ResourceParser, DuplicateLabelIsMalformed) {
  EXPECT_EQ(failure(R"(container_cpu_usage_seconds_total{container="a",container="b",namespace="n",pod="p"} 1)"),
            "line 1: duplicate label container");
}

TEST(ResourceParser, TruncatedBodies) {
  const std::string full = "node_cpu_usage_seconds_total 1 1\n" "container_cpu_usage_seconds_total" + kCoredns +
                           " 4.710169 1633253812125\n";
  // Cut inside a label value, inside the label set, inside the name, before the value.
  EXPECT_EQ(failure(full.substr(0, full.find("kube-sys"))), "line 2: unterminated value of label namespace");
  EXPECT_EQ(failure(full.substr(0, full.find(",pod"))), "line 2: expected ',' or '}' after the value of label namespace");
  EXPECT_EQ(failure(full.substr(0, full.find("{container") + 1)), "line 2: unterminated label set");
  EXPECT_EQ(failure(full.substr(0, full.find("container_cpu") + 13)), "line 2: missing value");
  EXPECT_EQ(failure(full.substr(0, full.find("} 4.7") + 1)), "line 2: missing value");
  // Cut inside the value or the timestamp the line is still well formed: only the transport can tell.
  EXPECT_TRUE(parse(full.substr(0, full.find("0169 "))).status.is_ok());
}

TEST(ResourceParser, MalformedLines) {
  EXPECT_EQ(failure("node_cpu_usage_seconds_total\n"), "line 1: missing value");
  EXPECT_EQ(failure("\n\n9abc 1\n"), "line 3: expected a metric name");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total=1\n"), "line 1: expected '{' or a blank after the metric name");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1.2.3\n"), "line 1: invalid value \"1.2.3\"");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 0x10\n"), "line 1: invalid value \"0x10\"");
  EXPECT_EQ(failure("node_cpu_usage_seconds_total +-1\n"), "line 1: invalid value \"+-1\"");
  EXPECT_EQ(failure("m{1a=\"x\"} 1\n"), "line 1: expected a label name");
  EXPECT_EQ(failure("m{a \"x\"} 1\n"), "line 1: expected '=' after label a");
  EXPECT_EQ(failure("m{a=x} 1\n"), "line 1: expected '\"' to open the value of label a");
  EXPECT_EQ(failure("m{a=\"x\\\"} 1\n"), "line 1: unterminated value of label a");
  EXPECT_EQ(failure("m{a=\"x\nb\"} 1\n"), "line 1: unterminated value of label a");
  // Only the last \r of a line is a CRLF end; another one is part of the token.
  EXPECT_EQ(failure("m 1 2\r\r\n"), "line 1: invalid timestamp \"2\r\"");
}

TEST(ResourceParser, GarbageBytes) {
  const std::string nul("\0\0\x01\x7f garbage", 13);
  EXPECT_EQ(failure(nul), "line 1: expected a metric name");
  EXPECT_EQ(failure("\xff\xfe<html><body>502 Bad Gateway</body></html>"), "line 1: expected a metric name");
  EXPECT_EQ(failure("{\"kind\":\"Status\"}"), "line 1: expected a metric name");
  EXPECT_EQ(failure("m{a=\"\xc3\x28\"} 1\n"), "line 1: value of label a is not valid UTF-8");
  Parsed utf8 = parse("pod_cpu_usage_seconds_total{namespace=\"\xe6\x97\xa5\xe6\x9c\xac\",pod=\"p\"} 1\n");
  ASSERT_EQ(utf8.batch.pods.size(), 1u);
  EXPECT_EQ(utf8.batch.names.name(utf8.batch.pods[0].namespace_name), "\xe6\x97\xa5\xe6\x9c\xac");
}

TEST(ResourceParser, HugeLinesFail) {
  const std::string huge(1 << 20, 'a');
  EXPECT_EQ(failure("node_cpu_usage_seconds_total 1 1\n" + huge + " 1\n"), "line 2: longer than 65536 bytes");
  EXPECT_EQ(failure("# HELP " + huge + "\n"), "line 1: longer than 65536 bytes");
  std::string label_line = "m{a=\"" + std::string(kMaxLineBytes, 'x') + "\"} 1";
  EXPECT_EQ(failure(label_line), "line 1: longer than 65536 bytes");
  // Right at the limit is fine.
  std::string at_limit = "m{a=\"\"} 1";
  at_limit.insert(5, kMaxLineBytes - at_limit.size(), 'x');
  ASSERT_EQ(at_limit.size(), kMaxLineBytes);
  EXPECT_TRUE(parse(at_limit + "\n").status.is_ok());
}

TEST(ResourceParser, EofMarkerAndCommentsAnywhere) {
  Parsed p = parse("# TYPE node_cpu_usage_seconds_total counter\n"
                   "node_cpu_usage_seconds_total 1 1\n"
                   "#no space comment\n"
                   "# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes\n"
                   "node_memory_working_set_bytes 2 1\n"
                   "# EOF");
  ASSERT_TRUE(p.status.is_ok());
  EXPECT_EQ(p.batch.node_sample.memory_working_set_bytes, 2u);
}

TEST(ResourceParser, PodLevelSamples) {
  Parsed p = parse("pod_cpu_usage_seconds_total{namespace=\"ns\",pod=\"p\"} 4.67812 1633253803935\n"
                   "pod_memory_working_set_bytes{namespace=\"ns\",pod=\"p\"} 1.2627968e+07 1633253803935\n"
                   "pod_swap_usage_bytes{namespace=\"ns\",pod=\"p\"} 4096 1633253803936\n");
  ASSERT_EQ(p.batch.pods.size(), 1u);
  const PodSample* pod = find_pod(p.batch, "ns", "p");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->sample.cpu_usage_core_ns, 4678120000u);       // 4.67812 s x 1e9
  EXPECT_EQ(pod->sample.memory_working_set_bytes, 12627968u);  // 1.2627968e+07
  EXPECT_EQ(pod->sample.swap_usage_bytes, 4096u);
  EXPECT_EQ(pod->sample.present, kHasCpu | kHasMemory | kHasSwap);
  EXPECT_EQ(pod->sample.timestamp_ns, 1633253803935 * kMs);
  EXPECT_TRUE(p.batch.containers.empty());  // pod-level series never create containers
}

TEST(ResourceParser, NodeNameIsLeftAlone) {
  NodeBatch batch;
  batch.node_name = "node-a";
  ASSERT_TRUE(parse_resource_metrics("node_cpu_usage_seconds_total 1 1\n", {}, batch).is_ok());
  EXPECT_EQ(batch.node_name, "node-a");
}

TEST(ResourceParser, ReuseResetsEverySample) {
  NodeBatch batch;
  ASSERT_TRUE(parse_resource_metrics("node_cpu_usage_seconds_total 1 1\ncontainer_cpu_usage_seconds_total" +
                                         kCoredns + " 1 1\npod_cpu_usage_seconds_total{namespace=\"a\",pod=\"b\"} 1\n",
                                     {}, batch)
                  .is_ok());
  ASSERT_TRUE(parse_resource_metrics("", {}, batch).is_ok());
  EXPECT_FALSE(batch.has_node_sample);
  EXPECT_EQ(batch.node_sample.present, 0);
  EXPECT_TRUE(batch.containers.empty());
  EXPECT_TRUE(batch.pods.empty());
}

TEST(ResourceParser, StaleNamesAreEventuallyForgotten) {
  // Pods come and go: the kept name table must not grow without bound.
  NodeBatch batch;
  for (int i = 0; i < 2000; ++i) {
    const std::string body = "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"pod-" +
                             std::to_string(i) + "\"} 1 1\n";
    ASSERT_TRUE(parse_resource_metrics(body, {}, batch).is_ok());
    ASSERT_EQ(batch.containers.size(), 1u);
    EXPECT_EQ(batch.names.name(batch.containers[0].pod_name), "pod-" + std::to_string(i));
  }
  EXPECT_LT(batch.names.size(), 300u);  // cleared whenever it exceeds 2 x 3 + 256 names
}

TEST(ResourceParser, ManySeriesGrowTheIndex) {
  // More series than the thread-local scratch holds (1024 per kind), so the index moves to the heap and
  // the later series are found without the label-block cache; the second family lists them backwards.
  constexpr int kContainers = 3000;
  std::string cpu, memory, pod_cpu, pod_memory;
  for (int i = 0; i < kContainers; ++i) {
    const std::string pod = "namespace=\"n\",pod=\"p" + std::to_string(i / 2) + "\"";
    const std::string labels = "{container=\"c" + std::to_string(i % 2) + "\"," + pod + "}";
    cpu += "container_cpu_usage_seconds_total" + labels + " " + std::to_string(i + 1) + " 1\n";
    memory.insert(0, "container_memory_working_set_bytes" + labels + " " + std::to_string(i + 1) + " 2\n");
    if (i % 2 == 0) {
      pod_cpu += "pod_cpu_usage_seconds_total{" + pod + "} " + std::to_string(i + 1) + " 3\n";
      pod_memory += "pod_memory_working_set_bytes{" + pod + "} " + std::to_string(i + 1) + " 4\n";
    }
  }
  Parsed p = parse(cpu + memory + pod_cpu + pod_memory);
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.batch.containers.size(), static_cast<std::size_t>(kContainers));
  for (const ContainerSample& c : p.batch.containers) {
    EXPECT_EQ(c.sample.cpu_usage_core_ns, c.sample.memory_working_set_bytes * 1'000'000'000u);
    EXPECT_EQ(c.sample.timestamp_ns, 2 * kMs);
  }
  ASSERT_EQ(p.batch.pods.size(), static_cast<std::size_t>(kContainers / 2));
  for (const PodSample& pod : p.batch.pods) {
    EXPECT_EQ(pod.sample.cpu_usage_core_ns, pod.sample.memory_working_set_bytes * 1'000'000'000u);
    EXPECT_EQ(pod.sample.timestamp_ns, 4 * kMs);
  }
  // The same body again through the same thread's scratch, and into a reused batch.
  NodeBatch reused = std::move(p.batch);
  ASSERT_TRUE(parse_resource_metrics(cpu + memory + pod_cpu + pod_memory, {}, reused).is_ok());
  EXPECT_EQ(reused.containers.size(), static_cast<std::size_t>(kContainers));
}

}  // namespace
}  // namespace mpf::sources::kubelet_resource
