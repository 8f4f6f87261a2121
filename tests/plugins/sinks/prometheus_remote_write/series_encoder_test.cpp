#include "series_encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "remote_write_decoder.h"
#include "test_snapshots.h"

namespace mpf::sinks::remote_write {
namespace {

using test::DecodedSeries;
using test::Labels;

struct Request {
  std::string bytes;
  std::size_t series = 0;
};

std::vector<Request> encode_all(SeriesEncoder& encoder, const Snapshot& snapshot) {
  std::vector<Request> requests;
  encoder.encode(snapshot, [&](std::string_view bytes, std::size_t series) {
    requests.push_back(Request{std::string(bytes), series});
    return true;
  });
  return requests;
}

std::vector<DecodedSeries> decode_all(const std::vector<Request>& requests) {
  std::vector<DecodedSeries> all;
  for (const Request& r : requests) {
    bool ok = false;
    auto series = test::decode_request(r.bytes, &ok);
    EXPECT_TRUE(ok) << "libprotobuf refused a request";
    EXPECT_EQ(series.size(), r.series) << "the count handed on differs from the series in the bytes";
    all.insert(all.end(), series.begin(), series.end());
  }
  return all;
}

std::vector<DecodedSeries> encode_and_decode(const Snapshot& snapshot, SeriesOptions options = {},
                                             const std::map<std::string, std::string>& external = {}) {
  SeriesEncoder encoder(external, options);
  return decode_all(encode_all(encoder, snapshot));
}

struct Expected {
  Labels labels;
  double value;
  std::int64_t timestamp_ms;
};

void expect_series(const std::vector<DecodedSeries>& got, const std::vector<Expected>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("series " + std::to_string(i) + " " + want[i].labels[0].second);
    EXPECT_EQ(got[i].labels, want[i].labels);
    EXPECT_EQ(got[i].sample_count, 1u);
    EXPECT_EQ(got[i].value, want[i].value);
    EXPECT_EQ(got[i].timestamp_ms, want[i].timestamp_ms);
  }
}

TEST(SeriesEncoderTest, WritesEverySeriesOfASnapshot) {
  const Labels app = {{"container", "app"}, {"namespace", "default"}, {"node", "node-a"}, {"pod", "web-1"}};
  auto with_name = [](const char* metric, Labels rest) {
    rest.insert(rest.begin(), {"__name__", metric});
    return rest;
  };
  expect_series(encode_and_decode(test::small_snapshot()),
                {
                    // Nodes; node-b has only memory, its timestamp truncated to the millisecond.
                    {with_name("k8s_node_cpu_usage_nanocores", {{"node", "node-a"}}), 250000000, 1700000000123},
                    {with_name("k8s_node_memory_working_set_bytes", {{"node", "node-a"}}), 1048576, 1700000000123},
                    {with_name("k8s_node_swap_usage_bytes", {{"node", "node-a"}}), 4096, 1700000000123},
                    {with_name("k8s_node_memory_working_set_bytes", {{"node", "node-b"}}), 2048, 1700000000999},
                    // Each pod, then its containers; coredns-x has no pod values, coredns only memory.
                    {with_name("k8s_pod_cpu_usage_nanocores", {{"namespace", "default"}, {"node", "node-a"}, {"pod", "web-1"}}),
                     300, 1700000001000},
                    {with_name("k8s_pod_memory_working_set_bytes",
                               {{"namespace", "default"}, {"node", "node-a"}, {"pod", "web-1"}}),
                     500, 1700000001000},
                    {with_name("k8s_container_cpu_usage_nanocores", app), 100, 1700000001000},
                    {with_name("k8s_container_memory_working_set_bytes", app), 200, 1700000001000},
                    {with_name("k8s_container_cpu_usage_nanocores",
                               {{"container", "sidecar"}, {"namespace", "default"}, {"node", "node-a"}, {"pod", "web-1"}}),
                     200, 1700000002000},
                    {with_name("k8s_container_memory_working_set_bytes",
                               {{"container", "coredns"}, {"namespace", "kube-system"}, {"node", "node-b"}, {"pod", "coredns-x"}}),
                     7, 1700000003000},
                    // Cumulative counters from the one good scrape, in seconds.
                    {with_name("k8s_node_cpu_usage_seconds_total", {{"node", "node-a"}}), 12.5, 1700000000500},
                    {with_name("k8s_container_cpu_usage_seconds_total", app), 3.0, 1700000000600},
                    // Totals; kube-system has none present; the cluster's time is the cycle's end.
                    {with_name("k8s_namespace_cpu_usage_nanocores", {{"namespace", "default"}}), 300, 1700000001000},
                    {with_name("k8s_namespace_memory_working_set_bytes", {{"namespace", "default"}}), 500, 1700000001000},
                    {with_name("k8s_cluster_cpu_usage_nanocores", {}), 250000000, 1700000100000},
                    {with_name("k8s_cluster_memory_working_set_bytes", {}), 1050624, 1700000100000},
                });
}

TEST(SeriesEncoderTest, CumulativeAndTotalsCanBeLeftOut) {
  SeriesOptions options;
  options.cumulative = false;
  options.totals = false;
  auto series = encode_and_decode(test::small_snapshot(), options);
  ASSERT_EQ(series.size(), 10u);  // 4 node + 2 pod + 4 container series, as above
  for (const auto& s : series) {
    EXPECT_THAT(s.label("__name__"), ::testing::Not(::testing::EndsWith("_seconds_total")));
    EXPECT_THAT(s.label("__name__"), ::testing::Not(::testing::StartsWith("k8s_namespace")));
    EXPECT_THAT(s.label("__name__"), ::testing::Not(::testing::StartsWith("k8s_cluster")));
  }
}

TEST(SeriesEncoderTest, AbsentValuesAreNotWritten) {
  Snapshot s = test::nodes_only(1);
  s.nodes[0].usage.present = 0;
  EXPECT_TRUE(encode_and_decode(s).empty());
  s.nodes[0].usage.present = kHasSwap;
  auto series = encode_and_decode(s);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].label("__name__"), "k8s_node_swap_usage_bytes");
}

TEST(SeriesEncoderTest, ZeroWithItsBitSetIsARealZero) {
  Snapshot s = test::nodes_only(1);
  s.nodes[0].usage = test::usage(0, 0, kHasCpu, -1);
  auto series = encode_and_decode(s);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].value, 0.0);
  EXPECT_EQ(series[0].timestamp_ms, 0);  // -1 ns truncates towards zero
}

TEST(SeriesEncoderTest, CutsRequestsAtMaxSeries) {
  SeriesOptions options;
  options.max_series_per_request = 2;
  SeriesEncoder encoder({}, options);
  auto requests = encode_all(encoder, test::nodes_only(5));
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].series, 2u);
  EXPECT_EQ(requests[1].series, 2u);
  EXPECT_EQ(requests[2].series, 1u);
  auto series = decode_all(requests);
  ASSERT_EQ(series.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(series[i].label("node"), "node-" + std::to_string(i));
    EXPECT_EQ(series[i].value, i);
  }
}

TEST(SeriesEncoderTest, AnExactMultipleLeavesNoEmptyRequest) {
  SeriesOptions options;
  options.max_series_per_request = 2;
  SeriesEncoder encoder({}, options);
  auto requests = encode_all(encoder, test::nodes_only(4));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].series, 2u);
  EXPECT_TRUE(encode_all(encoder, Snapshot{}).empty());
}

TEST(SeriesEncoderTest, StopsWhenTheSinkSaysSo) {
  SeriesOptions options;
  options.max_series_per_request = 1;
  SeriesEncoder encoder({}, options);
  int calls = 0;
  const bool finished = encoder.encode(test::nodes_only(5), [&](std::string_view, std::size_t) {
    ++calls;
    return false;
  });
  EXPECT_FALSE(finished);
  EXPECT_EQ(calls, 1);
}

TEST(SeriesEncoderTest, ExternalLabelsAreSortedIn) {
  auto series = encode_and_decode(test::small_snapshot(), {}, {{"region", "eu-1"}, {"cluster", "prod"}});
  // Series 6 is app's CPU rate; the cluster total (last) has only the external labels.
  EXPECT_EQ(series[6].labels, (Labels{{"__name__", "k8s_container_cpu_usage_nanocores"},
                                      {"cluster", "prod"},
                                      {"container", "app"},
                                      {"namespace", "default"},
                                      {"node", "node-a"},
                                      {"pod", "web-1"},
                                      {"region", "eu-1"}}));
  EXPECT_EQ(series.back().labels,
            (Labels{{"__name__", "k8s_cluster_memory_working_set_bytes"}, {"cluster", "prod"}, {"region", "eu-1"}}));
  for (const auto& s : series) EXPECT_EQ(s.label("cluster"), "prod");
}

TEST(SeriesEncoderTest, LabelOrderIsByteWiseSoUpperCaseSortsBeforeTheName) {
  // 'Z' (0x5A) < '_' (0x5F) < 'a': receivers that check the order (Cortex, Mimir) compare bytes.
  auto series = encode_and_decode(test::nodes_only(1), {}, {{"Zone", "z1"}, {"_private", "p"}, {"az", "a1"}});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].labels, (Labels{{"Zone", "z1"},
                                      {"__name__", "k8s_node_memory_working_set_bytes"},
                                      {"_private", "p"},
                                      {"az", "a1"},
                                      {"node", "node-0"}}));
}

TEST(SeriesEncoderTest, LabelValuesAreRawUtf8Bytes) {
  // Protobuf strings carry bytes as they are: no escaping of quotes, backslashes or newlines.
  const std::string odd = "w\xC3\xA9" "b-\"1\"\\n\n\xE2\x82\xAC\xF0\x9F\x98\x80 \t=,{}";
  Snapshot s;
  const NameId node = s.names.intern("n\xC3\xB6" "de");
  PodMetrics pod;
  pod.namespace_name = s.names.intern("ns");
  pod.name = s.names.intern(odd);
  pod.node = node;
  pod.usage = test::usage(0, 42, kHasMemory, 0);
  s.pods.push_back(pod);
  auto series = encode_and_decode(s, {}, {{"team", "\xE6\x97\xA5\xE6\x9C\xAC"}});
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].label("pod"), odd);
  EXPECT_EQ(series[0].label("node"), "n\xC3\xB6" "de");
  EXPECT_EQ(series[0].label("team"), "\xE6\x97\xA5\xE6\x9C\xAC");
}

TEST(SeriesEncoderTest, LongLabelValuesTakeMultiByteLengths) {
  // 200- and 20000-byte values need 2- and 3-byte varint lengths at each nesting level.
  for (std::size_t length : {127u, 128u, 200u, 20000u}) {
    Snapshot s;
    const std::string name(length, 'n');
    s.nodes.push_back(test::node_metrics(s.names.intern(name), test::usage(0, 1, kHasMemory, 1000000)));
    auto series = encode_and_decode(s);
    ASSERT_EQ(series.size(), 1u) << length;
    EXPECT_EQ(series[0].label("node"), name);
    EXPECT_EQ(series[0].timestamp_ms, 1);
  }
}

TEST(SeriesEncoderTest, AnEmptyNameLeavesItsLabelOut) {
  Snapshot s;
  PodMetrics pod;
  pod.namespace_name = s.names.intern("ns");
  pod.name = s.names.intern("p");
  pod.node = kEmptyName;  // not scheduled as far as the snapshot knows
  pod.usage = test::usage(0, 1, kHasMemory, 0);
  s.pods.push_back(pod);
  auto series = encode_and_decode(s);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].labels,
            (Labels{{"__name__", "k8s_pod_memory_working_set_bytes"}, {"namespace", "ns"}, {"pod", "p"}}));
}

TEST(SeriesEncoderTest, ContainersPastTheListAreNotRead) {
  Snapshot s = test::small_snapshot();
  s.pods[1].container_count = 5;  // a host bug: only one container exists past first_container
  SeriesOptions options;
  options.cumulative = false;
  options.totals = false;
  EXPECT_EQ(encode_and_decode(s, options).size(), 10u);
}

TEST(SeriesEncoderTest, ReusedBuffersGiveTheSameBytes) {
  SeriesEncoder encoder({{"cluster", "prod"}}, {});
  auto first = encode_all(encoder, test::small_snapshot());
  encode_all(encoder, test::nodes_only(300));  // grows the buffer and leaves other bytes in it
  auto again = encode_all(encoder, test::small_snapshot());
  ASSERT_EQ(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].bytes, again[i].bytes);
}

}  // namespace
}  // namespace mpf::sinks::remote_write
