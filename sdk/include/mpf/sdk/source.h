#pragma once

/// @file
/// A source produces raw samples: it names its targets (usually one per node) and scrapes one target
/// at a time into a NodeBatch. The host's scheduler calls it once per cycle per target, concurrently
/// across targets, with a deadline.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mpf/sdk/sample.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf {

using Deadline = std::chrono::steady_clock::time_point;

/// Something a source scrapes, e.g. one node's kubelet.
struct Target {
  /// Unique within the source; becomes NodeBatch::node_name (the node name for kubelet sources).
  std::string name;
  /// Where to reach it (URL, host:port, path); meaning is up to the source.
  std::string address;
  /// Anything else the source wants to carry from listing to scraping (labels, port, path, ...).
  std::map<std::string, std::string> attributes;
};

/// How a scrape ended. `reason` must be kNone exactly when `status` is ok.
struct ScrapeOutcome {
  Status status;
  FailureReason reason = FailureReason::kNone;

  static ScrapeOutcome success() { return {}; }
  static ScrapeOutcome failure(FailureReason reason, Status status) { return {std::move(status), reason}; }
};

/// Completion callback of Source::scrape. Call it exactly once, from any thread; after calling it the
/// source must not touch the batch again.
using ScrapeDone = std::function<void(ScrapeOutcome)>;

class Source {
 public:
  virtual ~Source() = default;

  /// Called once, before the first cycle, on the scheduler thread. A failure is fatal at start-up.
  virtual Status start() noexcept { return Status::ok(); }

  /// Fills `out` with this cycle's targets. Called at the start of every cycle on the scheduler
  /// thread; must not block on I/O (serve from a cache kept current in the background).
  virtual Status list_targets(std::vector<Target>& out) noexcept = 0;

  /// Scrapes `target` into `batch` and then calls `done`. `target` and `batch` are owned by the host and
  /// stay valid until `done` is called; `batch` arrives empty except for node_name, preset to
  /// target.name (NodeBatch::clear() would erase it too). Return promptly: either finish synchronously (and call `done` before
  /// returning) or start asynchronous work that calls `done` later. The host stops waiting at
  /// `deadline` and records a timeout, but still keeps `batch` alive until `done` is called; honour
  /// the deadline to free resources early. Non-blocking sources are called on the scheduler thread.
  virtual void scrape(const Target& target, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept = 0;

  /// True when scrape() does blocking work (file reads, syscalls): the host then calls it on a worker
  /// thread so it never stalls the scheduler.
  virtual bool blocking() const noexcept { return false; }

  /// Called once at shutdown, after the last scrape was started. Cancel outstanding work; `done`
  /// callbacks may still arrive and are ignored.
  virtual void stop() noexcept {}
};

using SourcePtr = std::unique_ptr<Source>;

}  // namespace mpf
