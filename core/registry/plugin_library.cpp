#include "core/registry/plugin_library.h"

#include <exception>

#include "core/registry/abi_check.h"

namespace mpf::core {

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::open(const std::string& path) {
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  try {
    // rtld_local: two plugins may define the same internal symbols without interfering.
    lib->library_.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return Status::permanent("plugin " + path + ": cannot load: " + e.what());
  }
  if (!lib->library_.has(MPF_PLUGIN_ABI_INFO_SYMBOL)) {
    return Status::permanent("plugin " + path + ": not an mpf plugin (no symbol " MPF_PLUGIN_ABI_INFO_SYMBOL ")");
  }
  const MpfPluginAbiInfo* info = nullptr;
  try {
    info = lib->library_.get<const MpfPluginAbiInfo*()>(MPF_PLUGIN_ABI_INFO_SYMBOL)();
  } catch (const std::exception& e) {
    return Status::permanent("plugin " + path + ": reading its ABI info failed: " + e.what());
  }
  if (info == nullptr) return Status::permanent("plugin " + path + ": ABI info is null");
  if (Status st = check_plugin_abi(*info, path); !st.is_ok()) return st;

  if (!lib->library_.has(MPF_PLUGIN_ENTRY_SYMBOL)) {
    return Status::permanent("plugin " + path + ": ABI info says version " + std::to_string(info->abi_version) +
                             " but the entry point " MPF_PLUGIN_ENTRY_SYMBOL " is missing");
  }
  try {
    lib->descriptor_ = lib->library_.get<const PluginDescriptor*()>(MPF_PLUGIN_ENTRY_SYMBOL)();
  } catch (const std::exception& e) {
    return Status::permanent("plugin " + path + ": entering it failed: " + e.what());
  }
  if (lib->descriptor_ == nullptr) return Status::permanent("plugin " + path + ": entry point returned no descriptor");
  if (Status st = check_descriptor(*lib->descriptor_, path); !st.is_ok()) return st;
  return lib;
}

}  // namespace mpf::core
