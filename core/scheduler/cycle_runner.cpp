#include "core/scheduler/cycle_runner.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>

#include <boost/asio/post.hpp>

#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

constexpr std::chrono::nanoseconds kStartGrid = std::chrono::milliseconds(10);

}  // namespace

CycleRunner::CycleRunner(CycleEnv env, std::uint64_t number)
    : env_(env),
      number_(number),
      started_(Clock::now()),
      started_wall_(std::chrono::system_clock::now()),
      deadline_(started_ + env_.options.cycle_deadline),
      deadline_timer_(env_.strand) {}

void CycleRunner::start(std::mt19937_64& rng) {
  collect_targets();

  // Stagger starts like metrics-server: U[0, min(per_target * targets, max)].
  const SchedulerOptions& options = env_.options;
  std::size_t total = targets_.size();
  // One idle batch per target (plus slack) is what the next cycle reuses while this cycle's snapshot
  // still holds its own.
  env_.batches.set_max_idle(total + 16);
  std::chrono::nanoseconds spread = options.max_jitter;
  if (options.jitter_per_target.count() == 0) {
    spread = std::chrono::nanoseconds::zero();
  } else if (total < static_cast<std::size_t>(options.max_jitter / options.jitter_per_target)) {
    spread = options.jitter_per_target * static_cast<std::int64_t>(total);
  }
  std::uniform_int_distribution<std::int64_t> offset(0, spread.count());

  remaining_ = total;
  if (total == 0) {
    finishing_ = true;
    env_.host.post_finish(number_);
    return;
  }
  deadline_timer_.expires_at(deadline_);
  deadline_timer_.async_wait(env_.host.when_current(number_, [](CycleRunner& c) { c.on_cycle_deadline(); }));
  for (std::size_t i = 0; i < total; ++i) {
    TargetRun& run = targets_[i];
    auto delay = std::chrono::nanoseconds(spread.count() > 0 ? offset(rng) : 0);
    // On a grid, so that the starts falling in one step leave on one wake-up of this thread and of the
    // HTTP engine's, not one each: at 5000 nodes over 4 s that is about 12 starts per 10 ms. (metrics-
    // server draws whole milliseconds.)
    if (spread > kStartGrid * 4) delay -= delay % kStartGrid;
    if (delay.count() == 0) {
      run.phase = Phase::kQueued;
      ready_.push_back(i);
      continue;
    }
    run.timer->expires_at(started_ + delay);
    run.timer->async_wait(env_.host.when_current(number_, [i](CycleRunner& c) { c.on_jitter_elapsed(i); }));
  }
  launch_ready();
}

void CycleRunner::collect_targets() {
  listed_.assign(env_.sources.size(), false);
  for (std::size_t s = 0; s < env_.sources.size(); ++s) {
    ScrapeSource& source = env_.sources[s];
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
      env_.log.warn("Failed to list targets", {{"source", source.name}, {"error", status.to_string()}});
      continue;
    }
    listed_[s] = true;
    std::unordered_set<std::string> seen;
    for (auto& target : listed) {
      if (!seen.insert(target.name).second) {
        source.protocol_errors->inc();
        env_.log.warn("Dropping a duplicate target", {{"source", source.name}, {"target", target.name}});
        continue;
      }
      TargetRun run;
      run.source = s;
      run.result.source = source.name;
      run.result.target = target.name;
      run.target = std::make_shared<const mpf::Target>(std::move(target));
      run.timer = std::make_unique<boost::asio::steady_timer>(env_.strand);
      targets_.push_back(std::move(run));
    }
  }
}

void CycleRunner::on_jitter_elapsed(std::size_t index) {
  if (targets_[index].phase != Phase::kWaiting) return;
  targets_[index].phase = Phase::kQueued;
  ready_.push_back(index);
  launch_ready();
}

void CycleRunner::launch_ready() {
  while (!stopping_ && !ready_.empty() && in_flight_ < env_.options.max_in_flight) {
    std::size_t index = ready_.front();
    ready_.pop_front();
    launch(index);
  }
}

void CycleRunner::launch(std::size_t index) {
  TargetRun& run = targets_[index];
  Clock::time_point now = Clock::now();
  if (now >= deadline_) {
    complete(index,
             mpf::ScrapeOutcome::failure(mpf::FailureReason::kTimeout,
                                         mpf::Status::retryable("the cycle deadline passed before the scrape started")),
             now);
    return;
  }
  ScrapeSource& source = env_.sources[run.source];
  run.phase = Phase::kRunning;
  run.started = now;
  run.deadline = std::min(now + env_.options.scrape_timeout, deadline_);
  ++in_flight_;
  env_.in_flight.add(1);

  auto call = std::make_shared<ScrapeCall>();
  call->gate = env_.gate;
  call->protocol_errors = source.protocol_errors;
  call->batch = env_.batches.acquire();
  call->batch->node_name = run.target->name;
  call->target = run.target;
  call->cycle = number_;
  call->source = run.source;
  call->index = index;
  run.call = call;

  run.timer->expires_at(run.deadline);
  run.timer->async_wait(env_.host.when_current(number_, [index](CycleRunner& c) { c.on_deadline(index); }));

  mpf::ScrapeDone done = [call](mpf::ScrapeOutcome outcome) { call->done(std::move(outcome)); };
  if (source.blocking) {
    auto task = [call, src = source.source, deadline = run.deadline, done = std::move(done)]() mutable {
      // Skipped when the scheduler gave up on it while it was queued (deadline or shutdown).
      if (!call->try_start()) return;
      try {
        src->scrape(*call->target, deadline, *call->batch, std::move(done));
      } catch (...) {
        call->done(mpf::ScrapeOutcome::failure(mpf::FailureReason::kInternal,
                                               mpf::Status::permanent("scrape threw an exception")));
      }
    };
    boost::asio::post(*env_.pool, std::move(task));
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

void CycleRunner::on_done(ScrapeArrival arrival) {
  TargetRun& run = targets_[arrival.index];
  if (run.phase != Phase::kRunning) return;  // already timed out or cut by shutdown
  if (arrival.at > run.deadline) {
    // The answer came too late; what counts is the timeout, whichever handler runs first.
    on_deadline(arrival.index);
    return;
  }
  ScrapeSource& source = env_.sources[run.source];
  mpf::ScrapeOutcome& outcome = arrival.outcome;
  if (outcome.status.is_ok() != (outcome.reason == mpf::FailureReason::kNone)) {
    source.protocol_errors->inc();
    env_.log.warn("A source reported an inconsistent scrape outcome",
                  {{"source", source.name}, {"target", run.result.target}, {"status", outcome.status.to_string()},
                   {"reason", mpf::failure_reason_name(outcome.reason)}});
    // The status decides; a failure still needs a reason.
    outcome.reason = outcome.status.is_ok() ? mpf::FailureReason::kNone : mpf::FailureReason::kInternal;
  }
  complete(arrival.index, std::move(outcome), arrival.at);
  launch_ready();
}

void CycleRunner::on_deadline(std::size_t index) {
  TargetRun& run = targets_[index];
  if (run.phase != Phase::kRunning) return;
  complete(index,
           mpf::ScrapeOutcome::failure(
               mpf::FailureReason::kTimeout,
               mpf::Status::retryable("no answer within " + mpf::format_duration(run.deadline - run.started))),
           run.deadline);
  launch_ready();
}

void CycleRunner::on_cycle_deadline() {
  // Running targets have their own deadline at the latest here; this catches those still waiting
  // for their jitter or a free slot.
  fail_unfinished("the cycle deadline passed before the scrape finished");
}

void CycleRunner::stop() {
  stopping_ = true;
  fail_unfinished("shutdown");
}

void CycleRunner::fail_unfinished(const char* why) {
  ready_.clear();
  Clock::time_point now = Clock::now();
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].phase == Phase::kDone) continue;
    complete(i, mpf::ScrapeOutcome::failure(mpf::FailureReason::kTimeout, mpf::Status::retryable(why)), now);
  }
}

void CycleRunner::complete(std::size_t index, mpf::ScrapeOutcome outcome, Clock::time_point ended) {
  TargetRun& run = targets_[index];
  bool was_running = run.phase == Phase::kRunning;
  run.phase = Phase::kDone;
  run.timer->cancel();
  if (was_running) {
    --in_flight_;
    env_.in_flight.add(-1);
    run.result.duration = std::max(ended - run.started, Clock::duration::zero());
  }
  ScrapeSource& source = env_.sources[run.source];
  if (outcome.status.is_ok()) {
    // The source is done with the batch; the node name is restored in case it cleared the batch.
    if (run.call->batch->node_name.empty()) run.call->batch->node_name = run.result.target;
    run.result.batch = run.call->batch;
    source.success->inc();
  } else {
    // A blocking scrape still queued on the pool must not start any more.
    if (run.call) run.call->abandon();
    source.failure->inc();
    source.failure_counter(outcome.reason).inc();
  }
  run.result.status = std::move(outcome.status);
  run.result.reason = outcome.reason;
  // The callback's state keeps the batch alive for a source that still holds it.
  run.call.reset();
  --remaining_;
  // Callers start the next queued scrapes themselves: doing it from here would recurse through
  // launch() once per target when the cycle deadline has passed.
  if (remaining_ == 0 && !finishing_) {
    finishing_ = true;
    env_.host.post_finish(number_);
  }
}

std::size_t CycleRunner::take_results(std::vector<mpf::ScrapeResult>& scrapes, std::vector<std::size_t>& source_of) {
  deadline_timer_.cancel();
  scrapes.reserve(scrapes.size() + targets_.size());
  source_of.reserve(source_of.size() + targets_.size());
  std::size_t failures = 0;
  for (auto& run : targets_) {
    if (!run.result.status.is_ok()) ++failures;
    source_of.push_back(run.source);
    scrapes.push_back(std::move(run.result));
  }
  return failures;
}

}  // namespace mpf::core
