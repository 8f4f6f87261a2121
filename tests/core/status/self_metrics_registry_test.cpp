#include "core/status/self_metrics_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace mpf::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

TEST(SelfMetricsRegistryTest, SameNameAndLabelsReturnSameSeriesWhateverTheLabelOrder) {
  SelfMetricsRegistry registry;
  auto a = registry.counter("requests_total", "Requests.", {{"code", "200"}, {"method", "GET"}});
  auto b = registry.counter("requests_total", "Requests.", {{"method", "GET"}, {"code", "200"}});
  auto other = registry.counter("requests_total", "Requests.", {{"code", "500"}, {"method", "GET"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  a->inc();
  b->add(2);
  EXPECT_EQ(a->value(), 3);
  EXPECT_THAT(registry.value("requests_total", {{"method", "GET"}, {"code", "200"}}), Optional(3.0));
  EXPECT_THAT(registry.value("requests_total", {{"code", "500"}, {"method", "GET"}}), Optional(0.0));
  EXPECT_EQ(registry.value("requests_total", {{"code", "404"}}), std::nullopt);
  EXPECT_EQ(registry.series_count(), 2u);
}

TEST(SelfMetricsRegistryTest, CounterIgnoresNegativeAndNanDeltas) {
  SelfMetricsRegistry registry;
  auto c = registry.counter("things_total", "Things.");
  c->add(2.5);
  c->add(-1);
  c->add(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(c->value(), 2.5);
}

TEST(SelfMetricsRegistryTest, GaugeSetsAndAdds) {
  SelfMetricsRegistry registry;
  auto g = registry.gauge("queue_length", "Queue.");
  g->set(5);
  g->add(-2);
  g->add(0.5);
  EXPECT_EQ(g->value(), 3.5);
  EXPECT_THAT(registry.value("queue_length"), Optional(3.5));
}

TEST(SelfMetricsRegistryTest, RendersTextFormatSortedAndEscaped) {
  SelfMetricsRegistry registry;
  registry.counter("b_total", "B help", {{"x", "2"}})->add(3);
  registry.counter("b_total", "ignored: the first help wins", {{"x", "1"}})->inc();
  registry.gauge("a_gauge", "A \\ help\nsecond \"line\"")->set(-2.5);
  registry.counter("c_total", "C", {{"zone", "z"}, {"path", "a\"b\\c\nd"}});
  registry.gauge("d_no_help", "")->set(1e-7);

  EXPECT_EQ(registry.render_prometheus_text(),
            "# HELP a_gauge A \\\\ help\\nsecond \"line\"\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge -2.5\n"
            "# HELP b_total B help\n"
            "# TYPE b_total counter\n"
            "b_total{x=\"1\"} 1\n"
            "b_total{x=\"2\"} 3\n"
            "# HELP c_total C\n"
            "# TYPE c_total counter\n"
            "c_total{path=\"a\\\"b\\\\c\\nd\",zone=\"z\"} 0\n"
            "# TYPE d_no_help gauge\n"
            "d_no_help 1e-07\n");
}

TEST(SelfMetricsRegistryTest, RendersNothingWhenEmpty) {
  SelfMetricsRegistry registry;
  EXPECT_EQ(registry.render_prometheus_text(), "");
}

TEST(SelfMetricsRegistryTest, RemoveDeletesTheSeriesButKeepsHandlesUsable) {
  SelfMetricsRegistry registry;
  auto node_a = registry.gauge("node_up", "Node up.", {{"node", "a"}});
  auto node_b = registry.gauge("node_up", "Node up.", {{"node", "b"}});
  node_a->set(1);
  node_b->set(1);

  registry.remove("node_up", {{"node", "a"}});
  std::string text = registry.render_prometheus_text();
  EXPECT_THAT(text, Not(HasSubstr("node=\"a\"")));
  EXPECT_THAT(text, HasSubstr("node_up{node=\"b\"} 1"));
  node_a->set(7);  // still valid, just not exported
  EXPECT_EQ(node_a->value(), 7);
  EXPECT_EQ(registry.value("node_up", {{"node", "a"}}), std::nullopt);

  // The last series gone, the family goes too: no orphan HELP/TYPE lines, nothing left to leak.
  registry.remove("node_up", {{"node", "b"}});
  EXPECT_EQ(registry.render_prometheus_text(), "");
  EXPECT_EQ(registry.series_count(), 0u);

  // Asking again creates a fresh series.
  EXPECT_EQ(registry.gauge("node_up", "Node up.", {{"node", "a"}})->value(), 0);
  registry.remove("no_such_metric", {});
}

TEST(SelfMetricsRegistryTest, TypeConflictGivesAWorkingUnexportedHandleAndIsCounted) {
  SelfMetricsRegistry registry;
  registry.counter("thing", "A counter.")->inc();
  auto gauge = registry.gauge("thing", "Now a gauge.");
  ASSERT_NE(gauge, nullptr);
  gauge->set(42);
  EXPECT_EQ(gauge->value(), 42);
  EXPECT_THAT(registry.value("thing"), Optional(1.0));
  EXPECT_THAT(registry.value("mpf_self_metrics_errors_total", {{"reason", "type_conflict"}}), Optional(1.0));
  EXPECT_THAT(registry.render_prometheus_text(), Not(HasSubstr("42")));
}

TEST(SelfMetricsRegistryTest, InvalidNamesAndLabelsAreRefusedAndCounted) {
  SelfMetricsRegistry registry;
  registry.counter("bad-name", "x")->inc();
  registry.counter("9starts_with_digit", "x")->inc();
  registry.counter("ok_total", "x", {{"bad-label", "v"}})->inc();
  registry.counter("ok_total", "x", {{"__reserved", "v"}})->inc();
  registry.counter("ok_total", "x", {{"dup", "1"}, {"dup", "2"}})->inc();
  registry.histogram("latency_seconds", "x", {1}, {{"le", "1"}})->observe(1);
  EXPECT_THAT(registry.value("mpf_self_metrics_errors_total", {{"reason", "invalid_name"}}), Optional(2.0));
  EXPECT_THAT(registry.value("mpf_self_metrics_errors_total", {{"reason", "invalid_label"}}), Optional(4.0));
  EXPECT_EQ(registry.series_count(), 2u);  // just the two error series
  EXPECT_EQ(registry.value("ok_total:with_colon"), std::nullopt);
  registry.counter("ok_total:with_colon", "colons are valid in metric names")->inc();
  EXPECT_THAT(registry.value("ok_total:with_colon"), Optional(1.0));
}

TEST(SelfMetricsRegistryTest, ConcurrentUpdatesAreNotLost) {
  SelfMetricsRegistry registry;
  auto counter = registry.counter("hits_total", "Hits.");
  auto gauge = registry.gauge("level", "Level.");
  auto histogram = registry.histogram("sizes", "Sizes.", {10, 100});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        counter->inc();
        gauge->add(1);
        histogram->observe(i % 200);
        // Lookups of existing series race with the updates too.
        if (i % 1000 == 0) registry.counter("hits_total", "Hits.");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter->value(), kThreads * kPerThread);
  EXPECT_EQ(gauge->value(), kThreads * kPerThread);
  EXPECT_EQ(registry.histogram_counts("sizes")->count, static_cast<std::uint64_t>(kThreads * kPerThread));
}

TEST(SelfMetricsRegistryTest, HistogramRendersCumulativeBuckets) {
  SelfMetricsRegistry registry;
  // Unsorted, duplicated and +Inf bounds are normalised.
  auto h = registry.histogram("request_duration_seconds", "Request latency.",
                              {1, 0.25, 0.25, std::numeric_limits<double>::infinity()}, {{"handler", "x"}});
  h->observe(0.125);
  h->observe(0.25);  // le is inclusive
  h->observe(0.5);
  h->observe(3);
  h->observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  EXPECT_EQ(registry.histogram("request_duration_seconds", "Request latency.", {0.25, 1}, {{"handler", "x"}}), h);

  EXPECT_EQ(registry.render_prometheus_text(),
            "# HELP request_duration_seconds Request latency.\n"
            "# TYPE request_duration_seconds histogram\n"
            "request_duration_seconds_bucket{handler=\"x\",le=\"0.25\"} 2\n"
            "request_duration_seconds_bucket{handler=\"x\",le=\"1\"} 3\n"
            "request_duration_seconds_bucket{handler=\"x\",le=\"+Inf\"} 4\n"
            "request_duration_seconds_sum{handler=\"x\"} 3.875\n"
            "request_duration_seconds_count{handler=\"x\"} 4\n");
  AtomicHistogram::Counts counts = *registry.histogram_counts("request_duration_seconds", {{"handler", "x"}});
  EXPECT_EQ(counts.cumulative, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(counts.count, 4u);
  EXPECT_EQ(counts.sum, 3.875);
}

TEST(SelfMetricsRegistryTest, HistogramWithOtherBucketsIsRefused) {
  SelfMetricsRegistry registry;
  auto first = registry.histogram("h_seconds", "H.", {1, 2});
  auto second = registry.histogram("h_seconds", "H.", {1, 2, 3}, {{"other", "labels"}});
  ASSERT_NE(second, nullptr);
  second->observe(1);  // usable, not exported
  EXPECT_EQ(registry.histogram_counts("h_seconds")->count, 0u);
  EXPECT_THAT(registry.value("mpf_self_metrics_errors_total", {{"reason", "bucket_conflict"}}), Optional(1.0));
  EXPECT_THAT(registry.render_prometheus_text(), Not(HasSubstr("other=")));
}

TEST(SelfMetricsRegistryTest, HistogramWithoutLabelsAndBuckets) {
  SelfMetricsRegistry registry;
  registry.histogram("plain", "", {})->observe(2);
  EXPECT_EQ(registry.render_prometheus_text(),
            "# TYPE plain histogram\n"
            "plain_bucket{le=\"+Inf\"} 1\n"
            "plain_sum 2\n"
            "plain_count 1\n");
}

TEST(SelfMetricsRegistryTest, ExponentialBuckets) {
  EXPECT_EQ(mpf::exponential_buckets(0.001, 2, 4), (std::vector<double>{0.001, 0.002, 0.004, 0.008}));
  EXPECT_TRUE(mpf::exponential_buckets(1, 2, 0).empty());
  // metrics-server's freshness histogram: ExponentialBuckets(1, 1.364, 20), last bound 364.31...
  std::vector<double> freshness = mpf::exponential_buckets(1, 1.364, 20);
  ASSERT_EQ(freshness.size(), 20u);
  EXPECT_NEAR(freshness.back(), 364.31, 0.01);
}

TEST(SelfMetricsRegistryTest, PrometheusDefaultBuckets) {
  EXPECT_EQ(mpf::prometheus_default_buckets(),
            (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
}

// The SDK path: a plugin only sees mpf::SelfMetrics and mpf::Histogram.
TEST(SelfMetricsRegistryTest, SdkHistogramRendersBucketsSumAndCount) {
  SelfMetricsRegistry registry;
  mpf::SelfMetrics& sdk = registry;
  std::shared_ptr<mpf::Histogram> h =
      sdk.histogram("fetch_seconds", "[ALPHA] Fetch time.", mpf::prometheus_default_buckets(), {{"node", "n1"}});
  ASSERT_NE(h, nullptr);
  h->observe(0.003);
  h->observe(0.75);
  h->observe(12);
  EXPECT_EQ(registry.render_prometheus_text(),
            "# HELP fetch_seconds [ALPHA] Fetch time.\n"
            "# TYPE fetch_seconds histogram\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.005\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.01\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.025\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.05\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.1\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.25\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"0.5\"} 1\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"1\"} 2\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"2.5\"} 2\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"5\"} 2\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"10\"} 2\n"
            "fetch_seconds_bucket{node=\"n1\",le=\"+Inf\"} 3\n"
            "fetch_seconds_sum{node=\"n1\"} 12.753\n"
            "fetch_seconds_count{node=\"n1\"} 3\n");
  // Same name and labels through the SDK: the same series.
  EXPECT_EQ(sdk.histogram("fetch_seconds", "[ALPHA] Fetch time.", mpf::prometheus_default_buckets(), {{"node", "n1"}}),
            h);
  sdk.remove("fetch_seconds", {{"node", "n1"}});
  EXPECT_EQ(registry.render_prometheus_text(), "");
}

TEST(SelfMetricsRegistryTest, ObserveCountsAddsPerBucketCountsAndSum) {
  SelfMetricsRegistry registry;
  mpf::SelfMetrics& sdk = registry;
  auto h = sdk.histogram("age_seconds", "Age.", {1, 2, 4});
  h->observe(1.5);
  const std::uint64_t counts[] = {3, 0, 2, 1};  // non-cumulative; the last one is +Inf
  h->observe_counts(counts, 20.5);
  EXPECT_EQ(registry.render_prometheus_text(),
            "# HELP age_seconds Age.\n"
            "# TYPE age_seconds histogram\n"
            "age_seconds_bucket{le=\"1\"} 3\n"
            "age_seconds_bucket{le=\"2\"} 4\n"
            "age_seconds_bucket{le=\"4\"} 6\n"
            "age_seconds_bucket{le=\"+Inf\"} 7\n"
            "age_seconds_sum 22\n"
            "age_seconds_count 7\n");

  // Wrong sizes (one per bound without +Inf, or too many) and a NaN sum change nothing.
  const std::uint64_t too_few[] = {1, 1, 1};
  const std::uint64_t too_many[] = {1, 1, 1, 1, 1};
  h->observe_counts(too_few, 3);
  h->observe_counts(too_many, 5);
  h->observe_counts(counts, std::numeric_limits<double>::quiet_NaN());
  h->observe_counts({}, 0);
  AtomicHistogram::Counts after = *registry.histogram_counts("age_seconds");
  EXPECT_EQ(after.cumulative, (std::vector<std::uint64_t>{3, 4, 6}));
  EXPECT_EQ(after.count, 7u);
  EXPECT_EQ(after.sum, 22);
}

TEST(SelfMetricsFormatValueTest, MatchesGoShortestFormattingWithPlainIntegers) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {
      {0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-1, "-1"},
      {42, "42"},
      {1e6, "1000000"},
      {1048576, "1048576"},
      {9007199254740992.0, "9007199254740992"},
      {1e20, "1e+20"},
      {-1e300, "-1e+300"},
      {0.1, "0.1"},
      {0.25, "0.25"},
      {-2.5, "-2.5"},
      {3.85, "3.85"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1.5e-7, "1.5e-07"},
      {123456.5, "123456.5"},
      {1234567.5, "1.2345675e+06"},
      {1.253376e+07 + 0.5, "1.25337605e+07"},
      {1.0 / 3, "0.3333333333333333"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format_metric_value(c.value), c.text) << "value " << c.value;
  }
}

}  // namespace
}  // namespace mpf::core
