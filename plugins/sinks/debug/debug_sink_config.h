#pragma once

#include <string>

#include "mpf/sdk/options.h"

namespace mpf::sinks::debug {

struct DebugSinkConfig {
  /// "basic": one line per snapshot; "detailed": also one line per node and per failed target.
  std::string verbosity = "basic";  // Default: basic
  /// "log": through the process logger; "stdout": plain lines on standard output.
  std::string output = "log";  // Default: log
};

/// The single declaration of the options (validation, --describe-plugin, --print-config, binding).
const OptionSet<DebugSinkConfig>& debug_sink_options();

}  // namespace mpf::sinks::debug
