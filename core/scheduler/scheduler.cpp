#include "core/scheduler/scheduler.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <random>
#include <thread>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/scheduler/cycle_runner.h"
#include "core/scheduler/scrape_call.h"
#include "core/scheduler/scrape_source.h"
#include "core/scheduler/target_metrics.h"
#include "core/scheduler/target_state_log.h"
#include "core/scheduler/tick_buckets.h"
#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using Clock = std::chrono::steady_clock;

std::size_t worker_pool_size() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(n, 2, 4);
}

}  // namespace

// Owns the tick grid and the scheduler's lifecycle; each cycle's scraping is a CycleRunner's job.
class Scheduler::Impl : public std::enable_shared_from_this<Impl>, private CycleHost {
 public:
  Impl(boost::asio::io_context& io, SchedulerOptions options, std::vector<NamedSource> sources,
       std::vector<NamedProcessor> processors, PublishFn publish, mpf::Logger& log, SelfMetricsRegistry& metrics);
  ~Impl() override;

  void init();
  void start();
  void stop(std::function<void()> on_stopped);
  void shutdown();

  std::atomic<std::uint64_t> cycles_completed{0};

 private:
  struct ProcessorState {
    std::string name;
    mpf::Processor* processor = nullptr;
    std::shared_ptr<mpf::Counter> failures;
  };

  // Runs `fn(impl)` on the strand if the scheduler still exists then.
  template <class Fn>
  void post(Fn fn) {
    boost::asio::post(strand_, [weak = weak_from_this(), fn = std::move(fn)]() mutable {
      if (auto self = weak.lock()) fn(*self);
    });
  }
  bool current(std::uint64_t cycle) const { return cycle_ && cycle_->number() == cycle; }

  TimerHandler when_current(std::uint64_t cycle, std::function<void(CycleRunner&)> fn) override;
  void post_finish(std::uint64_t cycle) override;

  void on_tick();
  void begin_cycle();
  void on_done(ScrapeArrival arrival);
  void finish_cycle(std::uint64_t cycle);
  void run_processors(std::uint64_t cycle, mpf::Snapshot& snapshot);
  void schedule_next(Clock::time_point now);
  void finish_stop();

  SchedulerStrand strand_;
  SchedulerOptions options_;
  std::vector<ScrapeSource> sources_;
  std::vector<ProcessorState> processors_;
  PublishFn publish_;
  mpf::Logger& log_;
  SelfMetricsRegistry& metrics_;
  std::shared_ptr<ScrapeGate> gate_ = std::make_shared<ScrapeGate>();
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::shared_ptr<NodeBatchPool> batch_pool_ = NodeBatchPool::create(16);
  boost::asio::steady_timer tick_timer_;
  std::mt19937_64 rng_;

  std::shared_ptr<mpf::Counter> cycles_total_;
  std::shared_ptr<mpf::Gauge> last_snapshot_time_;
  std::shared_ptr<mpf::Counter> skipped_ticks_;
  std::shared_ptr<mpf::Counter> late_cycles_;
  std::shared_ptr<mpf::Gauge> in_flight_;
  std::shared_ptr<Histogram> cycle_duration_;
  std::shared_ptr<Histogram> tick_duration_;  // metrics-server's family; same observation

  bool shut_down_ = false;  // by the owning thread, once the io_context no longer runs our handlers
  bool started_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  std::uint64_t cycle_number_ = 0;
  Clock::time_point scheduled_;  // when the current cycle was due; the tick grid
  std::unique_ptr<CycleRunner> cycle_;
  std::vector<std::function<void()>> on_stopped_;
  TargetStateLog target_log_{log_};
  TargetMetrics target_metrics_{metrics_};
};

Scheduler::Impl::Impl(boost::asio::io_context& io, SchedulerOptions options, std::vector<NamedSource> sources,
                      std::vector<NamedProcessor> processors, PublishFn publish, mpf::Logger& log,
                      SelfMetricsRegistry& metrics)
    : strand_(boost::asio::make_strand(io)),
      options_(options),
      publish_(std::move(publish)),
      log_(log),
      metrics_(metrics),
      tick_timer_(strand_),
      rng_(options.seed != 0 ? options.seed : std::random_device{}()) {
  // Nonsensical values are clamped rather than refused: validation with config paths belongs to the
  // config layer, and the scheduler must not spin or divide by zero whatever it is given.
  using std::chrono::nanoseconds;
  options_.resolution = std::max(options_.resolution, nanoseconds(std::chrono::milliseconds(1)));
  if (options_.cycle_deadline <= nanoseconds::zero()) options_.cycle_deadline = options_.resolution;
  options_.scrape_timeout = std::max(options_.scrape_timeout, nanoseconds::zero());
  options_.max_in_flight = std::max<std::size_t>(options_.max_in_flight, 1);
  options_.jitter_per_target = std::max(options_.jitter_per_target, nanoseconds::zero());
  options_.max_jitter = std::max(options_.max_jitter, nanoseconds::zero());

  bool any_blocking = false;
  for (auto& s : sources) {
    if (s.source == nullptr) {
      log_.error("Ignoring a source without an instance", {{"source", s.name}});
      continue;
    }
    sources_.push_back(ScrapeSource::create(s.name, *s.source, metrics_));
    any_blocking = any_blocking || sources_.back().blocking;
  }
  for (auto& p : processors) {
    if (p.processor == nullptr) {
      log_.error("Ignoring a processor without an instance", {{"processor", p.name}});
      continue;
    }
    processors_.push_back({p.name, p.processor,
                           metrics_.counter("mpf_processor_failures_total", "Failed processor runs.",
                                            {{"processor", p.name}})});
  }
  if (any_blocking) pool_ = std::make_unique<boost::asio::thread_pool>(worker_pool_size());

  cycles_total_ = metrics_.counter("mpf_cycles_total", "Scrape cycles completed.");
  // A timestamp rather than an age, as Prometheus convention has it: age = time() - this.
  last_snapshot_time_ = metrics_.gauge("mpf_last_snapshot_timestamp_seconds",
                                       "Unix time at which the last snapshot was published to the sinks.");
  skipped_ticks_ = metrics_.counter("mpf_scheduler_skipped_ticks_total",
                                    "Ticks dropped because the previous cycle was still running.");
  late_cycles_ = metrics_.counter("mpf_scheduler_late_cycles_total",
                                  "Cycles started late because the previous cycle ran past their tick.");
  in_flight_ = metrics_.gauge("mpf_scrapes_in_flight", "Scrapes currently running.");
  cycle_duration_ = metrics_.histogram("mpf_cycle_duration_seconds",
                                       "Time from the start of a cycle to the publication of its snapshot.",
                                       exponential_buckets(0.001, 2, 18));
  tick_duration_ = metrics_.histogram(kManagerTickDuration, kManagerTickDurationHelp,
                                      manager_tick_buckets(options_.resolution));
}

Scheduler::Impl::~Impl() { shutdown(); }

void Scheduler::Impl::init() {
  gate_->deliver = [weak = weak_from_this(), strand = strand_](ScrapeArrival arrival) {
    boost::asio::post(strand, [weak, arrival = std::move(arrival)]() mutable {
      if (auto self = weak.lock()) self->on_done(std::move(arrival));
    });
  };
}

void Scheduler::Impl::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  gate_->close();
  if (pool_) {
    // Tasks not yet started are dropped (their calls were abandoned anyway); a blocking scrape()
    // already running is waited for, since it still uses its source.
    pool_->stop();
    pool_->join();
  }
}

void Scheduler::Impl::start() {
  post([](Impl& self) {
    if (self.started_ || self.stopping_) return;
    self.started_ = true;
    self.scheduled_ = Clock::now();
    self.begin_cycle();
  });
}

void Scheduler::Impl::stop(std::function<void()> on_stopped) {
  post([on_stopped = std::move(on_stopped)](Impl& self) mutable {
    if (on_stopped) self.on_stopped_.push_back(std::move(on_stopped));
    if (self.stopped_) {
      self.finish_stop();
      return;
    }
    if (self.stopping_) return;  // the cycle being cut will call finish_stop()
    self.stopping_ = true;
    self.tick_timer_.cancel();
    if (self.cycle_) {
      self.cycle_->stop();
    } else {
      self.finish_stop();
    }
  });
}

CycleHost::TimerHandler Scheduler::Impl::when_current(std::uint64_t cycle, std::function<void(CycleRunner&)> fn) {
  return [weak = weak_from_this(), cycle, fn = std::move(fn)](const boost::system::error_code&) {
    auto self = weak.lock();
    if (self && self->current(cycle)) fn(*self->cycle_);
  };
}

void Scheduler::Impl::post_finish(std::uint64_t cycle) {
  post([cycle](Impl& self) { self.finish_cycle(cycle); });
}

void Scheduler::Impl::on_tick() {
  if (stopping_ || cycle_) return;
  begin_cycle();
}

void Scheduler::Impl::begin_cycle() {
  CycleEnv env{strand_, options_, sources_, gate_, pool_.get(), *in_flight_, log_, *this, *batch_pool_};
  cycle_ = std::make_unique<CycleRunner>(env, ++cycle_number_);
  cycle_->start(rng_);
}

void Scheduler::Impl::on_done(ScrapeArrival arrival) {
  if (arrival.duplicate) {
    // Counted where it happened; logged here, where the logger is known to be alive.
    log_.error("A source called done twice for one scrape; ignoring the second call",
               {{"source", sources_[arrival.source].name}, {"cycle", std::to_string(arrival.cycle)}});
    return;
  }
  if (!current(arrival.cycle)) return;
  cycle_->on_done(std::move(arrival));
}

void Scheduler::Impl::finish_cycle(std::uint64_t cycle) {
  if (!current(cycle)) return;
  std::unique_ptr<CycleRunner> c = std::move(cycle_);

  auto snapshot = std::make_shared<mpf::Snapshot>();
  snapshot->cycle = cycle;
  snapshot->started_at = c->started_wall();
  std::vector<std::size_t> source_of;
  std::size_t failures = c->take_results(snapshot->scrapes, source_of);
  std::vector<bool> listed = c->listed_sources();
  // The end of scraping, so that processors can read it.
  snapshot->finished_at = std::chrono::system_clock::now();
  Clock::time_point started = c->started();
  c.reset();  // releases the timers before plugins run
  // Before the processors, which may reorder or extend `scrapes`. A cycle cut by stop() is left out:
  // its unfinished targets did not fail, the scheduler gave up on them.
  if (!stopping_) {
    target_log_.update(*snapshot, source_of, listed);
    target_metrics_.update(snapshot->scrapes, source_of, listed);
  }

  run_processors(cycle, *snapshot);
  std::size_t targets = snapshot->scrapes.size();
  if (publish_) {
    try {
      publish_(std::move(snapshot));
    } catch (const std::exception& e) {
      log_.error("Publishing a snapshot failed", {{"cycle", std::to_string(cycle)}, {"error", e.what()}});
    } catch (...) {
      log_.error("Publishing a snapshot failed", {{"cycle", std::to_string(cycle)}});
    }
  }

  Clock::time_point now = Clock::now();
  auto duration = now - started;
  cycles_total_->inc();
  last_snapshot_time_->set(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  cycle_duration_->observe(std::chrono::duration<double>(duration).count());
  // metrics-server observes its tick after Store(); here the processors (its storage) and publish.
  tick_duration_->observe(std::chrono::duration<double>(duration).count());
  log_.info_v(1, "Scrape finished",
              {{"cycle", std::to_string(cycle)}, {"duration", mpf::format_duration(duration)},
               {"targets", std::to_string(targets)}, {"failures", std::to_string(failures)}});
  cycles_completed.fetch_add(1);

  if (stopping_) {
    finish_stop();
    return;
  }
  schedule_next(now);
}

void Scheduler::Impl::run_processors(std::uint64_t cycle, mpf::Snapshot& snapshot) {
  for (auto& p : processors_) {
    mpf::Status status;
    try {
      status = p.processor->process(snapshot);
    } catch (...) {
      status = mpf::Status::permanent("process threw an exception");
    }
    if (!status.is_ok()) {
      p.failures->inc();
      log_.warn("Processor failed", {{"processor", p.name}, {"cycle", std::to_string(cycle)},
                                     {"error", status.to_string()}});
    }
  }
}

void Scheduler::Impl::schedule_next(Clock::time_point now) {
  Clock::time_point next = scheduled_ + options_.resolution;
  if (now >= next) {
    // Overran: start at once rather than once per missed tick. The first missed tick is served late;
    // any further ones are dropped, as Go's ticker does.
    auto missed = static_cast<std::uint64_t>((now - scheduled_) / options_.resolution);
    if (missed > 1) skipped_ticks_->add(static_cast<double>(missed - 1));
    late_cycles_->inc();
    scheduled_ = now;
    post([](Impl& self) { self.on_tick(); });
    return;
  }
  scheduled_ = next;
  tick_timer_.expires_at(next);
  tick_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_tick();
  });
}

void Scheduler::Impl::finish_stop() {
  stopped_ = true;
  // Late done callbacks have nowhere to go any more; keeps io_context::run() from waking for them.
  gate_->close();
  for (auto& fn : on_stopped_) {
    boost::asio::post(strand_, [fn = std::move(fn)] {
      try {
        fn();
      } catch (...) {
        // The host's own callback; nothing escapes the io_context from here.
      }
    });
  }
  on_stopped_.clear();
}

Scheduler::Scheduler(boost::asio::io_context& io, SchedulerOptions options, std::vector<NamedSource> sources,
                     std::vector<NamedProcessor> processors, PublishFn publish, mpf::Logger& log,
                     SelfMetricsRegistry& metrics)
    : impl_(std::make_shared<Impl>(io, options, std::move(sources), std::move(processors), std::move(publish), log,
                                   metrics)) {
  impl_->init();
}

Scheduler::~Scheduler() {
  impl_->shutdown();
}

void Scheduler::start() { impl_->start(); }

void Scheduler::stop(std::function<void()> on_stopped) { impl_->stop(std::move(on_stopped)); }

std::uint64_t Scheduler::cycles_completed_for_test() const { return impl_->cycles_completed.load(); }

}  // namespace mpf::core
