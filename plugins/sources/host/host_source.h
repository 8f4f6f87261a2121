#pragma once

// The `host` source: one target (this machine), scraped from cgroupfs and procfs on a worker thread.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "host_reader.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/source.h"

namespace mpf::sources::host {

/// Self-metric families of the source.
inline constexpr const char* kDroppedTotal = "mpf_host_containers_dropped_total";
inline constexpr const char* kIncompleteTotal = "mpf_host_cgroups_incomplete_total";

class HostSource : public Source {
 public:
  /// `context` outlives the source (the host guarantees it).
  HostSource(std::string node_name, HostReaderOptions options, PluginContext& context);

  /// Detects the cgroup layout and logs it once.
  Status start() noexcept override;
  /// One target: the node name, addressed by the cgroup root.
  Status list_targets(std::vector<Target>& out) noexcept override;
  /// Reads this machine synchronously and calls `done` before returning.
  void scrape(const Target& target, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept override;
  bool blocking() const noexcept override { return true; }

 private:
  void count(const HostReadCounts& counts) noexcept;
  void log_outcome(const ScrapeOutcome& outcome) noexcept;

  const std::string node_name_;
  const HostReader reader_;
  Logger& log_;
  std::shared_ptr<Counter> dropped_limit_;
  std::shared_ptr<Counter> dropped_duplicate_;
  std::shared_ptr<Counter> incomplete_;
  // Whether the last scrape failed, so that a failure is logged once per change, not every cycle.
  std::atomic<bool> failing_{false};
};

}  // namespace mpf::sources::host
