#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/status/self_metrics_registry.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/processor.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/source.h"

namespace mpf::core {

struct SchedulerOptions {
  // Cycle period, start to start. Default: 60s (metrics-server's --metric-resolution code default).
  std::chrono::nanoseconds resolution{std::chrono::seconds(60)};
  // Per-target deadline, counted from that target's own start. Default: 10s.
  std::chrono::nanoseconds scrape_timeout{std::chrono::seconds(10)};
  // Deadline of the whole cycle from its start; 0 means `resolution`, so no scrape outlives its cycle.
  // Default: 0.
  std::chrono::nanoseconds cycle_deadline{0};
  // Scrapes running at once over all sources' targets; the rest wait in a FIFO. Default: 1000.
  std::size_t max_in_flight = 1000;
  // Start offsets are drawn from U[0, min(jitter_per_target * targets, max_jitter)], as
  // metrics-server staggers its node scrapes, rounded down to a 10 ms grid when the spread is wider
  // than 40 ms (starts of one step leave together). Defaults: 8ms and 4s.
  std::chrono::nanoseconds jitter_per_target{std::chrono::milliseconds(8)};
  std::chrono::nanoseconds max_jitter{std::chrono::seconds(4)};
  // Seed of the jitter generator; 0 draws one from std::random_device. Default: 0.
  std::uint64_t seed = 0;
};

struct NamedSource {
  std::string name;
  mpf::Source* source = nullptr;
};

struct NamedProcessor {
  std::string name;
  mpf::Processor* processor = nullptr;
};

using PublishFn = std::function<void(mpf::SnapshotPtr)>;

// Runs scrape cycles on an io_context: lists every source's targets, scrapes them concurrently with
// jittered starts, bounded concurrency and per-target deadlines, runs the processors over the
// result and publishes one immutable snapshot per cycle. Cycles never overlap.
//
// Threading: everything but the `done` callbacks runs on the io_context (inside one strand, so the
// io_context may be run by several threads); scrape() of blocking sources runs on a small worker
// pool. start() and stop() may be called from any thread.
//
// Lifetime: the io_context, sources, processors, logger and registry must outlive the Scheduler.
// Destroy it after on_stopped ran or while the io_context is not running; destruction joins the
// worker pool, so a blocking scrape() that ignores its deadline delays it. `done` callbacks that
// arrive after destruction are dropped without touching the io_context.
class Scheduler {
 public:
  Scheduler(boost::asio::io_context& io, SchedulerOptions options, std::vector<NamedSource> sources,
            std::vector<NamedProcessor> processors, PublishFn publish, mpf::Logger& log,
            SelfMetricsRegistry& metrics);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs the first cycle immediately, then one every `resolution`. Calling it again has no effect.
  void start();

  // No new cycles or scrapes. A cycle in progress is cut at once: its unfinished targets are recorded
  // as failed (timeout, "shutdown"), and processors and publish still run so sinks see the final
  // state. Then `on_stopped` is posted to the io_context; nothing of this scheduler runs after it.
  void stop(std::function<void()> on_stopped);

  std::uint64_t cycles_completed_for_test() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mpf::core
