#include "core/export/sink_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status/self_metrics_registry.h"
#include "tests/mocks/mock_sink.h"
#include "tests/mocks/test_logger.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::_;
using ::testing::InSequence;
using ::testing::Return;
using ::testing::StrictMock;
using Clock = std::chrono::steady_clock;

// Generous: these bounds must hold on a loaded two-core machine.
constexpr auto kSlack = 2s;
constexpr auto kWait = 10s;

mpf::SnapshotPtr snapshot(std::uint64_t cycle) {
  auto s = std::make_shared<mpf::Snapshot>();
  s->cycle = cycle;
  return s;
}

// A one-shot signal between the test and the sink's worker thread.
class Latch {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(Clock::duration timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Collects the cycles the sink consumed, in order; thread-safe.
class Consumed {
 public:
  void add(const mpf::SnapshotPtr& s) {
    std::lock_guard lock(mu_);
    cycles_.push_back(s->cycle);
    cv_.notify_all();
  }
  bool wait_for_count(std::size_t n, Clock::duration timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return cycles_.size() >= n; });
  }
  std::vector<std::uint64_t> cycles() {
    std::lock_guard lock(mu_);
    return cycles_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::uint64_t> cycles_;
};

// A mock sink whose owner reports its destruction, which happens on whichever thread releases the sink
// last. The report comes from the deleter, after the whole mock (and gmock's leak bookkeeping) is gone.
class ObservedSink : public StrictMock<mpf::test::MockSink> {
 public:
  std::function<void()> on_destroy;
};

class SinkRunnerTest : public ::testing::Test {
 protected:
  SinkRunnerTest() : sink_owner_(std::make_unique<ObservedSink>()), sink_(*sink_owner_) {}

  std::unique_ptr<SinkRunner> make_runner(std::size_t capacity = 2, Clock::duration consume_timeout = 10s) {
    SinkRunnerOptions o;
    o.queue_capacity = capacity;
    o.consume_timeout = consume_timeout;
    std::shared_ptr<mpf::Sink> sink(sink_owner_.release(), [](mpf::Sink* p) {
      auto* observed = static_cast<ObservedSink*>(p);
      std::function<void()> on_destroy = std::move(observed->on_destroy);
      delete observed;
      if (on_destroy) on_destroy();
    });
    return std::make_unique<SinkRunner>("remote", std::move(sink), o, log_, metrics_);
  }

  double metric(const std::string& name, const mpf::MetricLabels& labels) {
    return metrics_.value(name, labels).value_or(-1);
  }
  double snapshots(const char* result) {
    return metric("mpf_sink_snapshots_total", {{"sink", "remote"}, {"result", result}});
  }
  double dropped() { return metric("mpf_sink_dropped_snapshots_total", {{"sink", "remote"}}); }

  mpf::test::TestLogger log_;
  SelfMetricsRegistry metrics_;
  std::unique_ptr<ObservedSink> sink_owner_;
  ObservedSink& sink_;  // valid while the runner (or its worker) owns the sink
  Consumed consumed_;
};

TEST_F(SinkRunnerTest, ConsumesInOrderThenStops) {
  {
    InSequence in_order;
    EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
    for (std::uint64_t cycle = 1; cycle <= 5; ++cycle) {
      EXPECT_CALL(sink_, consume(testing::Pointee(testing::Field(&mpf::Snapshot::cycle, cycle)), _))
          .WillOnce([&](const mpf::SnapshotPtr& s, Clock::time_point) {
            consumed_.add(s);
            return mpf::Status::ok();
          });
    }
    EXPECT_CALL(sink_, stop());
  }
  auto runner = make_runner(/*capacity=*/8);
  EXPECT_EQ(runner->state().phase, SinkPhase::kStarting);
  ASSERT_TRUE(runner->start().is_ok());
  for (std::uint64_t cycle = 1; cycle <= 5; ++cycle) EXPECT_TRUE(runner->offer(snapshot(cycle)));
  ASSERT_TRUE(consumed_.wait_for_count(5));
  EXPECT_EQ(runner->state().phase, SinkPhase::kOk);
  EXPECT_TRUE(runner->stop(5s));
  EXPECT_EQ(runner->state().phase, SinkPhase::kStopped);
  EXPECT_EQ(consumed_.cycles(), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(snapshots("ok"), 5);
  EXPECT_EQ(dropped(), 0);
  EXPECT_FALSE(runner->offer(snapshot(6)));  // no longer accepting; counted
  EXPECT_EQ(dropped(), 1);
  EXPECT_TRUE(runner->stop(5s));  // idempotent
}

TEST_F(SinkRunnerTest, DropsTheOldestWhenTheSinkIsSlow) {
  Latch entered;
  Latch release;
  EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
  EXPECT_CALL(sink_, consume(_, _)).WillRepeatedly([&](const mpf::SnapshotPtr& s, Clock::time_point) {
    consumed_.add(s);
    if (s->cycle == 1) {
      entered.open();
      release.wait();
    }
    return mpf::Status::ok();
  });
  EXPECT_CALL(sink_, stop());
  auto runner = make_runner(/*capacity=*/2);
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(entered.wait());
  // The sink is stuck on 1; offering never blocks, and the queue keeps the newest two.
  Clock::time_point before = Clock::now();
  for (std::uint64_t cycle = 2; cycle <= 5; ++cycle) EXPECT_TRUE(runner->offer(snapshot(cycle)));
  EXPECT_LT(Clock::now() - before, kSlack);
  EXPECT_EQ(runner->queue_length(), 2u);
  EXPECT_EQ(metric("mpf_sink_queue_length", {{"sink", "remote"}}), 2);
  EXPECT_EQ(dropped(), 2);
  release.open();
  ASSERT_TRUE(consumed_.wait_for_count(3));
  EXPECT_TRUE(runner->stop(5s));
  EXPECT_EQ(consumed_.cycles(), (std::vector<std::uint64_t>{1, 4, 5}));
  EXPECT_EQ(metric("mpf_sink_queue_length", {{"sink", "remote"}}), 0);
}

TEST_F(SinkRunnerTest, CountsResultsAndTracksState) {
  std::vector<mpf::Status> answers = {mpf::Status::ok(), mpf::Status::retryable("503 from remote"),
                                      mpf::Status::retryable("503 from remote"), mpf::Status::permanent("400 bad"),
                                      mpf::Status::ok()};
  std::vector<SinkState> seen;
  EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
  EXPECT_CALL(sink_, consume(_, _)).Times(5).WillRepeatedly([&](const mpf::SnapshotPtr& s, Clock::time_point) {
    consumed_.add(s);
    return answers[s->cycle - 1];
  });
  EXPECT_CALL(sink_, stop());
  auto runner = make_runner(/*capacity=*/1);
  ASSERT_TRUE(runner->start().is_ok());
  // One at a time, to observe the state after each.
  for (std::uint64_t cycle = 1; cycle <= 5; ++cycle) {
    runner->offer(snapshot(cycle));
    ASSERT_TRUE(consumed_.wait_for_count(cycle));
    // Results are counted right after the state is updated.
    Clock::time_point end = Clock::now() + kWait;
    while (snapshots("ok") + snapshots("retryable") + snapshots("permanent") < static_cast<double>(cycle) &&
           Clock::now() < end) {
      std::this_thread::sleep_for(1ms);
    }
    seen.push_back(runner->state());
  }
  EXPECT_TRUE(runner->stop(5s));
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].phase, SinkPhase::kOk);
  EXPECT_EQ(seen[1].phase, SinkPhase::kDegraded);
  EXPECT_EQ(seen[1].last_error, "retryable: 503 from remote");
  EXPECT_EQ(seen[3].phase, SinkPhase::kDegraded);
  EXPECT_EQ(seen[3].last_error, "permanent: 400 bad");
  EXPECT_EQ(seen[4].phase, SinkPhase::kOk);
  EXPECT_EQ(seen[4].last_error, "permanent: 400 bad");  // kept for readiness detail
  EXPECT_EQ(snapshots("ok"), 2);
  EXPECT_EQ(snapshots("retryable"), 2);
  EXPECT_EQ(snapshots("permanent"), 1);
  // Once per change: the repeated 503 is not logged again.
  EXPECT_EQ(log_.count("Sink failed to deliver"), 2u);
  EXPECT_EQ(log_.count("Sink recovered"), 1u);
  EXPECT_STREQ(sink_phase_name(runner->state().phase), "stopped");
}

TEST_F(SinkRunnerTest, StopDrainsTheQueueBeforeStoppingTheSink) {
  Latch entered;
  Latch release;
  std::vector<Clock::time_point> deadlines;
  {
    InSequence in_order;
    EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
    EXPECT_CALL(sink_, consume(_, _)).Times(3).WillRepeatedly([&](const mpf::SnapshotPtr& s, Clock::time_point d) {
      deadlines.push_back(d);
      consumed_.add(s);
      if (s->cycle == 1) {
        entered.open();
        release.wait();
      }
      return mpf::Status::ok();
    });
    EXPECT_CALL(sink_, stop());
  }
  auto runner = make_runner(/*capacity=*/2, /*consume_timeout=*/30s);
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(entered.wait());
  runner->offer(snapshot(2));
  runner->offer(snapshot(3));
  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    release.open();
  });
  Clock::time_point stop_called = Clock::now();
  bool joined = runner->stop(20s);
  releaser.join();
  EXPECT_TRUE(joined);
  EXPECT_EQ(consumed_.cycles(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(dropped(), 0);
  // While draining, a consume deadline never extends past the drain timeout.
  ASSERT_EQ(deadlines.size(), 3u);
  EXPECT_LE(deadlines[1], stop_called + 20s + kSlack);
  EXPECT_LT(deadlines[1], stop_called + 30s);
}

TEST_F(SinkRunnerTest, DrainTimeoutBoundsAHungSink) {
  Latch entered;
  Latch release;
  Latch stopped;
  EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
  EXPECT_CALL(sink_, consume(_, _)).WillOnce([&](const mpf::SnapshotPtr&, Clock::time_point) {
    entered.open();
    release.wait(60s);  // hung until the test lets it go
    return mpf::Status::ok();
  });
  // Still called, but only after the hung consume() returned.
  EXPECT_CALL(sink_, stop()).WillOnce([&] { stopped.open(); });
  auto runner = make_runner(/*capacity=*/2);
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(entered.wait());
  runner->offer(snapshot(2));
  runner->offer(snapshot(3));

  Clock::time_point before = Clock::now();
  EXPECT_FALSE(runner->stop(100ms));
  EXPECT_LT(Clock::now() - before, 100ms + kSlack);
  EXPECT_EQ(runner->state().phase, SinkPhase::kStopped);
  EXPECT_EQ(dropped(), 2);
  EXPECT_EQ(log_.count("Sink did not stop within the drain timeout; abandoning its worker thread"), 1u);
  std::size_t events = log_.events().size();

  release.open();
  ASSERT_TRUE(stopped.wait());
  ASSERT_TRUE(runner->wait_for_worker_exit_for_test(kWait));
  // The abandoned worker logs nothing more and leaves the state alone.
  EXPECT_EQ(log_.events().size(), events);
  EXPECT_EQ(runner->state().phase, SinkPhase::kStopped);
  EXPECT_EQ(snapshots("ok"), 1);
}

TEST_F(SinkRunnerTest, AbandonedWorkerOutlivesItsRunnerSafely) {
  Latch entered;
  Latch release;
  // Shared: the sink's destructor runs on the worker thread and may still be using it when the test ends.
  auto destroyed = std::make_shared<Latch>();
  sink_.on_destroy = [destroyed] { destroyed->open(); };
  EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
  EXPECT_CALL(sink_, consume(_, _)).WillOnce([&](const mpf::SnapshotPtr&, Clock::time_point) {
    entered.open();
    release.wait(60s);
    return mpf::Status::retryable("late");
  });
  EXPECT_CALL(sink_, stop());
  auto runner = make_runner();
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(entered.wait());
  EXPECT_FALSE(runner->stop(0ns));
  runner.reset();  // the worker is still inside consume()
  release.open();
  // The worker finishes on its own: counts the result, stops and destroys the sink.
  ASSERT_TRUE(destroyed->wait());
}

TEST_F(SinkRunnerTest, FailedStartIsReportedAndNothingIsAccepted) {
  EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::permanent("cannot reach remote")));
  // Neither consume() nor stop(): a sink that did not start is not stopped either.
  auto runner = make_runner();
  mpf::Status status = runner->start();
  EXPECT_FALSE(status.is_ok());
  EXPECT_EQ(runner->state().phase, SinkPhase::kDegraded);
  EXPECT_EQ(runner->state().last_error, "permanent: cannot reach remote");
  EXPECT_FALSE(runner->offer(snapshot(1)));
  EXPECT_FALSE(runner->offer(nullptr));
  EXPECT_EQ(dropped(), 1);
  EXPECT_TRUE(runner->stop(1s));
  EXPECT_EQ(runner->state().phase, SinkPhase::kStopped);
}

TEST_F(SinkRunnerTest, DestructorStopsARunningSink) {
  EXPECT_CALL(sink_, start()).WillOnce(Return(mpf::Status::ok()));
  EXPECT_CALL(sink_, consume(_, _)).WillRepeatedly([&](const mpf::SnapshotPtr& s, Clock::time_point) {
    consumed_.add(s);
    return mpf::Status::ok();
  });
  EXPECT_CALL(sink_, stop());
  auto runner = make_runner();
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(consumed_.wait_for_count(1));
  runner.reset();
}

}  // namespace
}  // namespace mpf::core
