#pragma once

// Builds a prometheus_remote_write options map for tests and creates the sink through the plugin's
// own descriptor (binding, validation and factory as the host runs them).

#include <initializer_list>
#include <map>
#include <string>
#include <utility>

#include "mpf/sdk/plugin.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_prometheus_remote_write();

namespace mpf::sinks::remote_write::test {

struct PluginOptions {
  ConfigValue value = ConfigValue::map();

  PluginOptions& set(const std::string& key, const std::string& text) {
    value.set(key, ConfigValue::scalar(text));
    return *this;
  }
  PluginOptions& set_map(const std::string& key, std::initializer_list<std::pair<const std::string, std::string>> entries) {
    ConfigValue map = ConfigValue::map();
    for (const auto& [k, v] : entries) map.set(k, ConfigValue::scalar(v));
    value.set(key, std::move(map));
    return *this;
  }
};

inline Result<SinkPtr> create_sink(const PluginOptions& options, PluginContext& context) {
  return mpf_builtin_plugin_prometheus_remote_write().create_sink(options.value, "sinks[0].options", context);
}

}  // namespace mpf::sinks::remote_write::test
