#include "core/app/flags.h"

#include <algorithm>
#include <exception>
#include <initializer_list>
#include <map>
#include <utility>

#include "core/app/flag_values.h"
#include "core/log/logger.h"

namespace mpf::core {

namespace {

using K = FlagKind;
using T = FlagTarget;

// pflag's name of a flag in "invalid argument" messages.
std::string display_name(const FlagSpec& spec) {
  std::string name = "--" + std::string(spec.name);
  if (spec.shorthand != 0) return std::string("-") + spec.shorthand + ", " + name;
  return name;
}

const FlagSpec* find_shorthand(char c) {
  for (const auto& spec : flag_table()) {
    if (spec.shorthand != 0 && spec.shorthand == c) return &spec;
  }
  return nullptr;
}

// The pflag parsing loop over argv[1..].
class Parser {
 public:
  Parser(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) args_.emplace_back(argv[i] != nullptr ? argv[i] : "");
  }

  Result<CommandLine> run() {
    while (next_ < args_.size()) {
      std::string_view arg = args_[next_++];
      if (arg == "--") {
        while (next_ < args_.size()) result_.arguments.emplace_back(args_[next_++]);
        break;
      }
      Status st;
      if (arg.size() < 2 || arg[0] != '-') {
        result_.arguments.emplace_back(arg);
      } else if (arg[1] == '-') {
        st = parse_long(arg, arg.substr(2));
      } else {
        st = parse_short(arg);
      }
      if (!st.is_ok()) return st;
    }
    for (const auto& flag : result_.given) {
      if (flag.spec->target == T::kAction) set_action(*flag.spec, flag.value);
    }
    return std::move(result_);
  }

 private:
  // `arg` as written; `body` is it without its leading dashes.
  Status parse_long(std::string_view arg, std::string_view body) {
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return Status::invalid_argument("bad flag syntax: " + std::string(arg));
    }
    std::size_t eq = body.find('=');
    std::string_view name = body.substr(0, eq);
    const FlagSpec* spec = find_flag(name);
    if (spec == nullptr) return Status::invalid_argument("unknown flag: --" + std::string(name));
    if (eq != std::string_view::npos) return set(*spec, body.substr(eq + 1));
    if (spec->kind == K::kBool) return set(*spec, "true");
    if (next_ < args_.size()) return set(*spec, args_[next_++]);
    return Status::invalid_argument("flag needs an argument: " + std::string(arg));
  }

  Status parse_short(std::string_view arg) {
    std::string_view shorthands = arg.substr(1);
    // Go's flag package also takes long names after one dash (-kubeconfig=...); pflag would read that as
    // a run of shorthands and fail, so accepting it only widens what works.
    std::string_view name = shorthands.substr(0, shorthands.find('='));
    if (name.size() > 1 && find_flag(name) != nullptr) return parse_long(arg, shorthands);
    while (!shorthands.empty()) {
      char c = shorthands[0];
      const FlagSpec* spec = find_shorthand(c);
      if (spec == nullptr) {
        return Status::invalid_argument(std::string("unknown shorthand flag: '") + c + "' in " + std::string(arg));
      }
      std::string_view value;
      if (shorthands.size() > 2 && shorthands[1] == '=') {
        value = shorthands.substr(2);
        shorthands = {};
      } else if (spec->kind == K::kBool) {
        value = "true";
        shorthands.remove_prefix(1);
      } else if (shorthands.size() > 1) {
        value = shorthands.substr(1);
        shorthands = {};
      } else if (next_ < args_.size()) {
        value = args_[next_++];
        shorthands = {};
      } else {
        return Status::invalid_argument(std::string("flag needs an argument: '") + c + "' in " + std::string(arg));
      }
      if (Status st = set(*spec, value); !st.is_ok()) return st;
    }
    return Status::ok();
  }

  Status set(const FlagSpec& spec, std::string_view text) {
    Result<ConfigValue> value = parse_flag_value(spec, text);
    if (!value) {
      return Status::invalid_argument("invalid argument " + go_quote(text) + " for " + go_quote(display_name(spec)) +
                                      " flag: " + value.status().message());
    }
    auto [it, first] = index_.try_emplace(&spec, result_.given.size());
    if (first) {
      result_.given.push_back(ExplicitFlag{&spec, std::move(value).value()});
      if (spec.target == T::kIgnored) result_.ignored_flags.push_back("--" + std::string(spec.name));
      return Status::ok();
    }
    ConfigValue& current = result_.given[it->second].value;
    if (is_list_flag_kind(spec.kind)) {
      // pflag: the first occurrence replaces the default, later ones append.
      for (const auto& item : value->items()) current.push_back(item);
    } else {
      current = std::move(value).value();
    }
    return Status::ok();
  }

  void set_action(const FlagSpec& spec, const ConfigValue& value) {
    bool on = value.text() == "true";
    if (spec.name == "config") result_.config_file = value.text();
    if (spec.name == "describe-plugin") result_.describe_plugin = value.text();
    if (spec.name == "help") result_.help = on;
    if (spec.name == "version") result_.version = on;
    if (spec.name == "list-plugins") result_.list_plugins = on;
    if (spec.name == "print-config") result_.print_config = on;
    if (spec.name == "validate-config") result_.validate_config = on;
  }

  std::vector<std::string_view> args_;
  std::size_t next_ = 0;
  CommandLine result_;
  std::map<const FlagSpec*, std::size_t> index_;  // flag -> its position in result_.given
};

bool has_plugin(const ConfigValue& entry, std::initializer_list<std::string_view> plugins) {
  const ConfigValue* plugin = entry.find("plugin");
  if (plugin == nullptr || !plugin->is_scalar()) return false;
  return std::find(plugins.begin(), plugins.end(), plugin->text()) != plugins.end();
}

bool is_kubelet_source(const ConfigValue& entry) { return has_plugin(entry, {"kubelet_resource", "kubelet_summary"}); }
bool is_metrics_api_sink(const ConfigValue& entry) { return has_plugin(entry, {"metrics_api"}); }

// Sets options.<key> on every entry of document.<section> that `matches`; returns how many matched.
// ConfigValue offers no mutable access to list items, so the list is rebuilt.
std::size_t set_on_entries(ConfigValue& document, std::string_view section, bool (*matches)(const ConfigValue&),
                           const std::string& key, const ConfigValue& value, const std::string& flag,
                           std::vector<std::string>& warnings) {
  const ConfigValue* entries = document.find(section);
  if (entries == nullptr || !entries->is_list()) return 0;
  std::size_t matched = 0;
  ConfigValue rebuilt = ConfigValue::list();
  for (std::size_t i = 0; i < entries->items().size(); ++i) {
    ConfigValue entry = entries->items()[i];
    if (matches(entry)) {
      ++matched;
      const ConfigValue* options = entry.find("options");
      if (options != nullptr && !options->is_null() && !options->is_map()) {
        warnings.push_back(flag + " not applied to " + std::string(section) + "[" + std::to_string(i) +
                           "]: its options are not a map");
      } else {
        ConfigValue updated = options != nullptr && options->is_map() ? *options : ConfigValue::map();
        updated.set(key, value);
        entry.set("options", std::move(updated));
      }
    }
    rebuilt.push_back(std::move(entry));
  }
  if (matched > 0) document.set(std::string(section), std::move(rebuilt));
  return matched;
}

void set_global(ConfigValue& document, const std::string& key, const ConfigValue& value, const std::string& flag,
                std::vector<std::string>& warnings) {
  if (!document.is_map()) {
    warnings.push_back(flag + " not applied: the config document is not a map");
    return;
  }
  const ConfigValue* global = document.find("global");
  if (global != nullptr && !global->is_null() && !global->is_map()) {
    warnings.push_back(flag + " not applied: global is not a map");
    return;
  }
  ConfigValue updated = global != nullptr && global->is_map() ? *global : ConfigValue::map();
  updated.set(key, value);
  if (global != nullptr) {
    document.set("global", std::move(updated));
    return;
  }
  // A new global section goes first, where a reader of --print-config expects it.
  ConfigValue rebuilt = ConfigValue::map();
  rebuilt.set("global", std::move(updated));
  for (const auto& [k, v] : document.entries()) rebuilt.set(k, v);
  document = std::move(rebuilt);
}

ConfigValue plugin_entry(std::string_view plugin) {
  ConfigValue entry = ConfigValue::map();
  entry.set("plugin", ConfigValue::scalar(std::string(plugin)));
  return entry;
}

// pflag's UnquoteUsage: a `word` in backquotes names the value; otherwise the type does.
std::pair<std::string, std::string> unquote_usage(const FlagSpec& spec) {
  std::string usage(spec.help);
  std::size_t open = usage.find('`');
  if (open != std::string::npos) {
    std::size_t close = usage.find('`', open + 1);
    if (close != std::string::npos) {
      std::string name = usage.substr(open + 1, close - open - 1);
      usage.erase(close, 1);
      usage.erase(open, 1);
      return {name, usage};
    }
  }
  return {std::string(flag_type_name(spec.kind)), usage};
}

}  // namespace

const FlagSpec* find_flag(std::string_view name) {
  for (const auto& spec : flag_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string flag_key(const FlagSpec& spec) {
  std::string key(spec.key.empty() ? spec.name : spec.key);
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

const ExplicitFlag* CommandLine::find(std::string_view name) const {
  for (const auto& flag : given) {
    if (flag.spec->name == name) return &flag;
  }
  return nullptr;
}

Result<CommandLine> parse_command_line(int argc, const char* const* argv) {
  try {
    return Parser(argc, argv).run();
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("cannot parse the command line: ") + e.what());
  }
}

ConfigValue default_metrics_server_document() {
  ConfigValue document = ConfigValue::map();
  ConfigValue& sources = document.set("sources", ConfigValue::list());
  sources.push_back(plugin_entry("kubelet_resource"));
  ConfigValue& processors = document.set("processors", ConfigValue::list());
  for (std::string_view processor : kMetricsServerDefaultProcessors) processors.push_back(plugin_entry(processor));
  ConfigValue& sinks = document.set("sinks", ConfigValue::list());
  sinks.push_back(plugin_entry("metrics_api"));
  return document;
}

void apply_flags(const CommandLine& command_line, ConfigValue& document, std::vector<std::string>& warnings) {
  if (document.is_null()) document = ConfigValue::map();
  for (const auto& flag : command_line.given) {
    const FlagSpec& spec = *flag.spec;
    std::string key = flag_key(spec);
    std::string dashed = "--" + std::string(spec.name);
    switch (spec.target) {
      case T::kAction:
      case T::kIgnored: break;
      case T::kGlobal: set_global(document, key, flag.value, dashed, warnings); break;
      case T::kKubeletSources:
        if (set_on_entries(document, "sources", is_kubelet_source, key, flag.value, dashed, warnings) == 0) {
          warnings.push_back(dashed + " has no effect: the config has no kubelet source");
        }
        break;
      case T::kMetricsApiSinks:
        if (set_on_entries(document, "sinks", is_metrics_api_sink, key, flag.value, dashed, warnings) == 0) {
          warnings.push_back(dashed + " has no effect: the config has no metrics_api sink");
        }
        break;
      case T::kKubeletSourcesAndMetricsApiSinks: {
        std::size_t matched = set_on_entries(document, "sources", is_kubelet_source, key, flag.value, dashed, warnings);
        matched += set_on_entries(document, "sinks", is_metrics_api_sink, key, flag.value, dashed, warnings);
        if (matched == 0) {
          warnings.push_back(dashed + " has no effect: the config has no kubelet source and no metrics_api sink");
        }
        break;
      }
    }
  }
}

std::string help_text() {
  std::string out = "Launch metrics-server\n\nUsage:\n  metrics-server [flags]\n";
  std::vector<std::string_view> sections;
  for (const auto& spec : flag_table()) {
    if (std::find(sections.begin(), sections.end(), spec.section) == sections.end()) sections.push_back(spec.section);
  }
  for (std::string_view section : sections) {
    std::vector<const FlagSpec*> specs;
    for (const auto& spec : flag_table()) {
      if (spec.section == section) specs.push_back(&spec);
    }
    std::stable_sort(specs.begin(), specs.end(),
                     [](const FlagSpec* a, const FlagSpec* b) { return a->name < b->name; });
    // pflag's FlagUsages: "  -l, --name type" padded to the longest such head, then the usage.
    std::vector<std::pair<std::string, std::string>> lines;
    std::size_t width = 0;
    for (const FlagSpec* spec : specs) {
      std::string head = spec->shorthand != 0 ? std::string("  -") + spec->shorthand + ", --" : "      --";
      head += spec->name;
      auto [value_name, usage] = unquote_usage(*spec);
      if (!value_name.empty()) head += " " + value_name;
      if (!spec->default_text.empty()) {
        bool quoted = spec->kind == K::kString || spec->kind == K::kLogFormat;
        usage += " (default " + (quoted ? go_quote(spec->default_text) : std::string(spec->default_text)) + ")";
      }
      width = std::max(width, head.size());
      lines.emplace_back(std::move(head), std::move(usage));
    }
    out += "\n" + std::string(section) + " flags:\n\n";
    for (const auto& [head, usage] : lines) out += head + std::string(width - head.size() + 3, ' ') + usage + "\n";
  }
  return out;
}

}  // namespace mpf::core
