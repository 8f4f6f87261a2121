#pragma once

// Documentation generated from a plugin's descriptor, for `metrics-server --describe-plugin NAME`.

#include <string>

#include "mpf/sdk/plugin.h"

namespace mpf::core {

// Name, kind, version and description; a table of the options (name, type, default as YAML flow text,
// whether required, description); and a ready-to-paste YAML entry with every default filled in, where
// required options are marked with a `# required` comment.
std::string describe_plugin(const PluginDescriptor& descriptor);

}  // namespace mpf::core
