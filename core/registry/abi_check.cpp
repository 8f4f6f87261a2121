#include "core/registry/abi_check.h"

#include <string>

namespace mpf::core {

namespace {

std::string or_unknown(const char* s) { return s != nullptr ? std::string(s) : std::string("<unknown>"); }

}  // namespace

Status check_plugin_abi(const MpfPluginAbiInfo& info, std::string_view origin) {
  // struct_size guards against reading fields a (future, smaller) layout does not have.
  if (info.struct_size < sizeof(MpfPluginAbiInfo)) {
    return Status::permanent("plugin " + std::string(origin) + ": ABI info is " + std::to_string(info.struct_size) +
                             " bytes, expected at least " + std::to_string(sizeof(MpfPluginAbiInfo)) +
                             "; it was not built with this SDK");
  }
  const std::string name = or_unknown(info.name);
  const std::string toolchain = or_unknown(info.toolchain);
  if (info.abi_version != kHostAbiVersion) {
    return Status::permanent("plugin \"" + name + "\" (" + std::string(origin) + ") was built against SDK ABI version " +
                             std::to_string(info.abi_version) + " (toolchain " + toolchain +
                             "), but this metrics-server has SDK ABI version " + std::to_string(kHostAbiVersion) +
                             " (toolchain " + std::string(kHostToolchain) + "); rebuild the plugin against this SDK");
  }
  if (toolchain != kHostToolchain) {
    return Status::permanent("plugin \"" + name + "\" (" + std::string(origin) + ") was built with toolchain " +
                             toolchain + " (SDK ABI version " + std::to_string(info.abi_version) +
                             "), but this metrics-server was built with toolchain " + std::string(kHostToolchain) +
                             " (SDK ABI version " + std::to_string(kHostAbiVersion) +
                             "); C++ types cross the plugin boundary, so both must match");
  }
  return Status::ok();
}

Status check_descriptor(const PluginDescriptor& d, std::string_view origin) {
  std::string where = "plugin " + std::string(origin);
  if (d.name == nullptr || *d.name == '\0') return Status::permanent(where + ": descriptor has no name");
  if (d.options == nullptr) return Status::permanent(where + ": descriptor has no option list");
  if (d.abi_version != kHostAbiVersion || d.toolchain == nullptr || std::string_view(d.toolchain) != kHostToolchain) {
    return Status::permanent(where + ": descriptor's ABI version or toolchain differs from its ABI info");
  }
  bool factory_ok = false;
  switch (d.kind) {
    case PluginKind::kSource: factory_ok = d.create_source != nullptr; break;
    case PluginKind::kProcessor: factory_ok = d.create_processor != nullptr; break;
    case PluginKind::kSink: factory_ok = d.create_sink != nullptr; break;
  }
  if (!factory_ok) {
    return Status::permanent(where + ": " + plugin_kind_name(d.kind) + " plugin \"" + d.name +
                             "\" has no " + plugin_kind_name(d.kind) + " factory");
  }
  return Status::ok();
}

}  // namespace mpf::core
