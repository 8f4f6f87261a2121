#include "core/config/plugin_docs.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "core/config/sink_delivery.h"
#include "core/config/yaml_writer.h"

namespace mpf::core {
namespace {

// Long defaults (big lists) would push the description column off the screen; the example below the
// table shows them in full.
constexpr std::size_t kMaxDefaultWidth = 40;

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

bool has_default(const OptionSpec& spec) {
  return !spec.required && !(spec.type == OptionType::kAny && spec.default_value.is_null());
}

std::string default_cell(const OptionSpec& spec) {
  if (!has_default(spec)) return "-";
  std::string text = write_yaml_flow(spec.default_value);
  if (text.size() > kMaxDefaultWidth) text = text.substr(0, kMaxDefaultWidth - 3) + "...";
  return text;
}

std::string options_table(const std::vector<OptionSpec>& specs) {
  using Row = std::array<std::string, 5>;
  std::vector<Row> rows = {{"NAME", "TYPE", "DEFAULT", "REQUIRED", "DESCRIPTION"}};
  for (const OptionSpec& spec : specs) {
    rows.push_back({spec.name, std::string(option_type_name(spec.type)), default_cell(spec),
                    spec.required ? "yes" : "no", one_line(spec.description)});
  }
  std::array<std::size_t, 4> widths{};
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line = "  ";
    for (std::size_t i = 0; i < widths.size(); ++i) line += row[i] + std::string(widths[i] - row[i].size() + 2, ' ');
    line += row[4];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

// "key: value" on one line, quoted exactly as the YAML writer would.
std::string flow_entry(const std::string& key, const ConfigValue& value) {
  ConfigValue map = ConfigValue::map();
  map.set(key, value);
  std::string flow = write_yaml_flow(map);
  return flow.substr(1, flow.size() - 2);  // without the braces
}

std::string text_of(const char* text) { return text != nullptr ? text : ""; }

std::string section_of(PluginKind kind) {
  switch (kind) {
    case PluginKind::kSource: return "sources";
    case PluginKind::kProcessor: return "processors";
    case PluginKind::kSink: break;
  }
  return "sinks";
}

// Written line by line rather than with write_yaml so that each option stays on one line and required
// ones can carry a comment.
std::string example(const PluginDescriptor& descriptor, const std::vector<OptionSpec>& specs) {
  ConfigValue name = ConfigValue::scalar(text_of(descriptor.name));
  std::string out = section_of(descriptor.kind) + ":\n";
  out += "  - " + flow_entry("plugin", name) + "\n";
  out += "    " + flow_entry("name", name) + "\n";
  std::vector<std::string> lines;
  for (const OptionSpec& spec : specs) {
    if (spec.type == OptionType::kAny && spec.default_value.is_null()) continue;
    std::string line = "      " + flow_entry(spec.name, spec.default_value);
    if (spec.required) line += "  # required";
    lines.push_back(std::move(line));
  }
  if (lines.empty()) {
    out += "    options: {}\n";
  } else {
    out += "    options:\n";
    for (const auto& line : lines) out += line + '\n';
  }
  if (descriptor.kind == PluginKind::kSink) {
    // The host's delivery keys, with their defaults, one per line.
    ConfigValue delivery = ConfigValue::map();
    add_sink_delivery_values(SinkDeliverySettings{}, delivery);
    for (const auto& [key, value] : delivery.entries()) out += "    " + flow_entry(key, value) + "\n";
  }
  return out;
}

std::string indented(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size() - 1;
    out += "  " + text.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

// What the host adds to every sink entry (sink_delivery.h), so a sink's docs say how it is delivered to.
std::string delivery_section() {
  std::string out = "\nDelivery (keys of the sink entry beside options; README \"Exporting to storage\"):\n";
  out += "  timeout: one delivery attempt (an exporter's send, a sink's consume); default 5s\n";
  out += "  queue:\n" + indented(options_table(sink_queue_options().specs()));
  out += "  retry_on_failure (exporters: retryable failures):\n" + indented(options_table(retry_options().specs()));
  return out;
}

}  // namespace

std::string describe_plugin(const PluginDescriptor& descriptor) {
  static const std::vector<OptionSpec> kNoOptions;
  const std::vector<OptionSpec>& specs = descriptor.options != nullptr ? *descriptor.options : kNoOptions;

  std::string out = text_of(descriptor.name) + " (" + plugin_kind_name(descriptor.kind) + " plugin, version " +
                    text_of(descriptor.version) + ")\n";
  if (std::string description = text_of(descriptor.description); !description.empty()) {
    out += "\n" + description + "\n";
  }
  out += "\nOptions:\n";
  out += specs.empty() ? "  (none)\n" : options_table(specs);
  if (descriptor.kind == PluginKind::kSink) out += delivery_section();
  out += "\nExample:\n" + example(descriptor, specs);
  return out;
}

}  // namespace mpf::core
