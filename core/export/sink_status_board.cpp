#include "core/export/sink_status_board.h"

#include <utility>

namespace mpf::core {

void SinkStatusBoard::add(std::string name, std::weak_ptr<const SinkWorkerState> state) {
  std::lock_guard lock(mu_);
  sinks_.emplace_back(std::move(name), std::move(state));
}

std::vector<mpf::SinkStatus> SinkStatusBoard::read() const {
  std::vector<mpf::SinkStatus> out;
  std::lock_guard lock(mu_);
  out.reserve(sinks_.size());
  for (const auto& [name, weak] : sinks_) {
    std::shared_ptr<const SinkWorkerState> state = weak.lock();
    if (!state) continue;
    mpf::SinkStatus status;
    status.name = name;
    std::lock_guard state_lock(state->mu);
    status.phase = sink_phase_name(state->state.phase);
    status.last_error = state->state.last_error;
    status.queue_length = state->queue.size();
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace mpf::core
