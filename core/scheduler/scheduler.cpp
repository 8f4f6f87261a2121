#include "core/scheduler/scheduler.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using Clock = std::chrono::steady_clock;
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

// One call of a done callback, on its way to the scheduler's strand.
struct Arrival {
  std::uint64_t cycle = 0;
  std::size_t source = 0;
  std::size_t index = 0;
  mpf::ScrapeOutcome outcome;
  Clock::time_point at;
  bool duplicate = false;
};

// A done callback hands its outcome to the scheduler through the gate. Once the scheduler stopped or
// was destroyed the gate is closed and late callbacks go nowhere, so a plugin may keep and call a
// callback at any time without reaching a dead scheduler or io_context.
struct Gate {
  std::mutex mu;
  bool open = true;
  std::function<void(Arrival)> deliver;

  void send(Arrival arrival) {
    std::lock_guard lock(mu);
    if (open && deliver) deliver(std::move(arrival));
  }
  void close() {
    std::lock_guard lock(mu);
    open = false;
    deliver = nullptr;
  }
};

// Shared by one scrape's done callback (all copies of it), the pool task of a blocking source and the
// scheduler. Owns what the source may still use after the scheduler gave up on the scrape: the
// batch and the target stay alive until the source drops its callback.
struct ScrapeCall {
  std::shared_ptr<Gate> gate;
  std::shared_ptr<mpf::Counter> protocol_errors;
  std::shared_ptr<mpf::NodeBatch> batch;
  std::shared_ptr<const mpf::Target> target;
  std::uint64_t cycle = 0;
  std::size_t source = 0;
  std::size_t index = 0;
  std::atomic<bool> done_called{false};
  // 0: not started; 1: scrape() entered (blocking sources); 2: abandoned before it started.
  std::atomic<int> start_state{0};

  void done(mpf::ScrapeOutcome outcome) {
    Arrival arrival{cycle, source, index, std::move(outcome), Clock::now(), done_called.exchange(true)};
    if (arrival.duplicate) protocol_errors->inc();
    gate->send(std::move(arrival));
  }
  bool try_start() {
    int expected = 0;
    return start_state.compare_exchange_strong(expected, 1);
  }
  void abandon() {
    int expected = 0;
    start_state.compare_exchange_strong(expected, 2);
  }
};

enum class Phase : unsigned char { kWaiting, kQueued, kRunning, kDone };

std::size_t worker_pool_size() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(n, 2, 4);
}

}  // namespace

class Scheduler::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::io_context& io, SchedulerOptions options, std::vector<NamedSource> sources,
       std::vector<NamedProcessor> processors, PublishFn publish, mpf::Logger& log, SelfMetricsRegistry& metrics);
  ~Impl();

  void init();
  void start();
  void stop(std::function<void()> on_stopped);
  void shutdown();

  std::atomic<std::uint64_t> cycles_completed{0};

 private:
  struct SourceState {
    std::string name;
    mpf::Source* source = nullptr;
    bool blocking = false;
    std::shared_ptr<mpf::Counter> success;
    std::shared_ptr<mpf::Counter> failure;
    std::shared_ptr<mpf::Counter> protocol_errors;
    std::shared_ptr<mpf::Counter> list_failures;
    std::map<mpf::FailureReason, std::shared_ptr<mpf::Counter>> failures_by_reason;
  };
  struct ProcessorState {
    std::string name;
    mpf::Processor* processor = nullptr;
    std::shared_ptr<mpf::Counter> failures;
  };
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
  struct Cycle {
    explicit Cycle(const Strand& strand) : deadline_timer(strand) {}
    std::uint64_t number = 0;
    Clock::time_point started;
    std::chrono::system_clock::time_point started_wall;
    Clock::time_point deadline;
    std::vector<TargetRun> targets;
    std::deque<std::size_t> ready;
    std::size_t remaining = 0;
    std::size_t in_flight = 0;
    bool finishing = false;
    boost::asio::steady_timer deadline_timer;
  };

  // Runs `fn(impl)` on the strand if the scheduler still exists then.
  template <class Fn>
  void post(Fn fn) {
    boost::asio::post(strand_, [weak = weak_from_this(), fn = std::move(fn)]() mutable {
      if (auto self = weak.lock()) fn(*self);
    });
  }
  bool current(std::uint64_t cycle) const { return cycle_ && cycle_->number == cycle; }

  void on_tick();
  void begin_cycle();
  void collect_targets(Cycle& cycle);
  void on_jitter_elapsed(std::uint64_t cycle, std::size_t index);
  void launch_ready();
  void launch(std::size_t index);
  void on_done(Arrival arrival);
  void on_deadline(std::uint64_t cycle, std::size_t index);
  void on_cycle_deadline(std::uint64_t cycle);
  void complete(std::size_t index, mpf::ScrapeOutcome outcome, Clock::time_point ended);
  void fail_unfinished(const char* why);
  void finish_cycle(std::uint64_t cycle);
  void log_target_changes(const mpf::Snapshot& snapshot, const std::vector<std::size_t>& source_of);
  void schedule_next(Clock::time_point now);
  void finish_stop();
  std::shared_ptr<mpf::Counter>& failure_counter(SourceState& source, mpf::FailureReason reason);

  Strand strand_;
  SchedulerOptions options_;
  std::vector<SourceState> sources_;
  std::vector<ProcessorState> processors_;
  PublishFn publish_;
  mpf::Logger& log_;
  SelfMetricsRegistry& metrics_;
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::unique_ptr<boost::asio::thread_pool> pool_;
  boost::asio::steady_timer tick_timer_;
  std::mt19937_64 rng_;

  std::shared_ptr<mpf::Counter> cycles_total_;
  std::shared_ptr<mpf::Counter> skipped_ticks_;
  std::shared_ptr<mpf::Counter> late_cycles_;
  std::shared_ptr<mpf::Gauge> in_flight_;
  std::shared_ptr<Histogram> cycle_duration_;

  bool shut_down_ = false;  // by the owning thread, once the io_context no longer runs our handlers
  bool started_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  std::uint64_t cycle_number_ = 0;
  Clock::time_point scheduled_;  // when the current cycle was due; the tick grid
  std::unique_ptr<Cycle> cycle_;
  std::vector<std::function<void()>> on_stopped_;
  // Last failure reason per failing (source, target), to log once per state change; rebuilt each
  // cycle so that targets that left do not accumulate.
  std::map<std::pair<std::size_t, std::string>, mpf::FailureReason> failing_;
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
    SourceState state;
    state.name = s.name;
    state.source = s.source;
    state.blocking = s.source->blocking();
    any_blocking = any_blocking || state.blocking;
    state.success = metrics_.counter("mpf_scrape_total", "Scrapes by source and result.",
                                     {{"source", s.name}, {"result", "success"}});
    state.failure = metrics_.counter("mpf_scrape_total", "Scrapes by source and result.",
                                     {{"source", s.name}, {"result", "failure"}});
    state.protocol_errors = metrics_.counter(
        "mpf_plugin_protocol_errors_total", "Calls by a plugin that broke the SDK contract (host-side bug check).",
        {{"plugin", s.name}});
    state.list_failures = metrics_.counter("mpf_source_list_failures_total",
                                           "Cycles in which a source failed to list its targets.", {{"source", s.name}});
    sources_.push_back(std::move(state));
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
  skipped_ticks_ = metrics_.counter("mpf_scheduler_skipped_ticks_total",
                                    "Ticks dropped because the previous cycle was still running.");
  late_cycles_ = metrics_.counter("mpf_scheduler_late_cycles_total",
                                  "Cycles started late because the previous cycle ran past their tick.");
  in_flight_ = metrics_.gauge("mpf_scrapes_in_flight", "Scrapes currently running.");
  cycle_duration_ = metrics_.histogram("mpf_cycle_duration_seconds",
                                       "Time from the start of a cycle to the publication of its snapshot.",
                                       exponential_buckets(0.001, 2, 18));
}

Scheduler::Impl::~Impl() { shutdown(); }

void Scheduler::Impl::init() {
  gate_->deliver = [weak = weak_from_this(), strand = strand_](Arrival arrival) {
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
      self.fail_unfinished("shutdown");
    } else {
      self.finish_stop();
    }
  });
}

void Scheduler::Impl::on_tick() {
  if (stopping_ || cycle_) return;
  begin_cycle();
}

void Scheduler::Impl::begin_cycle() {
  auto cycle = std::make_unique<Cycle>(strand_);
  cycle->number = ++cycle_number_;
  cycle->started = Clock::now();
  cycle->started_wall = std::chrono::system_clock::now();
  cycle->deadline = cycle->started + options_.cycle_deadline;
  collect_targets(*cycle);

  // Stagger starts like metrics-server: U[0, min(per_target * targets, max)].
  std::size_t total = cycle->targets.size();
  std::chrono::nanoseconds spread = options_.max_jitter;
  if (options_.jitter_per_target.count() == 0) {
    spread = std::chrono::nanoseconds::zero();
  } else if (total < static_cast<std::size_t>(options_.max_jitter / options_.jitter_per_target)) {
    spread = options_.jitter_per_target * static_cast<std::int64_t>(total);
  }
  std::uniform_int_distribution<std::int64_t> offset(0, spread.count());

  cycle_ = std::move(cycle);
  Cycle& c = *cycle_;
  c.remaining = total;
  if (total == 0) {
    c.finishing = true;
    post([n = c.number](Impl& self) { self.finish_cycle(n); });
    return;
  }
  c.deadline_timer.expires_at(c.deadline);
  c.deadline_timer.async_wait([weak = weak_from_this(), n = c.number](const boost::system::error_code&) {
    if (auto self = weak.lock()) self->on_cycle_deadline(n);
  });
  for (std::size_t i = 0; i < total; ++i) {
    TargetRun& run = c.targets[i];
    auto delay = std::chrono::nanoseconds(spread.count() > 0 ? offset(rng_) : 0);
    if (delay.count() == 0) {
      run.phase = Phase::kQueued;
      c.ready.push_back(i);
      continue;
    }
    run.timer->expires_at(c.started + delay);
    run.timer->async_wait([weak = weak_from_this(), n = c.number, i](const boost::system::error_code&) {
      if (auto self = weak.lock()) self->on_jitter_elapsed(n, i);
    });
  }
  launch_ready();
}

void Scheduler::Impl::collect_targets(Cycle& cycle) {
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    SourceState& source = sources_[s];
    std::vector<mpf::Target> listed;
    mpf::Status status;
    try {
      status = source.source->list_targets(listed);
    } catch (...) {
      status = mpf::Status::permanent("list_targets threw an exception");
    }
    if (!status.is_ok()) {
      // The other sources go on; this one sits the cycle out.
      source.list_failures->inc();
      log_.warn("Failed to list targets", {{"source", source.name}, {"error", status.to_string()}});
      continue;
    }
    std::unordered_set<std::string> seen;
    for (auto& target : listed) {
      if (!seen.insert(target.name).second) {
        source.protocol_errors->inc();
        log_.warn("Dropping a duplicate target", {{"source", source.name}, {"target", target.name}});
        continue;
      }
      TargetRun run;
      run.source = s;
      run.result.source = source.name;
      run.result.target = target.name;
      run.target = std::make_shared<const mpf::Target>(std::move(target));
      run.timer = std::make_unique<boost::asio::steady_timer>(strand_);
      cycle.targets.push_back(std::move(run));
    }
  }
}

void Scheduler::Impl::on_jitter_elapsed(std::uint64_t cycle, std::size_t index) {
  if (!current(cycle) || cycle_->targets[index].phase != Phase::kWaiting) return;
  cycle_->targets[index].phase = Phase::kQueued;
  cycle_->ready.push_back(index);
  launch_ready();
}

void Scheduler::Impl::launch_ready() {
  Cycle& c = *cycle_;
  while (!stopping_ && !c.ready.empty() && c.in_flight < options_.max_in_flight) {
    std::size_t index = c.ready.front();
    c.ready.pop_front();
    launch(index);
  }
}

void Scheduler::Impl::launch(std::size_t index) {
  Cycle& c = *cycle_;
  TargetRun& run = c.targets[index];
  Clock::time_point now = Clock::now();
  if (now >= c.deadline) {
    complete(index,
             mpf::ScrapeOutcome::failure(mpf::FailureReason::kTimeout,
                                         mpf::Status::retryable("the cycle deadline passed before the scrape started")),
             now);
    return;
  }
  SourceState& source = sources_[run.source];
  run.phase = Phase::kRunning;
  run.started = now;
  run.deadline = std::min(now + options_.scrape_timeout, c.deadline);
  ++c.in_flight;
  in_flight_->add(1);

  auto call = std::make_shared<ScrapeCall>();
  call->gate = gate_;
  call->protocol_errors = source.protocol_errors;
  call->batch = std::make_shared<mpf::NodeBatch>();
  call->batch->node_name = run.target->name;
  call->target = run.target;
  call->cycle = c.number;
  call->source = run.source;
  call->index = index;
  run.call = call;

  run.timer->expires_at(run.deadline);
  run.timer->async_wait([weak = weak_from_this(), n = c.number, index](const boost::system::error_code&) {
    if (auto self = weak.lock()) self->on_deadline(n, index);
  });

  mpf::ScrapeDone done = [call](mpf::ScrapeOutcome outcome) { call->done(std::move(outcome)); };
  if (source.blocking) {
    boost::asio::post(*pool_, [call, src = source.source, deadline = run.deadline, done = std::move(done)]() mutable {
      // Skipped when the scheduler gave up on it while it was queued (deadline or shutdown).
      if (!call->try_start()) return;
      try {
        src->scrape(*call->target, deadline, *call->batch, std::move(done));
      } catch (...) {
        call->done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kInternal,
                                               mpf::Status::permanent("scrape threw an exception")));
      }
    });
    return;
  }
  call->start_state.store(1);
  try {
    source.source->scrape(*call->target, run.deadline, *call->batch, std::move(done));
  } catch (...) {
    call->done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kInternal,
                                           mpf::Status::permanent("scrape threw an exception")));
  }
}

void Scheduler::Impl::on_done(Arrival arrival) {
  if (arrival.duplicate) {
    // Counted where it happened; logged here, where the logger is known to be alive.
    log_.error("A source called done twice for one scrape; ignoring the second call",
               {{"source", sources_[arrival.source].name}, {"cycle", std::to_string(arrival.cycle)}});
    return;
  }
  if (!current(arrival.cycle)) return;
  TargetRun& run = cycle_->targets[arrival.index];
  if (run.phase != Phase::kRunning) return;  // already timed out or cut by shutdown
  if (arrival.at > run.deadline) {
    // The answer came too late; what counts is the timeout, whichever handler runs first.
    on_deadline(arrival.cycle, arrival.index);
    return;
  }
  SourceState& source = sources_[run.source];
  mpf::ScrapeOutcome& outcome = arrival.outcome;
  if (outcome.status.is_ok() != (outcome.reason == mpf::FailureReason::kNone)) {
    source.protocol_errors->inc();
    log_.warn("A source reported an inconsistent scrape outcome",
              {{"source", source.name}, {"target", run.result.target}, {"status", outcome.status.to_string()},
               {"reason", mpf::failure_reason_name(outcome.reason)}});
    // The status decides; a failure still needs a reason.
    outcome.reason = outcome.status.is_ok() ? mpf::FailureReason::kNone : mpf::FailureReason::kInternal;
  }
  complete(arrival.index, std::move(outcome), arrival.at);
  launch_ready();
}

void Scheduler::Impl::on_deadline(std::uint64_t cycle, std::size_t index) {
  if (!current(cycle)) return;
  TargetRun& run = cycle_->targets[index];
  if (run.phase != Phase::kRunning) return;
  complete(index,
           mpf::ScrapeOutcome::failure(
               mpf::FailureReason::kTimeout,
               mpf::Status::retryable("no answer within " + mpf::format_duration(run.deadline - run.started))),
           run.deadline);
  launch_ready();
}

void Scheduler::Impl::on_cycle_deadline(std::uint64_t cycle) {
  if (!current(cycle)) return;
  // Running targets have their own deadline at the latest here; this catches those still waiting
  // for their jitter or a free slot.
  fail_unfinished("the cycle deadline passed before the scrape finished");
}

void Scheduler::Impl::fail_unfinished(const char* why) {
  Cycle& c = *cycle_;
  c.ready.clear();
  Clock::time_point now = Clock::now();
  for (std::size_t i = 0; i < c.targets.size(); ++i) {
    if (c.targets[i].phase == Phase::kDone) continue;
    complete(i, mpf::ScrapeOutcome::failure(mpf::FailureReason::kTimeout, mpf::Status::retryable(why)), now);
  }
}

void Scheduler::Impl::complete(std::size_t index, mpf::ScrapeOutcome outcome, Clock::time_point ended) {
  Cycle& c = *cycle_;
  TargetRun& run = c.targets[index];
  bool was_running = run.phase == Phase::kRunning;
  run.phase = Phase::kDone;
  run.timer->cancel();
  if (was_running) {
    --c.in_flight;
    in_flight_->add(-1);
    run.result.duration = std::max(ended - run.started, Clock::duration::zero());
  }
  SourceState& source = sources_[run.source];
  if (outcome.status.is_ok()) {
    // The source is done with the batch; the node name is restored in case it cleared the batch.
    if (run.call->batch->node_name.empty()) run.call->batch->node_name = run.result.target;
    run.result.batch = run.call->batch;
    source.success->inc();
  } else {
    // A blocking scrape still queued on the pool must not start any more.
    if (run.call) run.call->abandon();
    source.failure->inc();
    failure_counter(source, outcome.reason)->inc();
  }
  run.result.status = std::move(outcome.status);
  run.result.reason = outcome.reason;
  // The callback's state keeps the batch alive for a source that still holds it.
  run.call.reset();
  --c.remaining;
  // Callers start the next queued scrapes themselves: doing it from here would recurse through
  // launch() once per target when the cycle deadline has passed.
  if (c.remaining == 0 && !c.finishing) {
    c.finishing = true;
    post([n = c.number](Impl& self) { self.finish_cycle(n); });
  }
}

std::shared_ptr<mpf::Counter>& Scheduler::Impl::failure_counter(SourceState& source, mpf::FailureReason reason) {
  auto& counter = source.failures_by_reason[reason];
  if (!counter) {
    counter = metrics_.counter("mpf_scrape_failures_total", "Failed scrapes by source and reason.",
                               {{"source", source.name}, {"reason", mpf::failure_reason_name(reason)}});
  }
  return counter;
}

void Scheduler::Impl::finish_cycle(std::uint64_t cycle) {
  if (!current(cycle)) return;
  std::unique_ptr<Cycle> c = std::move(cycle_);
  c->deadline_timer.cancel();

  auto snapshot = std::make_shared<mpf::Snapshot>();
  snapshot->cycle = c->number;
  snapshot->started_at = c->started_wall;
  snapshot->scrapes.reserve(c->targets.size());
  std::size_t failures = 0;
  std::vector<std::size_t> source_of;
  source_of.reserve(c->targets.size());
  for (auto& run : c->targets) {
    if (!run.result.status.is_ok()) ++failures;
    source_of.push_back(run.source);
    snapshot->scrapes.push_back(std::move(run.result));
  }
  // The end of scraping, so that processors can read it.
  snapshot->finished_at = std::chrono::system_clock::now();
  c->targets.clear();  // releases the timers before plugins run
  // Before the processors, which may reorder or extend `scrapes`.
  if (!stopping_) log_target_changes(*snapshot, source_of);

  for (auto& p : processors_) {
    mpf::Status status;
    try {
      status = p.processor->process(*snapshot);
    } catch (...) {
      status = mpf::Status::permanent("process threw an exception");
    }
    if (!status.is_ok()) {
      p.failures->inc();
      log_.warn("Processor failed", {{"processor", p.name}, {"cycle", std::to_string(c->number)},
                                     {"error", status.to_string()}});
    }
  }
  std::size_t targets = snapshot->scrapes.size();
  if (publish_) {
    try {
      publish_(std::move(snapshot));
    } catch (const std::exception& e) {
      log_.error("Publishing a snapshot failed", {{"cycle", std::to_string(c->number)}, {"error", e.what()}});
    } catch (...) {
      log_.error("Publishing a snapshot failed", {{"cycle", std::to_string(c->number)}});
    }
  }

  Clock::time_point now = Clock::now();
  auto duration = now - c->started;
  cycles_total_->inc();
  cycle_duration_->observe(std::chrono::duration<double>(duration).count());
  log_.info_v(1, "Scrape finished",
              {{"cycle", std::to_string(c->number)}, {"duration", mpf::format_duration(duration)},
               {"targets", std::to_string(targets)}, {"failures", std::to_string(failures)}});
  cycles_completed.fetch_add(1);

  if (stopping_) {
    finish_stop();
    return;
  }
  schedule_next(now);
}

void Scheduler::Impl::log_target_changes(const mpf::Snapshot& snapshot, const std::vector<std::size_t>& source_of) {
  // One warning when a target starts failing or changes reason, one info when it recovers, instead
  // of one line per target per cycle.
  std::map<std::pair<std::size_t, std::string>, mpf::FailureReason> failing;
  for (std::size_t i = 0; i < snapshot.scrapes.size(); ++i) {
    const mpf::ScrapeResult& r = snapshot.scrapes[i];
    auto key = std::make_pair(source_of[i], r.target);
    auto previous = failing_.find(key);
    if (r.status.is_ok()) {
      if (previous != failing_.end()) {
        log_.info("Target scrape recovered", {{"source", r.source}, {"target", r.target}});
      }
      continue;
    }
    if (previous == failing_.end() || previous->second != r.reason) {
      log_.warn("Failed to scrape target", {{"source", r.source}, {"target", r.target},
                                            {"reason", mpf::failure_reason_name(r.reason)},
                                            {"error", r.status.message()}});
    }
    failing.emplace(std::move(key), r.reason);
  }
  failing_ = std::move(failing);
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

// ---- Scheduler ----

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
