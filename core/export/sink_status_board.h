#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/export/sink_worker_state.h"
#include "mpf/sdk/context.h"

namespace mpf::core {

// Where plugins read the pipeline's sink states (PluginContext::sink_statuses). The runtime adds each
// sink's worker state once it started; the board holds them weakly, so a context that outlives the
// runtime reads an empty list rather than dangling state. Thread-safe.
class SinkStatusBoard {
 public:
  void add(std::string name, std::weak_ptr<const SinkWorkerState> state);
  std::vector<mpf::SinkStatus> read() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::weak_ptr<const SinkWorkerState>>> sinks_;
};

}  // namespace mpf::core
