// Entry point of the `debug` sink: options, factory, registration. Copy this folder to start a sink.
#include "debug_sink.h"
#include "debug_sink_config.h"
#include "mpf/sdk/plugin.h"

namespace mpf::sinks::debug {

const OptionSet<DebugSinkConfig>& debug_sink_options() {
  static const auto options = OptionSet<DebugSinkConfig>()
                                  .add("verbosity", &DebugSinkConfig::verbosity,
                                       "basic: one line per snapshot; detailed: also a line per node and failed target")
                                  .add("output", &DebugSinkConfig::output,
                                       "log: through the process log; stdout: plain lines on standard output");
  return options;
}

Result<SinkPtr> create_debug_sink(const DebugSinkConfig& config, PluginContext& context) {
  if (config.verbosity != "basic" && config.verbosity != "detailed") {
    return Status::invalid_argument("verbosity: must be \"basic\" or \"detailed\", got \"" + config.verbosity + "\"");
  }
  if (config.output != "log" && config.output != "stdout") {
    return Status::invalid_argument("output: must be \"log\" or \"stdout\", got \"" + config.output + "\"");
  }
  return SinkPtr(std::make_unique<DebugSink>(config, context));
}

}  // namespace mpf::sinks::debug

MPF_SINK_PLUGIN(debug, "0.1.0", "Writes a one-line summary of every snapshot (and per-node detail) for debugging.",
                mpf::sinks::debug::debug_sink_options, mpf::sinks::debug::create_debug_sink)
