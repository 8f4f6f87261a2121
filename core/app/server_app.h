#pragma once

#include <iosfwd>
#include <vector>

#include "mpf/sdk/plugin.h"

namespace mpf::core {

/// The whole program behind `metrics-server`: parses the command line, assembles the config (file or
/// metrics-server default, then flags), registers `builtins` and external plugins, then performs the
/// requested action (--help, --version, --list-plugins, --describe-plugin, --print-config,
/// --validate-config) or runs the pipeline until SIGTERM/SIGINT. Returns the process exit code:
/// 0 on success, 2 on a command-line error, 1 on a configuration or start-up error (every error is printed to `err`).
int run_server_app(int argc, const char* const* argv, const std::vector<const PluginDescriptor*>& builtins,
                   std::ostream& out, std::ostream& err);

}  // namespace mpf::core
