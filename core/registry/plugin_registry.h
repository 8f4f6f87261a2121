#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry/plugin_library.h"
#include "mpf/sdk/config_value.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/plugin.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

/// A plugin the host knows: built in, or loaded from a shared object.
struct RegisteredPlugin {
  const PluginDescriptor* descriptor = nullptr;
  /// "builtin", or the path of the shared object.
  std::string origin;
  /// Null for built-ins.
  PluginLibraryPtr library;
};

/// Plugins by kind and name. Filled at start-up, read-only afterwards (so reads need no lock).
class PluginRegistry {
 public:
  /// Registers a plugin linked into the binary.
  Status add_builtin(const PluginDescriptor& descriptor);
  /// Loads one shared object; refuses ABI or toolchain mismatches and duplicate names.
  Status load_file(const std::string& path);
  /// Loads every `*.so` directly in `dir`, in name order. Returns every failure, one per line; the
  /// plugins that did load stay registered.
  Status load_directory(const std::string& dir);

  const RegisteredPlugin* find(PluginKind kind, std::string_view name) const;
  /// Every registered plugin, ordered by kind (sources, processors, sinks) then name.
  std::vector<const RegisteredPlugin*> plugins() const;

  /// Instances. The options must already be validated (parse_pipeline does it); the factory validates
  /// again through its OptionSet, so a direct call with bad options still fails cleanly. The returned
  /// pointer keeps the plugin's library loaded for as long as the instance lives.
  Result<std::shared_ptr<Source>> create_source(std::string_view plugin, const ConfigValue& options,
                                                std::string_view path, PluginContext& context) const;
  Result<std::shared_ptr<Processor>> create_processor(std::string_view plugin, const ConfigValue& options,
                                                      std::string_view path, PluginContext& context) const;
  Result<std::shared_ptr<Sink>> create_sink(std::string_view plugin, const ConfigValue& options,
                                            std::string_view path, PluginContext& context) const;

 private:
  Status add(RegisteredPlugin plugin);

  std::vector<RegisteredPlugin> plugins_;
};

/// The `--list-plugins` table: kind, name, version, origin, description.
std::string format_plugin_list(const PluginRegistry& registry);

}  // namespace mpf::core
