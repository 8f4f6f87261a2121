#pragma once

#include <vector>

#include "mpf/sdk/plugin.h"

namespace mpf::core {

/// The plugins linked into this binary, in name order of their folders. Defined by the generated
/// builtin_plugins.cpp (library mpf_builtin_plugins).
std::vector<const PluginDescriptor*> builtin_plugins();

}  // namespace mpf::core
