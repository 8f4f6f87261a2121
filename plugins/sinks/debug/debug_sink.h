#pragma once

#include <mutex>

#include "debug_sink_config.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/sink.h"

namespace mpf::sinks::debug {

/// Writes a summary of every snapshot, for operators checking that a pipeline runs and for plugin
/// authors as the smallest complete sink.
class DebugSink : public Sink {
 public:
  DebugSink(DebugSinkConfig config, PluginContext& context);
  Status consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point deadline) noexcept override;

 private:
  void write(const std::string& line);

  DebugSinkConfig config_;
  PluginContext& context_;
};

}  // namespace mpf::sinks::debug
