#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/scheduler/scheduler.h"
#include "core/scheduler/node_batch_pool.h"
#include "core/scheduler/scrape_call.h"
#include "core/scheduler/scrape_source.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/source.h"

namespace mpf::core {

class CycleRunner;

using SchedulerStrand = boost::asio::strand<boost::asio::io_context::executor_type>;

// How a cycle reaches back to its scheduler. Every handler a cycle leaves behind goes through the
// host, so that it runs only while the scheduler exists and the cycle is still its current one.
class CycleHost {
 public:
  using TimerHandler = std::function<void(const boost::system::error_code&)>;

  virtual ~CycleHost() = default;
  // A timer handler that calls `fn` with cycle `cycle` if that is still the current cycle then.
  virtual TimerHandler when_current(std::uint64_t cycle, std::function<void(CycleRunner&)> fn) = 0;
  // Posts the end of cycle `cycle` to the strand; called once, when its last target is done.
  virtual void post_finish(std::uint64_t cycle) = 0;
};

// What every cycle borrows from its scheduler; all of it outlives the cycle.
struct CycleEnv {
  SchedulerStrand strand;
  const SchedulerOptions& options;  // already clamped to sane values
  std::vector<ScrapeSource>& sources;
  const std::shared_ptr<ScrapeGate>& gate;
  boost::asio::thread_pool* pool;  // null unless a source is blocking
  mpf::Gauge& in_flight;
  mpf::Logger& log;
  CycleHost& host;
  NodeBatchPool& batches;  // recycles batches across cycles
};

// One scrape cycle: lists every source's targets, starts their scrapes at jittered offsets through a
// FIFO bounded by max_in_flight, enforces each target's deadline and the cycle's, and collects one
// result per target. The scheduler runs the processors and publishes.
//
// Threading: every method runs on the scheduler's strand; done callbacks arrive through the gate as
// ScrapeArrivals posted there.
class CycleRunner {
 public:
  using Clock = std::chrono::steady_clock;

  CycleRunner(CycleEnv env, std::uint64_t number);
  CycleRunner(const CycleRunner&) = delete;
  CycleRunner& operator=(const CycleRunner&) = delete;

  // Lists the targets, arms the deadline and jitter timers and launches the scrapes already due.
  // Without targets the end of the cycle is posted at once.
  void start(std::mt19937_64& rng);

  // A scrape's done callback, for this cycle and not a duplicate.
  void on_done(ScrapeArrival arrival);

  // Starts no more scrapes and fails every unfinished target (timeout, "shutdown").
  void stop();

  // Ends the cycle: cancels its deadline and moves the results out in target order, with the index
  // of each result's source in `source_of`. Returns the number of failed targets.
  std::size_t take_results(std::vector<mpf::ScrapeResult>& scrapes, std::vector<std::size_t>& source_of);

  // listed_sources()[s] is false when source `s` failed to list its targets and sat this cycle out.
  const std::vector<bool>& listed_sources() const { return listed_; }
  std::uint64_t number() const { return number_; }
  Clock::time_point started() const { return started_; }
  std::chrono::system_clock::time_point started_wall() const { return started_wall_; }

 private:
  enum class Phase : unsigned char { kWaiting, kQueued, kRunning, kDone };

  struct TargetRun {
    std::size_t source = 0;
    std::shared_ptr<const mpf::Target> target;
    std::shared_ptr<ScrapeCall> call;
    std::unique_ptr<boost::asio::steady_timer> timer;
    Clock::time_point started;
    Clock::time_point deadline;
    Phase phase = Phase::kWaiting;
    mpf::ScrapeResult result;
  };

  void collect_targets();
  void on_jitter_elapsed(std::size_t index);
  void launch_ready();
  void launch(std::size_t index);
  void on_deadline(std::size_t index);
  void on_cycle_deadline();
  void fail_unfinished(const char* why);
  void complete(std::size_t index, mpf::ScrapeOutcome outcome, Clock::time_point ended);

  CycleEnv env_;
  std::uint64_t number_;
  Clock::time_point started_;
  std::chrono::system_clock::time_point started_wall_;
  Clock::time_point deadline_;
  std::vector<TargetRun> targets_;
  std::vector<bool> listed_;
  std::deque<std::size_t> ready_;
  std::size_t remaining_ = 0;
  std::size_t in_flight_ = 0;
  bool finishing_ = false;
  bool stopping_ = false;
  boost::asio::steady_timer deadline_timer_;
};

}  // namespace mpf::core
