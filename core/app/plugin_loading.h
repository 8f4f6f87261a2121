#pragma once

#include <string>
#include <vector>

#include "core/registry/plugin_registry.h"
#include "mpf/sdk/config_value.h"

namespace mpf::core {

/// Registers `builtins` (the plugins linked into the binary), then loads the external ones named by the document's
/// `global.plugin_dir` and `global.plugins`. These two keys are read before the document is validated,
/// because validating the rest needs the plugins' option declarations. Every refusal is appended to
/// `errors` (one line each); the plugins that loaded stay registered.
void register_plugins(const std::vector<const PluginDescriptor*>& builtins, const ConfigValue& document,
                      PluginRegistry& registry, std::vector<std::string>& errors);

}  // namespace mpf::core
