#include "core/scheduler/target_state_log.h"

namespace mpf::core {

void TargetStateLog::update(const mpf::Snapshot& snapshot, std::span<const std::size_t> source_of,
                            const std::vector<bool>& listed) {
  std::map<std::pair<std::size_t, std::string>, mpf::FailureReason> failing;
  for (auto& entry : failing_) {
    std::size_t source = entry.first.first;
    if (source < listed.size() && !listed[source]) failing.insert(entry);
  }
  for (std::size_t i = 0; i < snapshot.scrapes.size() && i < source_of.size(); ++i) {
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

}  // namespace mpf::core
