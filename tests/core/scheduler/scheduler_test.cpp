#include "core/scheduler/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/status/self_metrics_registry.h"
#include "tests/mocks/mock_processor.h"
#include "tests/mocks/mock_source.h"
#include "tests/mocks/test_logger.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Not;
using ::testing::Optional;
using ::testing::Return;
using ::testing::StrictMock;
using Clock = std::chrono::steady_clock;
using ScrapeFn = std::function<void(const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone)>;

// Timing assertions below only bound from one side with generous slack: the suite must pass on a
// loaded two-core machine. Ordering is asserted exactly.
constexpr auto kSlack = 1500ms;

std::vector<std::string> names(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// A StrictMock source listing `targets` and scraping with `scrape`.
std::unique_ptr<StrictMock<mpf::test::MockSource>> make_source(std::vector<std::string> targets, ScrapeFn scrape,
                                                                bool blocking = false) {
  auto source = std::make_unique<StrictMock<mpf::test::MockSource>>();
  EXPECT_CALL(*source, blocking()).WillRepeatedly(Return(blocking));
  EXPECT_CALL(*source, list_targets(_)).WillRepeatedly([targets](std::vector<mpf::Target>& out) {
    for (const auto& name : targets) out.push_back({name, "addr-" + name, {}});
    return mpf::Status::ok();
  });
  EXPECT_CALL(*source, scrape(_, _, _, _)).WillRepeatedly(std::move(scrape));
  return source;
}

ScrapeFn succeed_at_once() {
  return [](const mpf::Target&, mpf::Deadline, mpf::NodeBatch& batch, mpf::ScrapeDone done) {
    mpf::Sample sample;
    sample.cpu_usage_core_ns = 1;
    batch.set_node(sample);
    done(mpf::ScrapeOutcome::success());
  };
}

// Calls `fn` on the io_context after `delay`.
void after(boost::asio::io_context& io, Clock::duration delay, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code&) { fn(); });
}

class SchedulerTest : public ::testing::Test {
 protected:
  static SchedulerOptions options() {
    SchedulerOptions o;
    o.resolution = 5s;
    o.scrape_timeout = 2s;
    o.jitter_per_target = 0ns;
    o.seed = 42;
    return o;
  }

  std::unique_ptr<Scheduler> make_scheduler(SchedulerOptions o, std::vector<NamedSource> sources,
                                            std::vector<NamedProcessor> processors = {}) {
    return std::make_unique<Scheduler>(
        io_, o, std::move(sources), std::move(processors),
        [this](mpf::SnapshotPtr s) {
          published_.push_back(std::move(s));
          published_at_.push_back(Clock::now());
          events_.push_back("publish");
        },
        log_, metrics_);
  }

  // Runs the io_context until `done()` holds or `timeout` passed.
  bool run_until(const std::function<bool()>& done, Clock::duration timeout = 20s) {
    Clock::time_point end = Clock::now() + timeout;
    while (!done() && Clock::now() < end) {
      if (io_.stopped()) io_.restart();
      if (io_.run_for(5ms) == 0) std::this_thread::sleep_for(1ms);  // waiting on another thread
    }
    return done();
  }

  // Stops the scheduler; true if on_stopped ran and io_context::run() then returned by itself,
  // i.e. the scheduler left no work behind.
  bool stop_and_drain(Scheduler& scheduler, Clock::duration timeout = 20s) {
    bool stopped = false;
    scheduler.stop([&] {
      stopped = true;
      events_.push_back("stopped");
    });
    if (!run_until([&] { return stopped; }, timeout)) return false;
    io_.restart();
    Clock::time_point start = Clock::now();
    io_.run_for(timeout);
    return Clock::now() - start < timeout;
  }

  double metric(const std::string& name, const mpf::MetricLabels& labels = {}) {
    return metrics_.value(name, labels).value_or(-1);
  }

  boost::asio::io_context io_;
  mpf::test::TestLogger log_;
  SelfMetricsRegistry metrics_;
  std::vector<mpf::SnapshotPtr> published_;
  std::vector<Clock::time_point> published_at_;
  std::vector<std::string> events_;  // io thread only
};

TEST_F(SchedulerTest, FirstCycleAtStartThenEveryResolution) {
  auto source = make_source({"n1"}, succeed_at_once());
  SchedulerOptions o = options();
  o.resolution = 100ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  Clock::time_point t0 = Clock::now();
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return published_.size() >= 4; }));
  ASSERT_TRUE(stop_and_drain(*scheduler));

  // The first cycle does not wait for a tick.
  EXPECT_LT(published_at_[0] - t0, o.resolution);
  for (std::size_t k = 0; k < published_.size(); ++k) {
    EXPECT_EQ(published_[k]->cycle, k + 1);
    ASSERT_EQ(published_[k]->scrapes.size(), 1u);
    EXPECT_TRUE(published_[k]->scrapes[0].status.is_ok());
    EXPECT_LE(published_[k]->started_at, published_[k]->finished_at);
    if (k == 0) continue;
    // Never early: cycle k+1 starts at the earliest k resolutions after the first.
    EXPECT_GE(published_[k]->started_at - published_[0]->started_at,
              static_cast<std::int64_t>(k) * o.resolution - 2ms)
        << k;
    EXPECT_GE(published_[k]->started_at, published_[k - 1]->finished_at);
  }
  EXPECT_EQ(scheduler->cycles_completed_for_test(), published_.size());
  EXPECT_EQ(metric("mpf_cycles_total"), static_cast<double>(published_.size()));
  EXPECT_EQ(metric("mpf_scheduler_skipped_ticks_total"), 0);
  EXPECT_THAT(metrics_.render_prometheus_text(),
              HasSubstr("\nmpf_cycle_duration_seconds_count " + std::to_string(published_.size()) + "\n"));
  // The last publication's time: at or after the last snapshot's end, and not in the future.
  const double last = metric("mpf_last_snapshot_timestamp_seconds");
  const double wall = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(last, std::chrono::duration<double>(published_.back()->finished_at.time_since_epoch()).count() - 0.001);
  EXPECT_LE(last, wall);
}

// metrics-server's own family: one observation per cycle, buckets derived from the resolution.
TEST_F(SchedulerTest, EveryCycleIsObservedInTheManagerTickHistogram) {
  for (auto resolution : {15s, 60s}) {
    SCOPED_TRACE(resolution.count());
    SelfMetricsRegistry metrics;
    auto source = make_source({"n1"}, succeed_at_once());
    SchedulerOptions o = options();
    o.resolution = resolution;
    published_.clear();
    auto scheduler = std::make_unique<Scheduler>(
        io_, o, std::vector<NamedSource>{{"kubelet", source.get()}}, std::vector<NamedProcessor>{},
        [this](mpf::SnapshotPtr s) { published_.push_back(std::move(s)); }, log_, metrics);
    scheduler->start();
    ASSERT_TRUE(run_until([&] { return published_.size() >= 1; }));
    ASSERT_TRUE(stop_and_drain(*scheduler));
    scheduler.reset();

    const std::string text = metrics.render_prometheus_text();
    EXPECT_THAT(text, HasSubstr("# HELP metrics_server_manager_tick_duration_seconds [ALPHA] The total time spent "
                                "collecting and storing metrics in seconds.\n"
                                "# TYPE metrics_server_manager_tick_duration_seconds histogram\n"));
    EXPECT_THAT(text, HasSubstr("\nmetrics_server_manager_tick_duration_seconds_count " +
                                std::to_string(published_.size()) + "\n"));
    const std::string extra = resolution == 15s ? "12.5 15 22.5 30" : "35 60 90 120";
    std::string bounds;
    const std::string prefix = "metrics_server_manager_tick_duration_seconds_bucket{le=\"";
    for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
      std::size_t start = at + prefix.size();
      bounds += text.substr(start, text.find('"', start) - start) + " ";
    }
    EXPECT_EQ(bounds, "0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 " + extra + " +Inf ");
  }
}

TEST_F(SchedulerTest, SlowCyclesNeverOverlapAndMissedTicksAreSkippedNotReplayed) {
  // Each scrape takes 130ms against a 50ms resolution: every cycle overruns two ticks.
  constexpr auto kScrape = 130ms;
  struct Span {
    Clock::time_point enter, exit;
  };
  std::vector<Span> spans;
  auto source = make_source({"n1"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
    spans.push_back({Clock::now(), {}});
    std::size_t i = spans.size() - 1;
    after(io_, kScrape, [&spans, i, done] {
      spans[i].exit = Clock::now();
      done(mpf::ScrapeOutcome::success());
    });
  });
  SchedulerOptions o = options();
  o.resolution = 50ms;
  o.scrape_timeout = 10s;
  o.cycle_deadline = 10s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return published_.size() >= 4; }));
  ASSERT_TRUE(stop_and_drain(*scheduler));

  ASSERT_GE(spans.size(), 4u);
  for (std::size_t k = 1; k < spans.size(); ++k) {
    // No overlap...
    EXPECT_GE(spans[k].enter, spans[k - 1].exit) << k;
    // ...and no burst of catch-up cycles: starts are at least one scrape apart.
    EXPECT_GE(spans[k].enter - spans[k - 1].enter, kScrape) << k;
  }
  // The first four ran to completion; a later one may have been cut by stop().
  for (std::size_t k = 0; k < 4; ++k) EXPECT_TRUE(published_[k]->scrapes.at(0).status.is_ok()) << k;
  // 130ms over 50ms ticks: the first missed tick is served late, at least one more is dropped.
  EXPECT_GE(metric("mpf_scheduler_skipped_ticks_total"), 3);
  EXPECT_GE(metric("mpf_scheduler_late_cycles_total"), 3);
}

TEST_F(SchedulerTest, TargetThatNeverAnswersTimesOutWhileOthersSucceed) {
  std::vector<mpf::ScrapeDone> held;  // keeps the slow target's callback (and so its batch) alive
  mpf::NodeBatch* slow_batch = nullptr;
  auto source = make_source({"fast1", "slow", "fast2"},
                            [&](const mpf::Target& t, mpf::Deadline, mpf::NodeBatch& batch, mpf::ScrapeDone done) {
                              EXPECT_EQ(batch.node_name, t.name);
                              if (t.name == "slow") {
                                slow_batch = &batch;
                                held.push_back(std::move(done));
                                return;
                              }
                              batch.set_node(mpf::Sample{});
                              done(mpf::ScrapeOutcome::success());
                            });
  SchedulerOptions o = options();
  o.scrape_timeout = 100ms;
  o.resolution = 20s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  Clock::time_point t0 = Clock::now();
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  // The cycle ended at the slow target's deadline, long before the next tick.
  EXPECT_LT(published_at_[0] - t0, o.scrape_timeout + kSlack);

  const mpf::Snapshot& s = *published_[0];
  ASSERT_EQ(s.scrapes.size(), 3u);
  EXPECT_EQ(s.scrapes[0].target, "fast1");
  EXPECT_EQ(s.scrapes[1].target, "slow");
  EXPECT_EQ(s.scrapes[2].target, "fast2");
  for (int i : {0, 2}) {
    EXPECT_TRUE(s.scrapes[i].status.is_ok());
    EXPECT_EQ(s.scrapes[i].reason, mpf::FailureReason::kNone);
    EXPECT_EQ(s.scrapes[i].source, "kubelet");
    ASSERT_NE(s.scrapes[i].batch, nullptr);
    EXPECT_EQ(s.scrapes[i].batch->node_name, s.scrapes[i].target);
    EXPECT_TRUE(s.scrapes[i].batch->has_node_sample);
  }
  const mpf::ScrapeResult& slow = s.scrapes[1];
  EXPECT_TRUE(slow.status.is_retryable());
  EXPECT_EQ(slow.reason, mpf::FailureReason::kTimeout);
  EXPECT_EQ(slow.batch, nullptr);
  EXPECT_GE(slow.duration, o.scrape_timeout - 1ms);

  EXPECT_EQ(metric("mpf_scrape_total", {{"source", "kubelet"}, {"result", "success"}}), 2);
  EXPECT_EQ(metric("mpf_scrape_total", {{"source", "kubelet"}, {"result", "failure"}}), 1);
  EXPECT_EQ(metric("mpf_scrape_failures_total", {{"source", "kubelet"}, {"reason", "timeout"}}), 1);
  EXPECT_EQ(metric("mpf_scrapes_in_flight"), 0);
  auto finished = log_.events_with_message("Scrape finished");
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].verbosity, 1);
  EXPECT_EQ(finished[0].field("targets"), "3");
  EXPECT_EQ(finished[0].field("failures"), "1");
  EXPECT_FALSE(finished[0].field("duration").empty());
  auto failed = log_.events_with_message("Failed to scrape target");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].field("target"), "slow");
  EXPECT_EQ(failed[0].field("reason"), "timeout");

  // The batch stays valid after the deadline until done; a late done changes nothing.
  ASSERT_EQ(held.size(), 1u);
  slow_batch->set_node(mpf::Sample{});
  held[0](mpf::ScrapeOutcome::success());
  held.clear();
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_EQ(published_[0]->scrapes[1].reason, mpf::FailureReason::kTimeout);
  EXPECT_EQ(metric("mpf_plugin_protocol_errors_total", {{"plugin", "kubelet"}}), 0);
}

TEST_F(SchedulerTest, CycleDeadlineCapsEveryScrapeDeadline) {
  std::vector<mpf::ScrapeDone> held;
  Clock::duration granted{};
  auto source = make_source({"n1"}, [&](const mpf::Target&, mpf::Deadline deadline, mpf::NodeBatch&,
                                        mpf::ScrapeDone done) {
    granted = deadline - Clock::now();
    held.push_back(std::move(done));
  });
  SchedulerOptions o = options();
  o.scrape_timeout = 10s;
  o.cycle_deadline = 150ms;
  o.resolution = 20s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  Clock::time_point t0 = Clock::now();
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  EXPECT_LE(granted, o.cycle_deadline);
  EXPECT_LT(published_at_[0] - t0, o.cycle_deadline + kSlack);
  EXPECT_EQ(published_[0]->scrapes.at(0).reason, mpf::FailureReason::kTimeout);
  ASSERT_TRUE(stop_and_drain(*scheduler));
}

TEST_F(SchedulerTest, DoneAfterTheDeadlineIsIgnored) {
  auto source = make_source({"n1"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
    after(io_, 300ms, [done] { done(mpf::ScrapeOutcome::success()); });
  });
  SchedulerOptions o = options();
  o.scrape_timeout = 50ms;
  o.resolution = 20s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  EXPECT_EQ(published_[0]->scrapes.at(0).reason, mpf::FailureReason::kTimeout);
  ASSERT_TRUE(stop_and_drain(*scheduler));  // also runs the late done
  EXPECT_EQ(published_.size(), 1u);
  EXPECT_EQ(published_[0]->scrapes.at(0).reason, mpf::FailureReason::kTimeout);
}

TEST_F(SchedulerTest, DoneArrivingAfterTheDeadlineLosesEvenIfHandledFirst) {
  std::vector<std::thread> threads;
  auto source = make_source({"late", "hogs-the-thread"}, [&](const mpf::Target& t, mpf::Deadline, mpf::NodeBatch&,
                                                             mpf::ScrapeDone done) {
    if (t.name == "late") {
      threads.emplace_back([done] {
        std::this_thread::sleep_for(100ms);
        done(mpf::ScrapeOutcome::success());
      });
      return;
    }
    // Misbehaves by blocking the scheduler thread, so the late answer is queued while the deadline
    // timer has not run yet.
    std::this_thread::sleep_for(250ms);
    done(mpf::ScrapeOutcome::success());
  });
  SchedulerOptions o = options();
  o.scrape_timeout = 50ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  bool ok = run_until([&] { return !published_.empty(); });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(ok);
  ASSERT_TRUE(stop_and_drain(*scheduler));
  for (const auto& r : published_[0]->scrapes) EXPECT_EQ(r.reason, mpf::FailureReason::kTimeout) << r.target;
}

TEST_F(SchedulerTest, DoneCalledTwiceIsCountedAndIgnored) {
  auto source = make_source({"n1"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
    done(mpf::ScrapeOutcome::success());
    done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kParse, mpf::Status::permanent("second")));
  });
  auto scheduler = make_scheduler(options(), {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_TRUE(published_[0]->scrapes.at(0).status.is_ok());
  EXPECT_EQ(metric("mpf_plugin_protocol_errors_total", {{"plugin", "kubelet"}}), 1);
  EXPECT_EQ(log_.count(mpf::Severity::kError), 1u);
}

TEST_F(SchedulerTest, InconsistentOutcomeIsNormalisedAndCounted) {
  auto source = make_source({"n1"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
    done({mpf::Status::permanent("broken"), mpf::FailureReason::kNone});
  });
  auto scheduler = make_scheduler(options(), {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_EQ(published_[0]->scrapes.at(0).reason, mpf::FailureReason::kInternal);
  EXPECT_EQ(published_[0]->scrapes.at(0).status.message(), "broken");
  EXPECT_EQ(metric("mpf_plugin_protocol_errors_total", {{"plugin", "kubelet"}}), 1);
  EXPECT_EQ(metric("mpf_scrape_failures_total", {{"source", "kubelet"}, {"reason", "internal"}}), 1);
}

TEST_F(SchedulerTest, DoneFromAnotherThreadIsMarshalledBack) {
  std::vector<std::thread> threads;
  std::thread::id io_thread = std::this_thread::get_id();
  auto source = make_source({"a", "b"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch& batch,
                                            mpf::ScrapeDone done) {
    threads.emplace_back([&batch, done] {
      std::this_thread::sleep_for(10ms);
      batch.set_node(mpf::Sample{});
      done(mpf::ScrapeOutcome::success());
    });
  });
  auto processor = std::make_unique<StrictMock<mpf::test::MockProcessor>>();
  EXPECT_CALL(*processor, process(_)).WillOnce([&](mpf::Snapshot&) {
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
    return mpf::Status::ok();
  });
  auto scheduler = make_scheduler(options(), {{"kubelet", source.get()}}, {{"check", processor.get()}});
  scheduler->start();
  bool ok = run_until([&] { return !published_.empty(); });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(ok);
  ASSERT_TRUE(stop_and_drain(*scheduler));
  for (const auto& r : published_[0]->scrapes) EXPECT_TRUE(r.status.is_ok()) << r.target;
}

TEST_F(SchedulerTest, JitterSpreadsStartsWithinPerTargetBound) {
  Clock::time_point listed;
  std::vector<Clock::duration> offsets;
  auto source = make_source(names("n", 50), succeed_at_once());
  EXPECT_CALL(*source, list_targets(_)).WillRepeatedly([&](std::vector<mpf::Target>& out) {
    listed = Clock::now();
    for (const auto& n : names("n", 50)) out.push_back({n, "", {}});
    return mpf::Status::ok();
  });
  EXPECT_CALL(*source, scrape(_, _, _, _))
      .WillRepeatedly([&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
        offsets.push_back(Clock::now() - listed);
        done(mpf::ScrapeOutcome::success());
      });
  SchedulerOptions o = options();
  o.jitter_per_target = 1ms;  // 50 targets: U[0, 50ms]
  o.max_jitter = 4s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  ASSERT_EQ(offsets.size(), 50u);
  auto [min, max] = std::minmax_element(offsets.begin(), offsets.end());
  EXPECT_GE(*min, Clock::duration::zero());
  EXPECT_LE(*max, 50ms + kSlack / 5);
  // The starts are actually spread, not all at once.
  EXPECT_GE(*max - *min, 10ms);
}

TEST_F(SchedulerTest, JitterIsCappedByMaxJitter) {
  Clock::time_point listed;
  std::vector<Clock::duration> offsets;
  auto source = make_source({}, succeed_at_once());
  EXPECT_CALL(*source, list_targets(_)).WillRepeatedly([&](std::vector<mpf::Target>& out) {
    listed = Clock::now();
    for (const auto& n : names("n", 50)) out.push_back({n, "", {}});
    return mpf::Status::ok();
  });
  EXPECT_CALL(*source, scrape(_, _, _, _))
      .WillRepeatedly([&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
        offsets.push_back(Clock::now() - listed);
        done(mpf::ScrapeOutcome::success());
      });
  SchedulerOptions o = options();
  o.jitter_per_target = 20ms;  // uncapped this would spread over 1s
  o.max_jitter = 30ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  ASSERT_EQ(offsets.size(), 50u);
  EXPECT_LE(*std::max_element(offsets.begin(), offsets.end()), 30ms + kSlack / 5);
}

TEST_F(SchedulerTest, ConcurrencyIsBoundedAndQueuedTargetsStartInOrder) {
  int running = 0;
  int max_running = 0;
  std::vector<std::string> started;
  auto source = make_source(names("n", 12), [&](const mpf::Target& t, mpf::Deadline, mpf::NodeBatch&,
                                                mpf::ScrapeDone done) {
    started.push_back(t.name);
    max_running = std::max(max_running, ++running);
    after(io_, 20ms, [&running, done] {
      --running;
      done(mpf::ScrapeOutcome::success());
    });
  });
  SchedulerOptions o = options();
  o.max_in_flight = 3;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_EQ(max_running, 3);
  EXPECT_EQ(started, names("n", 12));
  for (const auto& r : published_[0]->scrapes) EXPECT_TRUE(r.status.is_ok()) << r.target;
}

TEST_F(SchedulerTest, BlockingSourcesRunOffTheSchedulerThread) {
  std::thread::id io_thread = std::this_thread::get_id();
  std::mutex mu;
  std::vector<std::thread::id> blocking_threads;
  std::vector<std::thread::id> plain_threads;
  auto blocking = make_source(
      {"b1", "b2", "b3"},
      [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch& batch, mpf::ScrapeDone done) {
        {
          std::lock_guard lock(mu);
          blocking_threads.push_back(std::this_thread::get_id());
        }
        std::this_thread::sleep_for(20ms);  // the blocking work
        batch.set_node(mpf::Sample{});
        done(mpf::ScrapeOutcome::success());
      },
      /*blocking=*/true);
  auto plain = make_source({"p1"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
    plain_threads.push_back(std::this_thread::get_id());
    done(mpf::ScrapeOutcome::success());
  });
  auto scheduler = make_scheduler(options(), {{"files", blocking.get()}, {"kubelet", plain.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  ASSERT_EQ(blocking_threads.size(), 3u);
  for (auto id : blocking_threads) EXPECT_NE(id, io_thread);
  ASSERT_EQ(plain_threads.size(), 1u);
  EXPECT_EQ(plain_threads[0], io_thread);
  const mpf::Snapshot& s = *published_[0];
  ASSERT_EQ(s.scrapes.size(), 4u);
  for (const auto& r : s.scrapes) EXPECT_TRUE(r.status.is_ok()) << r.target;
  EXPECT_EQ(s.scrapes[0].source, "files");
  EXPECT_EQ(s.scrapes[3].source, "kubelet");
}

TEST_F(SchedulerTest, FailingSourceIsSkippedForTheCycleOthersGoOn) {
  auto broken = std::make_unique<StrictMock<mpf::test::MockSource>>();
  EXPECT_CALL(*broken, blocking()).WillRepeatedly(Return(false));
  EXPECT_CALL(*broken, list_targets(_)).WillRepeatedly([](std::vector<mpf::Target>& out) {
    out.push_back({"half-listed", "", {}});  // whatever it wrote must not be scraped
    return mpf::Status::retryable("informer not synced");
  });
  auto good = make_source({"n1", "n2"}, succeed_at_once());
  auto scheduler = make_scheduler(options(), {{"broken", broken.get()}, {"kubelet", good.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  const mpf::Snapshot& s = *published_[0];
  ASSERT_EQ(s.scrapes.size(), 2u);
  EXPECT_EQ(s.scrapes[0].target, "n1");
  EXPECT_EQ(s.scrapes[1].target, "n2");
  EXPECT_EQ(metric("mpf_source_list_failures_total", {{"source", "broken"}}), 1);
  auto warnings = log_.events_with_message("Failed to list targets");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].field("source"), "broken");
}

TEST_F(SchedulerTest, ResultsInSourceThenTargetOrderAndProcessorsRunInOrder) {
  auto a = make_source({"z-last-name", "a-first-name"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&,
                                                            mpf::ScrapeDone done) {
    // Finishes in reverse order of listing.
    after(io_, 10ms, [done] { done(mpf::ScrapeOutcome::success()); });
  });
  auto b = make_source({"m"}, succeed_at_once());
  auto p1 = std::make_unique<StrictMock<mpf::test::MockProcessor>>();
  auto p2 = std::make_unique<StrictMock<mpf::test::MockProcessor>>();
  {
    InSequence in_order;
    EXPECT_CALL(*p1, process(_)).WillOnce(Return(mpf::Status::permanent("rates unavailable")));
    EXPECT_CALL(*p2, process(_)).WillOnce([](mpf::Snapshot& s) {
      // Sees the scrapes; what it writes is published.
      EXPECT_EQ(s.scrapes.size(), 3u);
      s.cluster.node_count = 7;
      return mpf::Status::ok();
    });
  }
  auto scheduler = make_scheduler(options(), {{"a", a.get()}, {"b", b.get()}}, {{"p1", p1.get()}, {"p2", p2.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  const mpf::Snapshot& s = *published_[0];
  ASSERT_EQ(s.scrapes.size(), 3u);
  EXPECT_EQ(s.scrapes[0].source + "/" + s.scrapes[0].target, "a/z-last-name");
  EXPECT_EQ(s.scrapes[1].source + "/" + s.scrapes[1].target, "a/a-first-name");
  EXPECT_EQ(s.scrapes[2].source + "/" + s.scrapes[2].target, "b/m");
  EXPECT_EQ(s.cluster.node_count, 7u);
  EXPECT_EQ(metric("mpf_processor_failures_total", {{"processor", "p1"}}), 1);
  EXPECT_EQ(metric("mpf_processor_failures_total", {{"processor", "p2"}}), 0);
  EXPECT_EQ(log_.count("Processor failed"), 1u);
}

TEST_F(SchedulerTest, CycleWithoutTargetsStillPublishes) {
  auto source = make_source({}, succeed_at_once());
  SchedulerOptions o = options();
  o.resolution = 50ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return published_.size() >= 2; }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_EQ(published_[0]->cycle, 1u);
  EXPECT_EQ(published_[1]->cycle, 2u);
  EXPECT_TRUE(published_[0]->scrapes.empty());
}

TEST_F(SchedulerTest, FailuresAreLoggedOncePerStateChange) {
  int cycle = 0;
  auto source = make_source({}, succeed_at_once());
  EXPECT_CALL(*source, list_targets(_)).WillRepeatedly([&](std::vector<mpf::Target>& out) {
    ++cycle;
    out.push_back({"n1", "", {}});
    return mpf::Status::ok();
  });
  EXPECT_CALL(*source, scrape(_, _, _, _))
      .WillRepeatedly([&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
        if (cycle <= 3) {
          done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kConnectionRefused, mpf::Status::retryable("refused")));
        } else {
          done(mpf::ScrapeOutcome::success());
        }
      });
  SchedulerOptions o = options();
  o.resolution = 30ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return published_.size() >= 5; }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_EQ(log_.count("Failed to scrape target"), 1u);
  EXPECT_EQ(log_.count("Target scrape recovered"), 1u);
  EXPECT_GE(metric("mpf_scrape_failures_total", {{"source", "kubelet"}, {"reason", "connection_refused"}}), 3);
}

TEST_F(SchedulerTest, PerTargetSeriesFollowFailuresAndVanishWithTheTarget) {
  int cycle = 0;
  auto source = make_source({}, succeed_at_once());
  EXPECT_CALL(*source, list_targets(_)).WillRepeatedly([&](std::vector<mpf::Target>& out) {
    ++cycle;
    out.push_back({"n1", "", {}});
    if (cycle <= 2) out.push_back({"n2", "", {}});  // n2 is deleted after cycle 2
    return mpf::Status::ok();
  });
  EXPECT_CALL(*source, scrape(_, _, _, _))
      .WillRepeatedly([&](const mpf::Target& t, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
        if (t.name == "n1") {
          done(mpf::ScrapeOutcome::success());
        } else if (cycle == 1) {
          done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kConnectionRefused, mpf::Status::retryable("refused")));
        } else {
          done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kParse, mpf::Status::permanent("bad body")));
        }
      });
  // The processor runs after the per-target series were updated, so it sees each cycle's state.
  struct Seen {
    std::optional<double> n1_up, n2_up, n2_refused, n2_parse, n2_refused_total, n2_parse_total;
    std::string text;
  };
  std::vector<Seen> seen;
  auto n2 = [](const char* reason) {
    return mpf::MetricLabels{{"source", "kubelet"}, {"target", "n2"}, {"reason", reason}};
  };
  auto processor = std::make_unique<StrictMock<mpf::test::MockProcessor>>();
  EXPECT_CALL(*processor, process(_)).WillRepeatedly([&](mpf::Snapshot&) {
    seen.push_back({metrics_.value("mpf_scrape_target_up", {{"source", "kubelet"}, {"target", "n1"}}),
                    metrics_.value("mpf_scrape_target_up", {{"source", "kubelet"}, {"target", "n2"}}),
                    metrics_.value("mpf_scrape_target_failure", n2("connection_refused")),
                    metrics_.value("mpf_scrape_target_failure", n2("parse_error")),
                    metrics_.value("mpf_scrape_target_failures_total", n2("connection_refused")),
                    metrics_.value("mpf_scrape_target_failures_total", n2("parse_error")),
                    metrics_.render_prometheus_text()});
    return mpf::Status::ok();
  });
  SchedulerOptions o = options();
  o.resolution = 30ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}}, {{"capture", processor.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return seen.size() >= 3; }));
  ASSERT_TRUE(stop_and_drain(*scheduler));

  EXPECT_THAT(seen[0].n1_up, Optional(1.0));
  EXPECT_THAT(seen[0].n2_up, Optional(0.0));
  EXPECT_THAT(seen[0].n2_refused, Optional(1.0));
  EXPECT_THAT(seen[0].n2_refused_total, Optional(1.0));
  EXPECT_THAT(seen[0].text, HasSubstr("mpf_scrape_target_duration_seconds{source=\"kubelet\",target=\"n2\"}"));

  EXPECT_EQ(seen[1].n2_refused, std::nullopt);  // the reason changed
  EXPECT_THAT(seen[1].n2_parse, Optional(1.0));
  EXPECT_THAT(seen[1].n2_refused_total, Optional(1.0));
  EXPECT_THAT(seen[1].n2_parse_total, Optional(1.0));

  EXPECT_THAT(seen[2].n1_up, Optional(1.0));  // n2's failures never touched n1
  EXPECT_EQ(seen[2].n2_up, std::nullopt);
  EXPECT_EQ(seen[2].n2_parse, std::nullopt);
  EXPECT_EQ(seen[2].n2_refused_total, std::nullopt);
  EXPECT_EQ(seen[2].n2_parse_total, std::nullopt);
  EXPECT_THAT(seen[2].text, Not(HasSubstr("target=\"n2\"")));
  // Logged once per state change: the first failure and the reason change.
  EXPECT_EQ(log_.count("Failed to scrape target"), 2u);
}

TEST_F(SchedulerTest, SourceThatFailsToListKeepsItsTargetsFailureState) {
  int cycle = 0;
  auto source = make_source({}, succeed_at_once());
  EXPECT_CALL(*source, list_targets(_)).WillRepeatedly([&](std::vector<mpf::Target>& out) {
    ++cycle;
    if (cycle == 2) return mpf::Status::retryable("informer not synced");
    out.push_back({"n1", "", {}});
    return mpf::Status::ok();
  });
  EXPECT_CALL(*source, scrape(_, _, _, _))
      .WillRepeatedly([](const mpf::Target&, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
        done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kTls, mpf::Status::permanent("bad certificate")));
      });
  SchedulerOptions o = options();
  o.resolution = 30ms;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return published_.size() >= 2; }));
  // The cycle without a target list neither forgets n1 nor removes its series.
  EXPECT_THAT(metric("mpf_scrape_target_failure", {{"source", "kubelet"}, {"target", "n1"}, {"reason", "tls"}}), 1);
  ASSERT_TRUE(run_until([&] { return published_.size() >= 3; }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  EXPECT_EQ(log_.count("Failed to scrape target"), 1u);
  EXPECT_GE(metric("mpf_scrape_target_failures_total", {{"source", "kubelet"}, {"target", "n1"}, {"reason", "tls"}}),
            2);
}

TEST_F(SchedulerTest, StopDuringCycleCutsItPublishesItAndLeavesNothingBehind) {
  std::vector<mpf::ScrapeDone> held;
  int scrapes = 0;
  auto source = make_source({"done-fast", "hangs", "queued"},
                            [&](const mpf::Target& t, mpf::Deadline, mpf::NodeBatch&, mpf::ScrapeDone done) {
                              ++scrapes;
                              events_.push_back("scrape " + t.name);
                              if (t.name == "hangs") {
                                held.push_back(std::move(done));
                              } else {
                                done(mpf::ScrapeOutcome::success());
                              }
                            });
  SchedulerOptions o = options();
  o.max_in_flight = 1;  // "queued" waits behind "hangs"
  o.scrape_timeout = 10s;
  o.resolution = 20s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !held.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler, 10s));

  ASSERT_EQ(published_.size(), 1u);
  const mpf::Snapshot& s = *published_[0];
  ASSERT_EQ(s.scrapes.size(), 3u);
  EXPECT_TRUE(s.scrapes[0].status.is_ok());
  for (int i : {1, 2}) {
    EXPECT_EQ(s.scrapes[i].reason, mpf::FailureReason::kTimeout) << i;
    EXPECT_EQ(s.scrapes[i].status.message(), "shutdown") << i;
  }
  EXPECT_EQ(scrapes, 2);  // "queued" never started
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back(), "stopped");
  EXPECT_EQ(events_[events_.size() - 2], "publish");

  // A source answering after shutdown reaches nothing: no handler is even queued.
  held[0](mpf::ScrapeOutcome::success());
  io_.restart();
  EXPECT_EQ(io_.poll(), 0u);
  EXPECT_EQ(events_.back(), "stopped");
  EXPECT_EQ(scheduler->cycles_completed_for_test(), 1u);
}

TEST_F(SchedulerTest, StopWhileABlockingScrapeRunsOnThePool) {
  std::atomic<bool> entered{false};
  std::atomic<bool> returned{false};
  auto source = make_source(
      {"slow", "never-started"},
      [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch& batch, mpf::ScrapeDone done) {
        entered = true;
        std::this_thread::sleep_for(500ms);  // ignores its deadline
        batch.set_node(mpf::Sample{});
        done(mpf::ScrapeOutcome::success());
        returned = true;
      },
      /*blocking=*/true);
  SchedulerOptions o = options();
  o.max_in_flight = 1;
  auto scheduler = make_scheduler(o, {{"files", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return entered.load(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler));
  ASSERT_EQ(published_.size(), 1u);
  for (const auto& r : published_[0]->scrapes) EXPECT_EQ(r.status.message(), "shutdown") << r.target;
  // Destruction waits for the scrape() still running on the pool; its done goes nowhere.
  scheduler.reset();
  EXPECT_TRUE(returned.load());
  io_.restart();
  EXPECT_EQ(io_.poll(), 0u);
  EXPECT_EQ(events_.back(), "stopped");
}

TEST_F(SchedulerTest, StopBetweenCyclesAndBeforeStart) {
  auto source = make_source({"n1"}, succeed_at_once());
  SchedulerOptions o = options();
  o.resolution = 20s;
  auto scheduler = make_scheduler(o, {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !published_.empty(); }));
  ASSERT_TRUE(stop_and_drain(*scheduler, 10s));  // the pending 20s tick must not keep run() busy
  EXPECT_EQ(published_.size(), 1u);
  // A second stop still reports, and start after stop does nothing.
  ASSERT_TRUE(stop_and_drain(*scheduler, 10s));
  scheduler->start();
  io_.restart();
  io_.run_for(100ms);
  EXPECT_EQ(published_.size(), 1u);

  auto never_started = make_scheduler(o, {{"kubelet", source.get()}});
  ASSERT_TRUE(stop_and_drain(*never_started, 10s));
  EXPECT_EQ(published_.size(), 1u);
}

TEST_F(SchedulerTest, DestroyedSchedulerIgnoresLateCallbacks) {
  std::vector<mpf::ScrapeDone> held;
  auto source = make_source({"n1"}, [&](const mpf::Target&, mpf::Deadline, mpf::NodeBatch& batch,
                                        mpf::ScrapeDone done) {
    batch.node_name = "still-owned-by-the-source";
    held.push_back(std::move(done));
  });
  auto scheduler = make_scheduler(options(), {{"kubelet", source.get()}});
  scheduler->start();
  ASSERT_TRUE(run_until([&] { return !held.empty(); }));
  scheduler.reset();
  held[0](mpf::ScrapeOutcome::success());
  held[0](mpf::ScrapeOutcome::success());
  held.clear();  // frees the batch
  io_.restart();
  io_.run_for(50ms);
  EXPECT_TRUE(published_.empty());
}

}  // namespace
}  // namespace mpf::core
