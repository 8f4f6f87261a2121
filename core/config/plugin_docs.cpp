#include "core/config/plugin_docs.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

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
  if (lines.empty()) return out + "    options: {}\n";
  out += "    options:\n";
  for (const auto& line : lines) out += line + '\n';
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
  out += "\nExample:\n" + example(descriptor, specs);
  return out;
}

}  // namespace mpf::core
