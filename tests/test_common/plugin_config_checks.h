#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/config/yaml_loader.h"
#include "mpf/sdk/plugin.h"

namespace mpf::test {

/// Checks a plugin folder's config.yaml: its single entry names the plugin and lists every declared
/// option with exactly the declared default, and nothing else. Keeps the file true as options change.
inline void expect_config_yaml_matches(const PluginDescriptor& descriptor, const std::string& config_yaml_path) {
  auto doc = core::load_yaml_file(config_yaml_path);
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  const char* section = descriptor.kind == PluginKind::kSource      ? "sources"
                        : descriptor.kind == PluginKind::kProcessor ? "processors"
                                                                    : "sinks";
  const ConfigValue* entries = doc->find(section);
  ASSERT_NE(entries, nullptr) << config_yaml_path << " has no " << section;
  ASSERT_EQ(entries->items().size(), 1u);
  const ConfigValue& entry = entries->items()[0];
  ASSERT_NE(entry.find("plugin"), nullptr);
  EXPECT_EQ(entry.find("plugin")->text(), descriptor.name);
  const ConfigValue* options = entry.find("options");
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(options->entries().size(), descriptor.options->size()) << "config.yaml lists other options than declared";
  for (const OptionSpec& spec : *descriptor.options) {
    const ConfigValue* value = options->find(spec.name);
    ASSERT_NE(value, nullptr) << config_yaml_path << " does not list option " << spec.name;
    EXPECT_EQ(*value, spec.default_value) << "default of " << spec.name << " differs in " << config_yaml_path;
  }
}

}  // namespace mpf::test
