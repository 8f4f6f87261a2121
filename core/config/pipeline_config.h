#pragma once

// The pipeline config document: which plugins run, under which instance names, with which options.
//
//   global: {resolution: 15s}
//   sources:
//     - plugin: kubelet_resource   # required
//       name: kubelet              # optional, defaults to the plugin name; unique within its section
//       options: {port: 10250}     # optional, checked against the plugin's declared options
//   processors: [...]
//   sinks: [...]

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/global_settings.h"
#include "core/config/sink_delivery.h"
#include "mpf/sdk/config_value.h"
#include "mpf/sdk/plugin.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// One entry of `sources`, `processors` or `sinks`.
struct PluginEntry {
  PluginKind kind = PluginKind::kSource;
  std::string plugin;
  // The instance name; the plugin name when the file gives none.
  std::string name;
  // The options map as written (an empty map when absent), already checked against the plugin's specs.
  ConfigValue options;
  // The entry's YAML path, e.g. "sources[0]", for messages.
  std::string path;
  // Sinks only: timeout, queue and retry_on_failure (sink_delivery.h).
  SinkDeliverySettings delivery;
};

struct PipelineConfig {
  GlobalSettings global;
  std::vector<PluginEntry> sources;
  std::vector<PluginEntry> processors;
  std::vector<PluginEntry> sinks;
};

// Finds a plugin by kind and name; nullptr when there is none. The descriptor must outlive the call.
using PluginLookup = std::function<const PluginDescriptor*(PluginKind, std::string_view name)>;

// Checks the whole document and builds the config. On failure the status is invalid_argument and its
// message lists every error, one per line, in document order, each starting with its YAML path:
// unknown or misplaced keys (with a "did you mean" hint), unknown plugins (also naming a plugin of that
// name of another kind), duplicate instance names, every option error of every entry, and the global
// section's types and cross-field rules. A null document is an empty one. Warnings (allowed but unwise
// settings) are appended to `warnings` when it is given.
Result<PipelineConfig> parse_pipeline(const ConfigValue& document, const PluginLookup& lookup,
                                      std::vector<std::string>* warnings = nullptr);

// The whole config with every default filled in: all global settings, and for each entry every
// declared option (the file's value, else the declared default; kAny options without a default are
// left out), in declaration order. What --print-config prints.
ConfigValue effective_document(const PipelineConfig& config, const PluginLookup& lookup);

}  // namespace mpf::core
