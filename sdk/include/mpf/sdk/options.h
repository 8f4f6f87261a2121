#pragma once

/// @file
/// Plugin options, declared once. A plugin describes its typed config struct with an OptionSet:
///
///   struct Config {
///     std::string path;                          // Default: "" (required)
///     std::chrono::nanoseconds flush{std::chrono::seconds(1)};  // Default: 1s
///   };
///   const mpf::OptionSet<Config>& options() {
///     static const auto set = mpf::OptionSet<Config>()
///         .add("path", &Config::path, "File to append to.", mpf::kRequired)
///         .add("flush", &Config::flush, "How often to flush.");
///     return set;
///   }
///
/// From that single declaration the host validates configs (unknown key, wrong type, missing required
/// key, each error naming its YAML path and the plugin), documents the plugin (--describe-plugin),
/// prints the effective config with defaults (--print-config), and the plugin fills its struct with
/// bind(). Defaults are read from a value-initialised Config, so they are written once, in the struct.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/duration.h"
#include "mpf/sdk/status.h"

namespace mpf {

/// The type of one option, as written in YAML.
enum class OptionType : unsigned char {
  kBool,        ///< true/false (also yes/no, on/off)
  kInt,         ///< a signed 64-bit integer
  kDouble,      ///< a floating-point number
  kString,      ///< any scalar
  kDuration,    ///< Go syntax: 15s, 1m30s, 500ms
  kStringList,  ///< a list of scalars
  kStringMap,   ///< a map of scalar to scalar
  kAny,         ///< any tree; the plugin checks it itself in bind()
};

inline std::string_view option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kBool: return "bool";
    case OptionType::kInt: return "int";
    case OptionType::kDouble: return "double";
    case OptionType::kString: return "string";
    case OptionType::kDuration: return "duration";
    case OptionType::kStringList: return "list of strings";
    case OptionType::kStringMap: return "map of strings";
    case OptionType::kAny: return "any";
  }
  return "unknown";
}

/// Marks an option that must be present.
inline constexpr bool kRequired = true;

/// The type-erased declaration of one option: what the host validates, documents and prints.
struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  /// The default as it would be written in YAML (null for kAny without a default).
  ConfigValue default_value;
  std::string description;
  bool required = false;
  /// For kInt: the range of the C++ field, so that a value it cannot hold is refused, not truncated.
  std::int64_t min_int = std::numeric_limits<std::int64_t>::min();
  std::int64_t max_int = std::numeric_limits<std::int64_t>::max();
};

// ---- scalar conversions shared by the host's validation and the plugin's bind() ----

inline std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

inline std::optional<std::int64_t> parse_int(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

inline std::optional<double> parse_double(std::string_view text) {
  std::string copy(text);
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

namespace detail {

inline std::string type_hint(OptionType type) {
  switch (type) {
    case OptionType::kBool: return "a bool (true or false)";
    case OptionType::kInt: return "an int";
    case OptionType::kDouble: return "a number";
    case OptionType::kString: return "a string";
    case OptionType::kDuration: return "a duration (like 10s, 1m30s or 500ms)";
    case OptionType::kStringList: return "a list of strings";
    case OptionType::kStringMap: return "a map of strings";
    case OptionType::kAny: return "any value";
  }
  return "a value";
}

// Quotes a scalar for a message, escaping what would break "one problem per line".
inline std::string quote_for_message(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

inline std::string describe_found(const ConfigValue& v) {
  switch (v.kind()) {
    case ConfigValue::Kind::kNull: return "nothing";
    case ConfigValue::Kind::kScalar: return quote_for_message(v.text());
    case ConfigValue::Kind::kList: return "a list";
    case ConfigValue::Kind::kMap: return "a map";
  }
  return "something else";
}

/// Levenshtein distance, for "did you mean" hints on misspelled keys.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace detail

/// Checks one value against its declared type. `path` is the value's YAML path, used in the message.
inline Status check_option_value(const OptionSpec& spec, const ConfigValue& value, std::string_view path) {
  auto wrong = [&] {
    return Status::invalid_argument(std::string(path) + ": expected " + detail::type_hint(spec.type) + ", got " +
                                    detail::describe_found(value));
  };
  switch (spec.type) {
    case OptionType::kAny: return Status::ok();
    case OptionType::kString: return value.is_scalar() ? Status::ok() : wrong();
    case OptionType::kBool: return value.is_scalar() && parse_bool(value.text()) ? Status::ok() : wrong();
    case OptionType::kInt: {
      std::optional<std::int64_t> n = value.is_scalar() ? parse_int(value.text()) : std::nullopt;
      if (!n) return wrong();
      if (*n < spec.min_int || *n > spec.max_int) {
        return Status::invalid_argument(std::string(path) + ": " + std::to_string(*n) + " is out of range [" +
                                        std::to_string(spec.min_int) + ", " + std::to_string(spec.max_int) + "]");
      }
      return Status::ok();
    }
    case OptionType::kDouble: return value.is_scalar() && parse_double(value.text()) ? Status::ok() : wrong();
    case OptionType::kDuration: return value.is_scalar() && parse_duration(value.text()) ? Status::ok() : wrong();
    case OptionType::kStringList:
      if (!value.is_list()) return wrong();
      for (std::size_t i = 0; i < value.items().size(); ++i) {
        if (!value.items()[i].is_scalar()) {
          return Status::invalid_argument(std::string(path) + "[" + std::to_string(i) + "]: expected a string, got " +
                                          detail::describe_found(value.items()[i]));
        }
      }
      return Status::ok();
    case OptionType::kStringMap:
      if (!value.is_map()) return wrong();
      for (const auto& [key, item] : value.entries()) {
        if (!item.is_scalar()) {
          return Status::invalid_argument(std::string(path) + "." + key + ": expected a string, got " +
                                          detail::describe_found(item));
        }
      }
      return Status::ok();
  }
  return wrong();
}

/// Checks a plugin's options map against its declarations and appends one message per problem to
/// `errors`: unknown keys (with the closest known name), wrong types, missing required keys.
/// `path` is the YAML path of the options map, `plugin` the plugin's name.
inline void check_options(const std::vector<OptionSpec>& specs, const ConfigValue& options, std::string_view path,
                          std::string_view plugin, std::vector<std::string>& errors) {
  if (!options.is_null() && !options.is_map()) {
    errors.push_back(std::string(path) + ": options of plugin \"" + std::string(plugin) + "\" must be a map, got " +
                     detail::describe_found(options));
    return;
  }
  for (const auto& entry : options.entries()) {
    // Plain references, not a structured binding: clang 14 cannot capture those in the lambda below.
    const std::string& key = entry.first;
    const ConfigValue& value = entry.second;
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == key; });
    std::string key_path = std::string(path) + "." + key;
    if (spec == specs.end()) {
      std::string message = key_path + ": unknown option " + detail::quote_for_message(key) + " for plugin \"" + std::string(plugin) + "\"";
      std::string best;
      std::size_t best_distance = 3;  // farther than this is not a typo
      for (const auto& s : specs) {
        std::size_t d = detail::edit_distance(key, s.name);
        if (d < best_distance) {
          best_distance = d;
          best = s.name;
        }
      }
      if (!best.empty()) {
        message += "; did you mean \"" + best + "\"?";
      } else if (specs.empty()) {
        message += "; it takes no options";
      } else {
        message += "; known options:";
        for (const auto& s : specs) message += " " + s.name;
      }
      errors.push_back(std::move(message));
      continue;
    }
    if (Status st = check_option_value(*spec, value, key_path); !st.is_ok()) errors.push_back(st.message());
  }
  for (const auto& spec : specs) {
    if (spec.required && options.find(spec.name) == nullptr) {
      errors.push_back(std::string(path) + "." + spec.name + ": required option of plugin \"" + std::string(plugin) +
                       "\" is missing (" + detail::type_hint(spec.type) + ")");
    }
  }
}

namespace detail {

// How a C++ field type maps to an option type, a YAML default and back.
template <class T>
struct OptionTraits;

template <>
struct OptionTraits<bool> {
  static constexpr OptionType kType = OptionType::kBool;
  static ConfigValue to_value(bool v) { return ConfigValue::scalar(v ? "true" : "false"); }
  static void read(const ConfigValue& v, bool& out) { out = *parse_bool(v.text()); }
};

template <class Int>
  requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
struct OptionTraits<Int> {
  static constexpr OptionType kType = OptionType::kInt;
  static ConfigValue to_value(Int v) { return ConfigValue::scalar(std::to_string(v)); }
  static void read(const ConfigValue& v, Int& out) { out = static_cast<Int>(*parse_int(v.text())); }
};

template <>
struct OptionTraits<double> {
  static constexpr OptionType kType = OptionType::kDouble;
  static ConfigValue to_value(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ConfigValue::scalar(std::string(buf, end));
  }
  static void read(const ConfigValue& v, double& out) { out = *parse_double(v.text()); }
};

template <>
struct OptionTraits<std::string> {
  static constexpr OptionType kType = OptionType::kString;
  static ConfigValue to_value(const std::string& v) { return ConfigValue::scalar(v); }
  static void read(const ConfigValue& v, std::string& out) { out = v.text(); }
};

template <class Rep, class Period>
struct OptionTraits<std::chrono::duration<Rep, Period>> {
  using D = std::chrono::duration<Rep, Period>;
  static constexpr OptionType kType = OptionType::kDuration;
  static ConfigValue to_value(D v) {
    return ConfigValue::scalar(format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(v)));
  }
  static void read(const ConfigValue& v, D& out) { out = std::chrono::duration_cast<D>(*parse_duration(v.text())); }
};

template <>
struct OptionTraits<std::vector<std::string>> {
  static constexpr OptionType kType = OptionType::kStringList;
  static ConfigValue to_value(const std::vector<std::string>& v) {
    ConfigValue list = ConfigValue::list();
    for (const auto& s : v) list.push_back(ConfigValue::scalar(s));
    return list;
  }
  static void read(const ConfigValue& v, std::vector<std::string>& out) {
    out.clear();
    for (const auto& item : v.items()) out.push_back(item.text());
  }
};

template <>
struct OptionTraits<std::map<std::string, std::string>> {
  static constexpr OptionType kType = OptionType::kStringMap;
  static ConfigValue to_value(const std::map<std::string, std::string>& v) {
    ConfigValue map = ConfigValue::map();
    for (const auto& [k, s] : v) map.set(k, ConfigValue::scalar(s));
    return map;
  }
  static void read(const ConfigValue& v, std::map<std::string, std::string>& out) {
    out.clear();
    for (const auto& [k, item] : v.entries()) out[k] = item.text();
  }
};

template <>
struct OptionTraits<ConfigValue> {
  static constexpr OptionType kType = OptionType::kAny;
  static ConfigValue to_value(const ConfigValue& v) { return v; }
  static void read(const ConfigValue& v, ConfigValue& out) { out = v; }
};

}  // namespace detail

/// The single declaration of a plugin's options, bound to the fields of its config struct `Cfg`.
/// Build it once (a function-local static) and hand it to the plugin descriptor macro.
template <class Cfg>
class OptionSet {
 public:
  /// Declares option `name` stored in `member`. The default is the member's value in `Cfg{}`. `member`
  /// may belong to a base of Cfg, so that plugins sharing a base config share its declarations.
  template <class Field, class Owner>
    requires std::is_base_of_v<Owner, Cfg>
  OptionSet&& add(std::string name, Field Owner::*owner_member, std::string description, bool required = false) && {
    Field Cfg::*member = owner_member;
    using Traits = detail::OptionTraits<Field>;
    static const Cfg defaults{};
    OptionSpec spec;
    spec.name = name;
    spec.type = Traits::kType;
    spec.default_value = Traits::to_value(defaults.*member);
    spec.description = std::move(description);
    spec.required = required;
    if constexpr (std::is_integral_v<Field> && !std::is_same_v<Field, bool>) {
      spec.min_int = static_cast<std::int64_t>(std::numeric_limits<Field>::min());
      spec.max_int = std::numeric_limits<Field>::max() > static_cast<std::uint64_t>(
                                                              std::numeric_limits<std::int64_t>::max())
                         ? std::numeric_limits<std::int64_t>::max()
                         : static_cast<std::int64_t>(std::numeric_limits<Field>::max());
    }
    specs_.push_back(std::move(spec));
    readers_.push_back([name = std::move(name), member](const ConfigValue& options, Cfg& out) {
      if (const ConfigValue* v = options.find(name)) Traits::read(*v, out.*member);
    });
    return std::move(*this);
  }

  /// The declarations, in the order they were added.
  const std::vector<OptionSpec>& specs() const { return specs_; }

  /// Checks `options` (the plugin's options map; null means "all defaults") and fills a Cfg. `path` is
  /// the YAML path of the map and `plugin` the plugin's name, both used in messages. On failure the
  /// message lists every problem, one per line.
  Result<Cfg> bind(const ConfigValue& options, std::string_view path, std::string_view plugin) const {
    std::vector<std::string> errors;
    check_options(specs_, options, path, plugin, errors);
    if (!errors.empty()) {
      std::string message;
      for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
      return Status::invalid_argument(std::move(message));
    }
    Cfg cfg{};
    for (const auto& read : readers_) read(options, cfg);
    return cfg;
  }

 private:
  std::vector<OptionSpec> specs_;
  std::vector<std::function<void(const ConfigValue&, Cfg&)>> readers_;
};

}  // namespace mpf
