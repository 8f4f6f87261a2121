#include "core/config/pipeline_config.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "mpf/sdk/options.h"

namespace mpf::core {
namespace {

struct Section {
  std::string_view key;
  PluginKind kind;
};
constexpr Section kPluginSections[] = {
    {"sources", PluginKind::kSource}, {"processors", PluginKind::kProcessor}, {"sinks", PluginKind::kSink}};
constexpr std::string_view kTopLevelKeys[] = {"global", "sources", "processors", "sinks"};
constexpr std::string_view kEntryKeys[] = {"plugin", "name", "options"};

// Longer plugin names are not worth searching for typos of.
constexpr std::size_t kMaxSuggestedNameLength = 64;

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string_view section_key(PluginKind kind) {
  for (const Section& s : kPluginSections) {
    if (s.kind == kind) return s.key;
  }
  return "";
}

// The candidate closest to `word`, if it is close enough to be a typo (the same threshold as the SDK's
// option hints).
template <class Names>
std::optional<std::string> closest(std::string_view word, const Names& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& candidate : candidates) {
    std::size_t d = detail::edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

bool valid_instance_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

class PipelineParser {
 public:
  PipelineParser(const PluginLookup& lookup, std::vector<std::string>* warnings)
      : lookup_(lookup), warnings_(warnings) {}

  Result<PipelineConfig> parse(const ConfigValue& document) {
    if (!document.is_null() && !document.is_map()) {
      return Status::invalid_argument(
          "(document): expected a map with keys global, sources, processors and sinks, got " +
          detail::describe_found(document));
    }
    for (const auto& [key, value] : document.entries()) {
      if (key == "global") {
        parse_global(value);
      } else if (const Section* section = find_section(key)) {
        parse_section(*section, value, section_entries(section->kind));
      } else {
        std::string message = key + ": unknown top-level key " + quoted(key);
        if (auto hint = closest(key, kTopLevelKeys)) {
          message += "; did you mean " + quoted(*hint) + "?";
        } else {
          message += "; expected global, sources, processors or sinks";
        }
        errors_.push_back(std::move(message));
      }
    }
    if (!errors_.empty()) return Status::invalid_argument(join(errors_));
    if (config_.sources.empty()) warn("sources: no sources configured; nothing will be scraped");
    if (config_.sinks.empty()) warn("sinks: no sinks configured; scraped metrics go nowhere");
    return std::move(config_);
  }

 private:
  static const Section* find_section(std::string_view key) {
    for (const Section& s : kPluginSections) {
      if (s.key == key) return &s;
    }
    return nullptr;
  }

  std::vector<PluginEntry>& section_entries(PluginKind kind) {
    switch (kind) {
      case PluginKind::kSource: return config_.sources;
      case PluginKind::kProcessor: return config_.processors;
      case PluginKind::kSink: break;
    }
    return config_.sinks;
  }

  const PluginDescriptor* find_plugin(PluginKind kind, std::string_view name) const {
    return lookup_ ? lookup_(kind, name) : nullptr;
  }

  void warn(std::string message) {
    if (warnings_ != nullptr) warnings_->push_back(std::move(message));
  }

  void parse_global(const ConfigValue& value) {
    if (!value.is_null() && !value.is_map()) {
      errors_.push_back("global: expected a map of settings, got " + detail::describe_found(value));
      return;
    }
    const std::vector<OptionSpec>& specs = global_settings_options().specs();
    ConfigValue valid = ConfigValue::map();
    std::vector<std::string> bad_keys;
    for (const auto& entry : value.entries()) {
      const std::string& key = entry.first;  // not a structured binding: clang 14 cannot capture one
      const ConfigValue& item = entry.second;
      std::string path = "global." + key;
      auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == key; });
      if (spec == specs.end()) {
        std::vector<std::string_view> names;
        for (const auto& s : specs) names.push_back(s.name);
        std::string message = path + ": unknown global setting " + quoted(key);
        if (auto hint = closest(key, names)) message += "; did you mean " + quoted(*hint) + "?";
        errors_.push_back(std::move(message));
        continue;
      }
      if (Status st = check_option_value(*spec, item, path); !st.is_ok()) {
        errors_.push_back(st.message());
        bad_keys.push_back(key);
        continue;
      }
      valid.set(key, item);
    }
    // The rules still run on the keys that are fine, so that every error shows up at once; a rule that
    // mentions a broken key would only judge its default, so it is left out.
    Result<GlobalSettings> settings = global_settings_options().bind(valid, "global", "global");
    if (!settings) {
      errors_.push_back(settings.status().message());
      return;
    }
    auto mentions_bad_key = [&](std::string_view line) {
      return std::any_of(bad_keys.begin(), bad_keys.end(), [&](const std::string& key) {
        std::string needle = "global." + key;
        for (std::size_t at = line.find(needle); at != std::string_view::npos; at = line.find(needle, at + 1)) {
          std::size_t end = at + needle.size();
          if (end == line.size() || line[end] == ':' || line[end] == ' ') return true;
        }
        return false;
      });
    };
    std::vector<std::string> warnings;
    Status st = validate_global_settings(*settings, warnings);
    std::istringstream lines(st.message());
    for (std::string line; std::getline(lines, line);) {
      if (!mentions_bad_key(line)) errors_.push_back(std::move(line));
    }
    for (auto& w : warnings) {
      if (!mentions_bad_key(w)) warn(std::move(w));
    }
    config_.global = std::move(*settings);
  }

  void parse_section(const Section& section, const ConfigValue& value, std::vector<PluginEntry>& out) {
    if (value.is_null()) return;
    if (!value.is_list()) {
      errors_.push_back(std::string(section.key) + ": expected a list of " + plugin_kind_name(section.kind) +
                        " entries (\"- plugin: NAME\"), got " + detail::describe_found(value));
      return;
    }
    std::unordered_map<std::string, std::string> first_use;  // instance name -> path of its entry
    for (std::size_t i = 0; i < value.items().size(); ++i) {
      std::string path = std::string(section.key) + "[" + std::to_string(i) + "]";
      std::optional<PluginEntry> entry = parse_entry(section.kind, value.items()[i], path);
      if (!entry || entry->name.empty()) continue;
      auto [it, inserted] = first_use.emplace(entry->name, path);
      if (!inserted) {
        bool named = value.items()[i].find("name") != nullptr;
        errors_.push_back((named ? path + ".name" : path) + ": duplicate " + plugin_kind_name(section.kind) +
                          " instance name " + quoted(entry->name) + " (also used by " + it->second + "); " +
                          (named ? "give each entry a distinct \"name:\""
                                 : "instance names default to the plugin name, so give one a distinct \"name:\""));
      }
      out.push_back(std::move(*entry));
    }
  }

  // Reports every problem of one entry in the order of its keys. Returns the entry (possibly with
  // errors reported) when it has a usable name for the duplicate check.
  std::optional<PluginEntry> parse_entry(PluginKind kind, const ConfigValue& item, const std::string& path) {
    if (!item.is_map()) {
      errors_.push_back(path + ": expected a map like {plugin: NAME, options: {...}}, got " +
                        detail::describe_found(item));
      return std::nullopt;
    }
    PluginEntry entry;
    entry.kind = kind;
    entry.path = path;
    entry.options = ConfigValue::map();
    const ConfigValue* plugin = item.find("plugin");
    const PluginDescriptor* descriptor = nullptr;
    if (plugin == nullptr) {
      errors_.push_back(path + ".plugin: required key is missing; it names the " + plugin_kind_name(kind) +
                        " plugin to run");
    } else if (plugin->is_scalar() && !plugin->text().empty()) {
      entry.plugin = plugin->text();
      entry.name = entry.plugin;
      descriptor = find_plugin(kind, entry.plugin);
    }
    static const std::vector<OptionSpec> kNoOptions;
    const std::vector<OptionSpec>& specs =
        descriptor != nullptr && descriptor->options != nullptr ? *descriptor->options : kNoOptions;

    for (const auto& [key, value] : item.entries()) {
      std::string key_path = path + "." + key;
      if (key == "plugin") {
        if (entry.plugin.empty()) {
          errors_.push_back(key_path + ": expected the name of a " + plugin_kind_name(kind) + " plugin, got " +
                            detail::describe_found(value));
        } else if (descriptor == nullptr) {
          errors_.push_back(unknown_plugin(key_path, kind, entry.plugin));
        }
      } else if (key == "name") {
        if (value.is_scalar() && valid_instance_name(value.text())) {
          entry.name = value.text();
        } else {
          errors_.push_back(key_path + ": expected an instance name of letters, digits, '_', '-' and '.', got " +
                            detail::describe_found(value));
        }
      } else if (key == "options") {
        if (descriptor != nullptr) {
          check_options(specs, value, key_path, entry.plugin, errors_);
        } else if (!value.is_null() && !value.is_map()) {
          errors_.push_back(key_path + ": expected a map of options, got " + detail::describe_found(value));
        }
        if (value.is_map()) entry.options = value;
      } else if (is_sink_delivery_key(key)) {
        if (kind == PluginKind::kSink) {
          parse_sink_delivery_key(key, value, key_path, entry.delivery, errors_);
        } else {
          errors_.push_back(key_path + ": only sinks have \"" + key + "\"; a " + plugin_kind_name(kind) +
                            " entry has plugin, name and options");
        }
      } else {
        errors_.push_back(unknown_entry_key(kind, key_path, key, specs));
      }
    }
    // Without an options map the plugin runs on defaults, which is an error if it has required options.
    if (descriptor != nullptr && item.find("options") == nullptr) {
      check_options(specs, ConfigValue(), path + ".options", entry.plugin, errors_);
    }
    return entry;
  }

  static bool is_sink_delivery_key(std::string_view key) {
    return std::find(std::begin(kSinkDeliveryKeys), std::end(kSinkDeliveryKeys), key) != std::end(kSinkDeliveryKeys);
  }

  static std::string unknown_entry_key(PluginKind kind, const std::string& key_path, const std::string& key,
                                       const std::vector<OptionSpec>& specs) {
    std::string message = key_path + ": unknown key " + quoted(key);
    bool is_option = std::any_of(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == key; });
    if (is_option) return message + "; plugin options go under \"options:\"";
    std::vector<std::string_view> keys(std::begin(kEntryKeys), std::end(kEntryKeys));
    if (kind == PluginKind::kSink) keys.insert(keys.end(), std::begin(kSinkDeliveryKeys), std::end(kSinkDeliveryKeys));
    if (auto hint = closest(key, keys)) return message + "; did you mean " + quoted(*hint) + "?";
    if (kind == PluginKind::kSink) return message + "; a sink entry has plugin, name, options, timeout, queue and retry_on_failure";
    return message + "; an entry has only plugin, name and options";
  }

  std::string unknown_plugin(const std::string& key_path, PluginKind kind, const std::string& name) const {
    std::string message = key_path + ": no " + plugin_kind_name(kind) + " plugin named " + quoted(name);
    for (const Section& other : kPluginSections) {
      if (other.kind != kind && find_plugin(other.kind, name) != nullptr) {
        return message + "; " + quoted(name) + " is a " + plugin_kind_name(other.kind) + " plugin, list it under \"" +
               std::string(other.key) + ":\"";
      }
    }
    if (auto hint = suggest(kind, name)) return message + "; did you mean " + quoted(*hint) + "?";
    for (const Section& other : kPluginSections) {
      if (other.kind == kind) continue;
      if (auto hint = suggest(other.kind, name)) {
        return message + "; did you mean the " + plugin_kind_name(other.kind) + " plugin " + quoted(*hint) +
               " (under \"" + std::string(section_key(other.kind)) + ":\")?";
      }
    }
    return message;
  }

  // PluginLookup can only answer "is there a plugin with this name", so instead of comparing against
  // every known name we ask for each single-edit variant of the name (and of its lower-case,
  // '-'-to-'_' form). That finds the common typos and costs a few thousand lookups on the error path.
  std::optional<std::string> suggest(PluginKind kind, const std::string& name) const {
    if (name.size() > kMaxSuggestedNameLength) return std::nullopt;
    std::string normalized = name;
    for (char& c : normalized) {
      if (c == '-') c = '_';
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (normalized != name && find_plugin(kind, normalized) != nullptr) return normalized;
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
    for (const std::string& base : {name, normalized}) {
      for (std::size_t i = 0; i <= base.size(); ++i) {
        std::string candidate;
        auto found = [&] { return candidate != name && find_plugin(kind, candidate) != nullptr; };
        if (i < base.size()) {
          candidate = base.substr(0, i) + base.substr(i + 1);  // deletion
          if (found()) return candidate;
        }
        if (i + 1 < base.size()) {
          candidate = base;
          std::swap(candidate[i], candidate[i + 1]);  // transposition
          if (found()) return candidate;
        }
        for (char c : kAlphabet) {
          if (i < base.size()) {
            candidate = base;
            candidate[i] = c;  // substitution
            if (found()) return candidate;
          }
          candidate = base.substr(0, i) + c + base.substr(i);  // insertion
          if (found()) return candidate;
        }
      }
    }
    return std::nullopt;
  }

  const PluginLookup& lookup_;
  std::vector<std::string>* warnings_;
  std::vector<std::string> errors_;
  PipelineConfig config_;
};

ConfigValue effective_options(const PluginEntry& entry, const PluginLookup& lookup) {
  const PluginDescriptor* descriptor = lookup ? lookup(entry.kind, entry.plugin) : nullptr;
  if (descriptor == nullptr || descriptor->options == nullptr) {
    return entry.options.is_map() ? entry.options : ConfigValue::map();
  }
  ConfigValue options = ConfigValue::map();
  for (const OptionSpec& spec : *descriptor->options) {
    if (const ConfigValue* given = entry.options.find(spec.name)) {
      options.set(spec.name, *given);
    } else if (!(spec.type == OptionType::kAny && spec.default_value.is_null())) {
      options.set(spec.name, spec.default_value);
    }
  }
  return options;
}

}  // namespace

Result<PipelineConfig> parse_pipeline(const ConfigValue& document, const PluginLookup& lookup,
                                      std::vector<std::string>* warnings) {
  return PipelineParser(lookup, warnings).parse(document);
}

ConfigValue effective_document(const PipelineConfig& config, const PluginLookup& lookup) {
  ConfigValue document = ConfigValue::map();
  document.set("global", global_settings_value(config.global));
  for (const Section& section : kPluginSections) {
    const std::vector<PluginEntry>& entries = section.kind == PluginKind::kSource      ? config.sources
                                              : section.kind == PluginKind::kProcessor ? config.processors
                                                                                       : config.sinks;
    ConfigValue list = ConfigValue::list();
    for (const PluginEntry& entry : entries) {
      ConfigValue item = ConfigValue::map();
      item.set("plugin", ConfigValue::scalar(entry.plugin));
      item.set("name", ConfigValue::scalar(entry.name));
      item.set("options", effective_options(entry, lookup));
      if (section.kind == PluginKind::kSink) add_sink_delivery_values(entry.delivery, item);
      list.push_back(std::move(item));
    }
    document.set(std::string(section.key), std::move(list));
  }
  return document;
}

}  // namespace mpf::core
