#include "host_source.h"

#include <exception>

namespace mpf::sources::host {

HostSource::HostSource(std::string node_name, HostReaderOptions options, PluginContext& context)
    : node_name_(std::move(node_name)),
      reader_(std::move(options)),
      log_(context.logger()),
      dropped_limit_(context.self_metrics().counter(
          kDroppedTotal, "Containers and pod samples the host source did not report, by reason.", {{"reason", "limit"}})),
      dropped_duplicate_(context.self_metrics().counter(
          kDroppedTotal, "Containers and pod samples the host source did not report, by reason.",
          {{"reason", "duplicate"}})),
      incomplete_(context.self_metrics().counter(
          kIncompleteTotal, "Cgroups skipped because their CPU or memory could not be read (vanished, malformed).")) {}

Status HostSource::start() noexcept {
  try {
    const CgroupLayout layout = reader_.detect_layout();
    log_.info("host source: detected cgroup layout",
              {{"node", node_name_}, {"mode", cgroup_mode_name(layout.mode)}, {"cpuacct", layout.cpuacct},
               {"memory", layout.memory}, {"unified", layout.unified}});
  } catch (const std::exception& e) {
    return Status::permanent(std::string("host source: start failed: ") + e.what());
  }
  return Status::ok();
}

Status HostSource::list_targets(std::vector<Target>& out) noexcept {
  try {
    out.push_back(Target{node_name_, reader_.options().cgroup_root, {}});
  } catch (const std::exception& e) {
    return Status::retryable(std::string("host source: ") + e.what());
  }
  return Status::ok();
}

void HostSource::scrape(const Target&, Deadline deadline, NodeBatch& batch, ScrapeDone done) noexcept {
  ScrapeOutcome outcome;
  try {
    const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    HostReadCounts counts;
    outcome = reader_.read(batch, now_ns, deadline, counts);
    count(counts);
  } catch (const std::exception& e) {
    outcome = ScrapeOutcome::failure(FailureReason::kInternal,
                                     Status::permanent(std::string("host source: scrape failed: ") + e.what()));
  } catch (...) {
    outcome = ScrapeOutcome::failure(FailureReason::kInternal, Status::permanent("host source: scrape failed"));
  }
  log_outcome(outcome);
  done(std::move(outcome));
}

void HostSource::count(const HostReadCounts& counts) noexcept {
  if (dropped_limit_) dropped_limit_->add(static_cast<double>(counts.dropped_limit));
  if (dropped_duplicate_) dropped_duplicate_->add(static_cast<double>(counts.dropped_duplicate));
  if (incomplete_) incomplete_->add(static_cast<double>(counts.incomplete));
}

void HostSource::log_outcome(const ScrapeOutcome& outcome) noexcept {
  const bool failed = !outcome.status.is_ok();
  if (failing_.exchange(failed) == failed) return;
  if (failed) {
    log_.warn("host source: scrape failed",
              {{"node", node_name_}, {"reason", failure_reason_name(outcome.reason)}, {"error", outcome.status.message()}});
  } else {
    log_.info("host source: scrape recovered", {{"node", node_name_}});
  }
}

}  // namespace mpf::sources::host
