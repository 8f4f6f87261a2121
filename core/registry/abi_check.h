#pragma once

#include <string_view>

#include "mpf/sdk/plugin.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

/// The host's own identity at the plugin boundary.
inline constexpr std::uint32_t kHostAbiVersion = MPF_SDK_ABI_VERSION;
inline constexpr std::string_view kHostToolchain = MPF_SDK_TOOLCHAIN_TAG;

/// Refuses a plugin built against another SDK ABI version or with another toolchain. The message
/// names the plugin, its file, and both sides' versions, so an operator knows what to rebuild.
Status check_plugin_abi(const MpfPluginAbiInfo& info, std::string_view origin);

/// Checks that a descriptor is internally consistent (a name, the factory matching its kind, options)
/// and agrees with the ABI info read before it.
Status check_descriptor(const PluginDescriptor& descriptor, std::string_view origin);

}  // namespace mpf::core
