#include "core/scheduler/target_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

// One cycle's scrapes, all from the source at index 0 unless added with another index.
class Cycle {
 public:
  Cycle& ok(const std::string& target, std::chrono::nanoseconds duration = 10ms, std::size_t source = 0) {
    return add(target, mpf::FailureReason::kNone, duration, source);
  }
  Cycle& fail(const std::string& target, mpf::FailureReason reason, std::size_t source = 0) {
    return add(target, reason, 2s, source);
  }
  void record(TargetMetrics& metrics, const std::vector<bool>& listed = {}) const {
    metrics.update(scrapes_, source_of_, listed);
  }

 private:
  Cycle& add(const std::string& target, mpf::FailureReason reason, std::chrono::nanoseconds duration,
             std::size_t source) {
    mpf::ScrapeResult r;
    r.source = source == 0 ? "kubelet" : "source" + std::to_string(source);
    r.target = target;
    r.reason = reason;
    r.status = reason == mpf::FailureReason::kNone ? mpf::Status::ok() : mpf::Status::retryable("failed");
    r.duration = duration;
    scrapes_.push_back(std::move(r));
    source_of_.push_back(source);
    return *this;
  }

  std::vector<mpf::ScrapeResult> scrapes_;
  std::vector<std::size_t> source_of_;
};

mpf::MetricLabels target(const std::string& name, const std::string& source = "kubelet") {
  return {{"source", source}, {"target", name}};
}

mpf::MetricLabels reason(const std::string& name, const std::string& why, const std::string& source = "kubelet") {
  return {{"source", source}, {"target", name}, {"reason", why}};
}

class TargetMetricsTest : public ::testing::Test {
 protected:
  // Series of the four target families whose labels name `target_name`.
  std::size_t series_of(const std::string& target_name) const {
    std::string text = registry_.render_prometheus_text();
    std::string needle = "target=\"" + target_name + "\"";
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
  }

  SelfMetricsRegistry registry_;
};

TEST_F(TargetMetricsTest, SuccessSetsUpAndDurationWithoutFailureSeries) {
  TargetMetrics metrics(registry_);
  Cycle().ok("n1", 250ms).record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1")), Optional(1.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kDuration, target("n1")), Optional(0.25));
  std::string text = registry_.render_prometheus_text();
  EXPECT_THAT(text, HasSubstr("mpf_scrape_target_up{source=\"kubelet\",target=\"n1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("mpf_scrape_target_duration_seconds{source=\"kubelet\",target=\"n1\"} 0.25\n"));
  EXPECT_THAT(text, Not(HasSubstr(TargetMetrics::kFailure)));
  EXPECT_THAT(text, Not(HasSubstr(TargetMetrics::kFailuresTotal)));
}

TEST_F(TargetMetricsTest, UpDownUpTransitions) {
  TargetMetrics metrics(registry_);
  Cycle().ok("n1").record(metrics);
  Cycle().fail("n1", mpf::FailureReason::kTimeout).record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1")), Optional(0.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kFailure, reason("n1", "timeout")), Optional(1.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kFailuresTotal, reason("n1", "timeout")), Optional(1.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kDuration, target("n1")), Optional(2.0));

  Cycle().ok("n1").record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1")), Optional(1.0));
  // Recovery drops the reason gauge; the counter keeps the history.
  EXPECT_EQ(registry_.value(TargetMetrics::kFailure, reason("n1", "timeout")), std::nullopt);
  EXPECT_THAT(registry_.value(TargetMetrics::kFailuresTotal, reason("n1", "timeout")), Optional(1.0));
  EXPECT_THAT(registry_.render_prometheus_text(), Not(HasSubstr("mpf_scrape_target_failure{")));
}

TEST_F(TargetMetricsTest, ReasonChangeRemovesTheOldReasonSeries) {
  TargetMetrics metrics(registry_);
  Cycle().fail("n1", mpf::FailureReason::kConnectionRefused).record(metrics);
  Cycle().fail("n1", mpf::FailureReason::kTls).record(metrics);
  EXPECT_EQ(registry_.value(TargetMetrics::kFailure, reason("n1", "connection_refused")), std::nullopt);
  EXPECT_THAT(registry_.value(TargetMetrics::kFailure, reason("n1", "tls")), Optional(1.0));
  std::string text = registry_.render_prometheus_text();
  EXPECT_THAT(text, HasSubstr("mpf_scrape_target_failure{reason=\"tls\",source=\"kubelet\",target=\"n1\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("mpf_scrape_target_failure{reason=\"connection_refused\"")));
  // One reason gauge at a time, but a counter per reason seen.
  EXPECT_THAT(registry_.value(TargetMetrics::kFailuresTotal, reason("n1", "connection_refused")), Optional(1.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kFailuresTotal, reason("n1", "tls")), Optional(1.0));
}

TEST_F(TargetMetricsTest, CounterIncrementsOncePerFailedCycle) {
  TargetMetrics metrics(registry_);
  for (int i = 0; i < 5; ++i) Cycle().fail("n1", mpf::FailureReason::kParse).record(metrics);
  Cycle().ok("n1").record(metrics);
  Cycle().fail("n1", mpf::FailureReason::kParse).record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kFailuresTotal, reason("n1", "parse_error")), Optional(6.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kFailure, reason("n1", "parse_error")), Optional(1.0));
}

TEST_F(TargetMetricsTest, OneFailingTargetLeavesOthersAlone) {
  TargetMetrics metrics(registry_);
  Cycle().ok("n1").fail("n2", mpf::FailureReason::kDns).ok("n3").record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1")), Optional(1.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n2")), Optional(0.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n3")), Optional(1.0));
  EXPECT_EQ(series_of("n1"), 2u);  // up, duration
  EXPECT_EQ(series_of("n2"), 4u);  // up, duration, failure, failures_total
  EXPECT_EQ(series_of("n3"), 2u);
}

TEST_F(TargetMetricsTest, VanishedTargetLosesEverySeriesAtOnce) {
  TargetMetrics metrics(registry_);
  std::size_t baseline = registry_.series_count();
  Cycle().ok("n1").fail("gone", mpf::FailureReason::kConnectionRefused).record(metrics);
  Cycle().ok("n1").fail("gone", mpf::FailureReason::kTimeout).record(metrics);
  EXPECT_EQ(series_of("gone"), 5u);  // up, duration, failure{timeout}, two failures_total
  Cycle().ok("n1").record(metrics);
  EXPECT_EQ(series_of("gone"), 0u);
  EXPECT_EQ(registry_.value(TargetMetrics::kUp, target("gone")), std::nullopt);
  EXPECT_EQ(registry_.value(TargetMetrics::kDuration, target("gone")), std::nullopt);
  EXPECT_EQ(registry_.value(TargetMetrics::kFailure, reason("gone", "timeout")), std::nullopt);
  EXPECT_EQ(registry_.value(TargetMetrics::kFailuresTotal, reason("gone", "timeout")), std::nullopt);
  EXPECT_EQ(registry_.value(TargetMetrics::kFailuresTotal, reason("gone", "connection_refused")), std::nullopt);
  EXPECT_EQ(registry_.series_count(), baseline + 2);
  EXPECT_EQ(metrics.targets_for_test(), 1u);

  // Coming back starts afresh.
  Cycle().ok("n1").fail("gone", mpf::FailureReason::kTimeout).record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kFailuresTotal, reason("gone", "timeout")), Optional(1.0));
}

TEST_F(TargetMetricsTest, LastTargetGoneLeavesNoFamilies) {
  TargetMetrics metrics(registry_);
  std::size_t baseline = registry_.series_count();
  Cycle().fail("n1", mpf::FailureReason::kTimeout).record(metrics);
  Cycle().record(metrics);
  EXPECT_EQ(registry_.series_count(), baseline);
  EXPECT_THAT(registry_.render_prometheus_text(), Not(HasSubstr("mpf_scrape_target")));
}

TEST_F(TargetMetricsTest, SourceThatSatOutKeepsItsTargets) {
  TargetMetrics metrics(registry_);
  Cycle().ok("a1", 10ms, 0).fail("b1", mpf::FailureReason::kTimeout, 1).record(metrics);
  // Source 1 failed to list: b1 is unknown, not gone. Source 0 listed nothing: a1 is gone.
  Cycle().record(metrics, {true, false});
  EXPECT_EQ(registry_.value(TargetMetrics::kUp, target("a1")), std::nullopt);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("b1", "source1")), Optional(0.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kFailure, reason("b1", "timeout", "source1")), Optional(1.0));
  Cycle().record(metrics, {true, true});
  EXPECT_EQ(series_of("b1"), 0u);
}

TEST_F(TargetMetricsTest, SameTargetNameInTwoSourcesStaysApart) {
  TargetMetrics metrics(registry_);
  Cycle().ok("n1", 10ms, 0).fail("n1", mpf::FailureReason::kTls, 1).record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1")), Optional(1.0));
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1", "source1")), Optional(0.0));
  Cycle().ok("n1", 10ms, 0).record(metrics);
  EXPECT_THAT(registry_.value(TargetMetrics::kUp, target("n1")), Optional(1.0));
  EXPECT_EQ(registry_.value(TargetMetrics::kUp, target("n1", "source1")), std::nullopt);
}

TEST_F(TargetMetricsTest, DestructionRemovesEverySeries) {
  std::size_t baseline = registry_.series_count();
  {
    TargetMetrics metrics(registry_);
    Cycle().ok("n1").fail("n2", mpf::FailureReason::kForbidden).record(metrics);
    EXPECT_GT(registry_.series_count(), baseline);
  }
  EXPECT_EQ(registry_.series_count(), baseline);
}

// Regression for metrics-server #1114: per-node series of deleted nodes must not accumulate.
TEST_F(TargetMetricsTest, ChurnOfAThousandTargetsStaysBoundedByLiveTargets) {
  TargetMetrics metrics(registry_);
  std::size_t baseline = registry_.series_count();
  constexpr int kLive = 1000;
  // Worst case per live target: up, duration, one failure gauge and a counter for every reason.
  constexpr std::size_t kMaxPerTarget = 3 + 11;
  for (int cycle = 0; cycle < 10; ++cycle) {
    // Each cycle replaces a tenth of the nodes with new ones: 1900 distinct names over the run.
    Cycle c;
    int first = cycle * kLive / 10;
    for (int i = first; i < first + kLive; ++i) {
      std::string name = "node-" + std::to_string(i);
      if (i % 3 == 0) {
        c.fail(name, static_cast<mpf::FailureReason>(1 + (i + cycle) % 11));
      } else {
        c.ok(name);
      }
    }
    c.record(metrics);
    EXPECT_EQ(metrics.targets_for_test(), static_cast<std::size_t>(kLive));
    EXPECT_LE(registry_.series_count() - baseline, kLive * kMaxPerTarget);
    EXPECT_EQ(registry_.value(TargetMetrics::kUp, target("node-" + std::to_string(first - 1))), std::nullopt);
  }
  // Once every target is gone nothing of them is left.
  Cycle().record(metrics);
  EXPECT_EQ(registry_.series_count(), baseline);
  EXPECT_EQ(metrics.targets_for_test(), 0u);
}

}  // namespace
}  // namespace mpf::core
