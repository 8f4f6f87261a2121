// The sink runtime driving an Exporter: per-batch delivery, retries with backoff, permanent drops,
// exhausted retries, the per-attempt deadline, shutdown cut-offs, the byte bound, and the counters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/export/backoff.h"
#include "core/export/sink_runner.h"
#include "core/export/sink_status_board.h"
#include "core/export/snapshot_size.h"
#include "core/status/self_metrics_registry.h"
#include "tests/mocks/test_logger.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = 10s;

// An exporter that cuts every snapshot into batches of the given sample counts (payload "c<cycle>b<i>")
// and answers send() from a script; the last scripted answer repeats. Thread-safe.
class ScriptedExporter final : public mpf::Exporter {
 public:
  struct Call {
    std::string payload;
    Clock::time_point at;
    Clock::time_point deadline;
  };

  explicit ScriptedExporter(std::vector<std::size_t> batch_samples) : batch_samples_(std::move(batch_samples)) {}

  void script(std::vector<mpf::Status> answers) {
    std::lock_guard lock(mu_);
    answers_.assign(answers.begin(), answers.end());
  }
  // send() then blocks until its deadline and answers retryable, like a receiver that never answers.
  void hang() {
    std::lock_guard lock(mu_);
    hang_ = true;
  }

  mpf::Status encode(const mpf::Snapshot& snapshot, mpf::BatchEmitter& emitter) noexcept override {
    for (std::size_t i = 0; i < batch_samples_.size(); ++i) {
      mpf::ExportBatch batch;
      batch.payload = "c" + std::to_string(snapshot.cycle) + "b" + std::to_string(i);
      batch.samples = batch_samples_[i];
      if (!emitter.emit(std::move(batch))) break;
    }
    return mpf::Status::ok();
  }

  mpf::Status send(const mpf::ExportBatch& batch, Clock::time_point deadline) noexcept override {
    std::unique_lock lock(mu_);
    calls_.push_back({batch.payload, Clock::now(), deadline});
    cv_.notify_all();
    if (hang_) {
      lock.unlock();
      std::this_thread::sleep_until(deadline);
      return mpf::Status::retryable("timeout awaiting response headers");
    }
    mpf::Status answer = answers_.empty() ? mpf::Status::ok() : answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    return answer;
  }

  std::vector<Call> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<std::string> payloads() {
    std::vector<std::string> out;
    for (const Call& c : calls()) out.push_back(c.payload);
    return out;
  }
  bool wait_for_calls(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return calls_.size() >= n; });
  }

 private:
  std::vector<std::size_t> batch_samples_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<mpf::Status> answers_;
  bool hang_ = false;
  std::vector<Call> calls_;
};

mpf::SnapshotPtr snapshot(std::uint64_t cycle) {
  auto s = std::make_shared<mpf::Snapshot>();
  s->cycle = cycle;
  return s;
}

class ExporterDeliveryTest : public ::testing::Test {
 protected:
  std::unique_ptr<SinkRunner> make_runner(std::vector<std::size_t> batches, SinkRunnerOptions options) {
    auto owned = std::make_shared<ScriptedExporter>(std::move(batches));
    exporter_ = owned.get();
    options.random_seed = 42;
    return std::make_unique<SinkRunner>("rw", owned, options, log_, metrics_);
  }

  static SinkRunnerOptions fast_retries() {
    SinkRunnerOptions o;
    o.consume_timeout = 2s;
    o.retry.initial_interval = 20ms;
    o.retry.multiplier = 2;
    o.retry.randomization_factor = 0;
    o.retry.max_interval = 80ms;
    o.retry.max_elapsed_time = 5s;
    return o;
  }

  double metric(const std::string& name, mpf::MetricLabels labels = {}) {
    labels.insert(labels.begin(), {"sink", "rw"});
    return metrics_.value(name, labels).value_or(-1);
  }
  double failed_batches(const char* reason) { return metric("mpf_sink_failed_batches_total", {{"reason", reason}}); }
  double failed_samples(const char* reason) { return metric("mpf_sink_failed_samples_total", {{"reason", reason}}); }

  // Waits until the worker finished `n` snapshots (whatever their result).
  bool wait_for_snapshots(double n) {
    auto until = Clock::now() + kWait;
    while (Clock::now() < until) {
      double done = metric("mpf_sink_snapshots_total", {{"result", "ok"}}) +
                    metric("mpf_sink_snapshots_total", {{"result", "retryable"}}) +
                    metric("mpf_sink_snapshots_total", {{"result", "permanent"}});
      if (done >= n) return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }

  mpf::test::TestLogger log_;
  SelfMetricsRegistry metrics_;
  ScriptedExporter* exporter_ = nullptr;  // owned by the runner
};

TEST_F(ExporterDeliveryTest, EveryBatchIsSentOnceAndCounted) {
  auto runner = make_runner({3, 5, 2}, fast_retries());
  ASSERT_TRUE(runner->start().is_ok());
  ASSERT_TRUE(runner->offer(snapshot(1)));
  ASSERT_TRUE(wait_for_snapshots(1));
  EXPECT_THAT(exporter_->payloads(), ElementsAre("c1b0", "c1b1", "c1b2"));
  EXPECT_EQ(metric("mpf_sink_sent_batches_total"), 3);
  EXPECT_EQ(metric("mpf_sink_sent_samples_total"), 10);
  EXPECT_EQ(metric("mpf_sink_retried_batches_total"), 0);
  EXPECT_EQ(failed_batches("permanent") + failed_batches("retries_exhausted") + failed_batches("shutdown"), 0);
  EXPECT_EQ(metric("mpf_sink_snapshots_total", {{"result", "ok"}}), 1);
  EXPECT_EQ(runner->state().phase, SinkPhase::kOk);
  EXPECT_TRUE(runner->stop(1s));
}

TEST_F(ExporterDeliveryTest, RetryableFailuresAreRetriedWithGrowingWaits) {
  auto runner = make_runner({4}, fast_retries());
  exporter_->script({mpf::Status::retryable("HTTP 500"), mpf::Status::retryable("HTTP 503"),
                     mpf::Status::retryable("HTTP 429"), mpf::Status::ok()});
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(wait_for_snapshots(1));
  std::vector<ScriptedExporter::Call> calls = exporter_->calls();
  ASSERT_EQ(calls.size(), 4u);
  // No randomization: waits of 20, 40 and 80 ms (at least; a loaded machine only adds).
  EXPECT_GE(calls[1].at - calls[0].at, 20ms);
  EXPECT_GE(calls[2].at - calls[1].at, 40ms);
  EXPECT_GE(calls[3].at - calls[2].at, 80ms);
  EXPECT_EQ(metric("mpf_sink_retried_batches_total"), 3);
  EXPECT_EQ(metric("mpf_sink_retried_samples_total"), 12);
  EXPECT_EQ(metric("mpf_sink_sent_batches_total"), 1);
  EXPECT_EQ(metric("mpf_sink_sent_samples_total"), 4);
  EXPECT_EQ(failed_batches("retries_exhausted"), 0);
  EXPECT_EQ(runner->state().phase, SinkPhase::kOk);
  EXPECT_THAT(runner->state().last_error, HasSubstr("HTTP 429"));
  EXPECT_EQ(log_.count("Sink failed to deliver"), 3u);  // one per distinct error
  EXPECT_EQ(log_.count("Sink recovered"), 1u);
  runner->stop(1s);
}

TEST_F(ExporterDeliveryTest, EachAttemptGetsTheTimeoutAsItsDeadline) {
  SinkRunnerOptions o = fast_retries();
  o.consume_timeout = 1500ms;
  auto runner = make_runner({1}, o);
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(wait_for_snapshots(1));
  ScriptedExporter::Call call = exporter_->calls().at(0);
  EXPECT_LE(call.deadline - call.at, 1500ms);
  EXPECT_GT(call.deadline - call.at, 1000ms);
  runner->stop(1s);
}

TEST_F(ExporterDeliveryTest, PermanentFailureDropsOnlyThatBatch) {
  auto runner = make_runner({2, 7, 1}, fast_retries());
  exporter_->script({mpf::Status::ok(), mpf::Status::permanent("HTTP 400: out of order sample"), mpf::Status::ok()});
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(wait_for_snapshots(1));
  EXPECT_THAT(exporter_->payloads(), ElementsAre("c1b0", "c1b1", "c1b2"));  // never retried
  EXPECT_EQ(failed_batches("permanent"), 1);
  EXPECT_EQ(failed_samples("permanent"), 7);
  EXPECT_EQ(metric("mpf_sink_sent_samples_total"), 3);
  EXPECT_EQ(metric("mpf_sink_retried_batches_total"), 0);
  EXPECT_EQ(metric("mpf_sink_snapshots_total", {{"result", "permanent"}}), 1);
  // The last batch succeeded, so the sink is ok again; the error stays visible.
  EXPECT_EQ(runner->state().phase, SinkPhase::kOk);
  EXPECT_THAT(runner->state().last_error, HasSubstr("out of order sample"));
  runner->stop(1s);
}

TEST_F(ExporterDeliveryTest, ExhaustedRetriesGiveTheRestOfTheSnapshotOneAttemptEach) {
  SinkRunnerOptions o = fast_retries();
  o.retry.max_elapsed_time = 100ms;  // 20 + 40 fit, the next 80 does not
  auto runner = make_runner({1, 2, 3}, o);
  exporter_->script({mpf::Status::retryable("connection refused")});
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(wait_for_snapshots(1));
  EXPECT_THAT(exporter_->payloads(), ElementsAre("c1b0", "c1b0", "c1b0", "c1b1", "c1b2"));
  EXPECT_EQ(failed_batches("retries_exhausted"), 3);
  EXPECT_EQ(failed_samples("retries_exhausted"), 6);
  EXPECT_EQ(metric("mpf_sink_retried_batches_total"), 2);
  EXPECT_EQ(metric("mpf_sink_snapshots_total", {{"result", "retryable"}}), 1);
  EXPECT_EQ(runner->state().phase, SinkPhase::kDegraded);
  EXPECT_THAT(runner->state().last_error, HasSubstr("connection refused"));

  // The next snapshot starts with full retries again, and a receiver that is back gets everything.
  exporter_->script({mpf::Status::retryable("connection refused"), mpf::Status::ok()});
  runner->offer(snapshot(2));
  ASSERT_TRUE(wait_for_snapshots(2));
  EXPECT_THAT(exporter_->payloads(),
              ElementsAre("c1b0", "c1b0", "c1b0", "c1b1", "c1b2", "c2b0", "c2b0", "c2b1", "c2b2"));
  EXPECT_EQ(metric("mpf_sink_sent_samples_total"), 6);
  EXPECT_EQ(runner->state().phase, SinkPhase::kOk);
  runner->stop(1s);
}

TEST_F(ExporterDeliveryTest, DisabledRetriesDropARetryableBatchAtOnce) {
  SinkRunnerOptions o = fast_retries();
  o.retry.enabled = false;
  auto runner = make_runner({5}, o);
  exporter_->script({mpf::Status::retryable("HTTP 503")});
  ASSERT_TRUE(runner->start().is_ok());
  runner->offer(snapshot(1));
  ASSERT_TRUE(wait_for_snapshots(1));
  EXPECT_EQ(exporter_->calls().size(), 1u);
  EXPECT_EQ(failed_samples("retries_exhausted"), 5);
  runner->stop(1s);
}

TEST_F(ExporterDeliveryTest, HungReceiverTimesOutQueueStaysBoundedAndShutdownCountsTheRest) {
  SinkRunnerOptions o = fast_retries();
  o.consume_timeout = 100ms;
  o.queue_capacity = 2;
  o.retry.max_elapsed_time = 0s;  // retry forever: only the queue bound and shutdown end it
  auto runner = make_runner({2, 3}, o);
  exporter_->hang();
  ASSERT_TRUE(runner->start().is_ok());
  ASSERT_TRUE(runner->offer(snapshot(1)));
  ASSERT_TRUE(exporter_->wait_for_calls(1));  // cycle 1 is in delivery
  for (std::uint64_t cycle = 2; cycle <= 6; ++cycle) ASSERT_TRUE(runner->offer(snapshot(cycle)));
  ASSERT_TRUE(exporter_->wait_for_calls(3));  // attempts keep timing out and being retried
  EXPECT_LE(runner->queue_length(), 2u);
  EXPECT_LE(metric("mpf_sink_queue_length"), 2);
  // Cycle 1 is in delivery; 2..6 went through a queue of 2: three of them were dropped.
  EXPECT_EQ(metric("mpf_sink_dropped_snapshots_total"), 3);
  EXPECT_GE(metric("mpf_sink_retried_batches_total"), 2);

  auto stop_started = Clock::now();
  EXPECT_TRUE(runner->stop(300ms));
  EXPECT_LT(Clock::now() - stop_started, 3s);
  // The batch in flight is cut off by the drain bound; the rest of cycle 1 and the queue never went out.
  EXPECT_EQ(failed_batches("shutdown"), 2);
  EXPECT_EQ(failed_samples("shutdown"), 5);
  EXPECT_EQ(metric("mpf_sink_dropped_snapshots_total"), 5);
  EXPECT_EQ(metric("mpf_sink_sent_batches_total"), 0);
  EXPECT_EQ(runner->state().phase, SinkPhase::kStopped);
}

TEST_F(ExporterDeliveryTest, ByteBoundDropsTheOldestButKeepsTheNewest) {
  SinkRunnerOptions o = fast_retries();
  o.queue_capacity = 100;
  auto big = std::make_shared<mpf::Snapshot>();
  big->containers.resize(1000);
  const std::size_t one = approximate_snapshot_bytes(*big);
  o.queue_max_bytes = one * 2 + one / 2;  // room for two
  auto runner = make_runner({1}, o);
  exporter_->hang();
  ASSERT_TRUE(runner->start().is_ok());
  auto make = [&](std::uint64_t cycle) {
    auto s = std::make_shared<mpf::Snapshot>();
    s->cycle = cycle;
    s->containers.resize(1000);
    return mpf::SnapshotPtr(s);
  };
  runner->offer(make(1));
  ASSERT_TRUE(exporter_->wait_for_calls(1));  // cycle 1 left the queue
  for (std::uint64_t cycle = 2; cycle <= 5; ++cycle) runner->offer(make(cycle));
  EXPECT_EQ(runner->queue_length(), 2u);
  EXPECT_EQ(metric("mpf_sink_dropped_snapshots_total"), 2);
  EXPECT_EQ(metric("mpf_sink_queue_bytes"), static_cast<double>(2 * one));
  runner->stop(0s);
}

TEST_F(ExporterDeliveryTest, StatusBoardShowsTheSinkState) {
  SinkStatusBoard board;
  auto runner = make_runner({1}, fast_retries());
  exporter_->script({mpf::Status::permanent("HTTP 401: unauthorized")});
  ASSERT_TRUE(runner->start().is_ok());
  board.add("rw", runner->worker_state());
  ASSERT_EQ(board.read().size(), 1u);
  EXPECT_EQ(board.read()[0].phase, "starting");
  runner->offer(snapshot(1));
  ASSERT_TRUE(wait_for_snapshots(1));
  mpf::SinkStatus status = board.read().at(0);
  EXPECT_EQ(status.name, "rw");
  EXPECT_EQ(status.phase, "degraded");
  EXPECT_EQ(status.last_error, "permanent: HTTP 401: unauthorized");
  runner->stop(1s);
  EXPECT_EQ(board.read().at(0).phase, "stopped");
  runner.reset();
  EXPECT_TRUE(board.read().empty());
}

TEST(Backoff, GrowsByTheMultiplierUpToTheCap) {
  RetrySettings r;
  r.initial_interval = 1s;
  r.multiplier = 1.5;
  r.randomization_factor = 0;
  r.max_interval = 3s;
  r.max_elapsed_time = 0s;
  Backoff b(r, 1);
  EXPECT_EQ(b.next(0s), 1s);
  EXPECT_EQ(b.next(0s), 1500ms);
  EXPECT_EQ(b.next(0s), 2250ms);
  EXPECT_EQ(b.next(0s), 3s);
  EXPECT_EQ(b.next(1h), 3s);  // no elapsed limit
  b.reset();
  EXPECT_EQ(b.next(0s), 1s);
}

TEST(Backoff, RandomizesWithinTheFactorAndStopsAtTheElapsedLimit) {
  RetrySettings r;
  r.initial_interval = 1s;
  r.multiplier = 1;
  r.randomization_factor = 0.5;
  r.max_interval = 1s;
  r.max_elapsed_time = 10s;
  Backoff b(r, 7);
  std::chrono::nanoseconds low = 1h, high = 0s;
  for (int i = 0; i < 1000; ++i) {
    std::chrono::nanoseconds wait = *b.next(0s);
    low = std::min(low, wait);
    high = std::max(high, wait);
  }
  EXPECT_GE(low, 500ms);
  EXPECT_LE(high, 1500ms);
  EXPECT_LT(low, 600ms);   // the range is used, not a constant
  EXPECT_GT(high, 1400ms);
  // Every wait is in [0.5s, 1.5s]: after 8s the next one still fits in 10s, after 9.6s none does.
  EXPECT_NE(b.next(8s), std::nullopt);
  EXPECT_EQ(b.next(9600ms), std::nullopt);
}

}  // namespace
}  // namespace mpf::core
