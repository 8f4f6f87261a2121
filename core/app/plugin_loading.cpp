#include "core/app/plugin_loading.h"

namespace mpf::core {

void register_plugins(const std::vector<const PluginDescriptor*>& builtins, const ConfigValue& document,
                      PluginRegistry& registry, std::vector<std::string>& errors) {
  for (const PluginDescriptor* builtin : builtins) {
    if (Status st = registry.add_builtin(*builtin); !st.is_ok()) errors.push_back(st.message());
  }
  const ConfigValue* global = document.find("global");
  if (global == nullptr || !global->is_map()) return;  // the validator reports a malformed `global`
  if (const ConfigValue* dir = global->find("plugin_dir"); dir != nullptr && dir->is_scalar() && !dir->text().empty()) {
    if (Status st = registry.load_directory(dir->text()); !st.is_ok()) errors.push_back(st.message());
  }
  if (const ConfigValue* files = global->find("plugins"); files != nullptr && files->is_list()) {
    for (const ConfigValue& file : files->items()) {
      if (!file.is_scalar()) continue;
      if (Status st = registry.load_file(file.text()); !st.is_ok()) errors.push_back(st.message());
    }
  }
}

}  // namespace mpf::core
