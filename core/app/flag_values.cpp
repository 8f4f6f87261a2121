#include "core/app/flag_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "core/log/logger.h"
#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using K = FlagKind;

std::string_view trim_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// strconv's underscoreOK: with base prefixes, '_' may only separate digits.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = lower(s[i]);
    if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseInt(text, base0 ? 0 : 10, bits), with its error text.
Result<std::int64_t> parse_go_int(std::string_view text, bool base0, int bits) {
  auto error = [&](std::string_view what) {
    return Status::invalid_argument("strconv.ParseInt: parsing " + go_quote(text) + ": " + std::string(what));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return error("invalid syntax");
  unsigned base = 10;
  if (base0 && s[0] == '0') {
    char prefix = s.size() >= 3 ? lower(s[1]) : '\0';
    base = prefix == 'b' ? 2 : prefix == 'o' ? 8 : prefix == 'x' ? 16 : 8;
    s.remove_prefix(prefix == 'b' || prefix == 'o' || prefix == 'x' ? 2 : 1);
  }
  std::uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    if (c == '_' && base0) {
      underscores = true;
      continue;
    }
    char l = lower(c);
    unsigned digit = 99;  // not a digit in any base
    if (l >= '0' && l <= '9') {
      digit = static_cast<unsigned>(l - '0');
    } else if (l >= 'a' && l <= 'z') {
      digit = static_cast<unsigned>(l - 'a' + 10);
    }
    if (digit >= base) return error("invalid syntax");
    if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / base) return error("value out of range");
    n = n * base + digit;
  }
  if (underscores && !underscore_ok(text)) return error("invalid syntax");
  std::uint64_t cutoff = std::uint64_t{1} << (bits - 1);
  if ((!negative && n >= cutoff) || (negative && n > cutoff)) return error("value out of range");
  return negative ? static_cast<std::int64_t>(~n + 1) : static_cast<std::int64_t>(n);
}

// strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
  return std::nullopt;
}

// strconv.ParseFloat(text, bits); the text is kept as written.
Status check_go_float(std::string_view text, int bits) {
  auto error = [&](std::string_view what) {
    return Status::invalid_argument("strconv.ParseFloat: parsing " + go_quote(text) + ": " + std::string(what));
  };
  std::string copy(text);
  if (copy.empty() || trim_space(copy).size() != copy.size()) return error("invalid syntax");
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return error("invalid syntax");
  bool written_infinite = std::isinf(value) && copy.find_first_of("iI") != std::string::npos;
  if (!written_infinite && (std::isinf(value) || (bits == 32 && std::fabs(value) > FLT_MAX))) {
    return error("value out of range");
  }
  return Status::ok();
}

// One record of Go's encoding/csv, as pflag reads list values; "" is the empty list.
Result<ConfigValue> parse_csv(std::string_view text) {
  ConfigValue list = ConfigValue::list();
  if (text.empty()) return list;
  auto error = [](std::size_t column, std::string_view what) {
    return Status::invalid_argument("parse error on line 1, column " + std::to_string(column) + ": " +
                                    std::string(what));
  };
  std::size_t i = 0;
  while (true) {
    std::string field;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += text[i++];
      }
      if (!closed || (i < text.size() && text[i] != ',')) {
        return error(i + 1, "extraneous or missing \" in quoted-field");
      }
    } else {
      std::size_t start = i;
      while (i < text.size() && text[i] != ',') {
        if (text[i] == '"') return error(i + 1, "bare \" in non-quoted-field");
        ++i;
      }
      field = text.substr(start, i - start);
    }
    list.push_back(ConfigValue::scalar(std::move(field)));
    if (i >= text.size()) break;
    ++i;  // the comma; a trailing one yields a last, empty field
  }
  return list;
}

}  // namespace

Result<ConfigValue> parse_flag_value(const FlagSpec& spec, std::string_view text) {
  switch (spec.kind) {
    case K::kBool: {
      auto b = parse_go_bool(text);
      if (!b) return Status::invalid_argument("strconv.ParseBool: parsing " + go_quote(text) + ": invalid syntax");
      return ConfigValue::scalar(*b ? "true" : "false");
    }
    case K::kInt:
    case K::kLevel: {
      auto n = spec.kind == K::kInt ? parse_go_int(text, true, 64) : parse_go_int(text, false, 32);
      if (!n) return n.status();
      return ConfigValue::scalar(std::to_string(*n));
    }
    case K::kFloat:
    case K::kFloat32: {
      if (Status st = check_go_float(text, spec.kind == K::kFloat ? 64 : 32); !st.is_ok()) return st;
      return ConfigValue::scalar(std::string(text));
    }
    case K::kDuration: {
      auto d = parse_duration(text);
      if (!d) return Status::invalid_argument("time: invalid duration " + go_quote(text));
      return ConfigValue::scalar(format_duration(*d));
    }
    case K::kLogFormat: {
      if (auto format = parse_log_format(text); !format) return format.status();
      return ConfigValue::scalar(std::string(text));
    }
    case K::kIp: {
      std::string trimmed(trim_space(text));
      unsigned char buffer[16];
      if (!text.empty() && inet_pton(AF_INET, trimmed.c_str(), buffer) != 1 &&
          inet_pton(AF_INET6, trimmed.c_str(), buffer) != 1) {
        return Status::invalid_argument("failed to parse IP: " + go_quote(text));
      }
      return ConfigValue::scalar(std::move(trimmed));
    }
    case K::kStrings: return parse_csv(text);
    case K::kInt32Slice: {
      ConfigValue list = ConfigValue::list();
      std::size_t start = 0;
      while (true) {
        std::size_t comma = text.find(',', start);
        auto n = parse_go_int(text.substr(start, comma == std::string_view::npos ? comma : comma - start), true, 32);
        if (!n) return n.status();
        list.push_back(ConfigValue::scalar(std::to_string(*n)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return list;
    }
    case K::kNamedCertKey: {
      std::string_view value = trim_space(text);
      std::string_view pair = value.substr(0, value.find(':'));
      if (pair.size() != value.size() && trim_space(value.substr(pair.size() + 1)).empty()) {
        return Status::invalid_argument("empty names list is not allowed");
      }
      if (std::count(pair.begin(), pair.end(), ',') != 1) {
        return Status::invalid_argument("expected comma separated certificate and key file paths");
      }
      ConfigValue list = ConfigValue::list();
      list.push_back(ConfigValue::scalar(std::string(value)));
      return list;
    }
    case K::kString:
    case K::kQuantity:
    case K::kFeatureGates:
    case K::kVmodule: return ConfigValue::scalar(std::string(text));
  }
  return ConfigValue::scalar(std::string(text));
}

bool is_list_flag_kind(FlagKind kind) {
  return kind == K::kStrings || kind == K::kInt32Slice || kind == K::kNamedCertKey;
}

std::string_view flag_type_name(FlagKind kind) {
  switch (kind) {
    case K::kBool: return "";
    case K::kInt: return "int";
    case K::kLevel: return "Level";
    case K::kFloat: return "float";
    case K::kFloat32: return "float32";
    case K::kDuration: return "duration";
    case K::kString: return "string";
    case K::kLogFormat: return "string";
    case K::kIp: return "ip";
    case K::kStrings: return "strings";
    case K::kInt32Slice: return "int32Slice";
    case K::kNamedCertKey: return "namedCertKey";
    case K::kQuantity: return "quantity";
    case K::kFeatureGates: return "colonSeparatedMultimapStringString";
    case K::kVmodule: return "pattern=N,...";
  }
  return "";
}

}  // namespace mpf::core
