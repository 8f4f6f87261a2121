#include "debug_sink.h"

#include <cstdio>

#include "snapshot_summary.h"

namespace mpf::sinks::debug {

DebugSink::DebugSink(DebugSinkConfig config, PluginContext& context) : config_(std::move(config)), context_(context) {}

Status DebugSink::consume(const SnapshotPtr& snapshot, std::chrono::steady_clock::time_point) noexcept {
  try {
    write(summarize_snapshot(*snapshot));
    if (config_.verbosity == "detailed") {
      for (const auto& line : detail_lines(*snapshot)) write(line);
    }
    return Status::ok();
  } catch (const std::exception& e) {  // only allocation can throw here
    return Status::retryable(e.what());
  }
}

void DebugSink::write(const std::string& line) {
  if (config_.output == "stdout") {
    // One fwrite per line keeps lines whole when other threads print too.
    std::string with_newline = line + "\n";
    std::fwrite(with_newline.data(), 1, with_newline.size(), stdout);
    std::fflush(stdout);
  } else {
    context_.logger().info("Snapshot", {{"summary", line}});
  }
}

}  // namespace mpf::sinks::debug
