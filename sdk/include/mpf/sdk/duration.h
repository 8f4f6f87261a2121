#pragma once

/// @file
/// Durations written the way Kubernetes components and metrics-server flags write them: Go's
/// time.Duration syntax ("15s", "1m30s", "500ms", "1.5h", "250us", "250µs", "0").

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mpf {

/// Parses a Go-style duration. Returns nullopt on any syntax error or overflow. A bare number is
/// accepted only when it is 0, as in Go.
inline std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  using Rep = std::int64_t;
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;
  long double total_ns = 0;
  while (!text.empty()) {
    // Number part: digits with an optional fraction.
    std::size_t i = 0;
    long double value = 0;
    bool any_digit = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      ++i;
      any_digit = true;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        value += (text[i] - '0') * scale;
        scale /= 10;
        ++i;
        any_digit = true;
      }
    }
    if (!any_digit) return std::nullopt;
    text.remove_prefix(i);
    // Unit part.
    static constexpr struct {
      std::string_view name;
      long double ns;
    } kUnits[] = {{"ns", 1.0L},           {"us", 1e3L},  {"\xC2\xB5s", 1e3L}, {"\xCE\xBCs", 1e3L},
                  {"ms", 1e6L},           {"s", 1e9L},   {"m", 60e9L},        {"h", 3600e9L}};
    std::size_t best = 0;
    long double unit_ns = 0;
    for (const auto& unit : kUnits) {
      if (text.substr(0, unit.name.size()) == unit.name && unit.name.size() > best) {
        best = unit.name.size();
        unit_ns = unit.ns;
      }
    }
    if (best == 0) return std::nullopt;
    text.remove_prefix(best);
    total_ns += value * unit_ns;
    if (total_ns > 9.2e18L) return std::nullopt;
  }
  Rep ns = static_cast<Rep>(total_ns + 0.5L);
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

/// Formats like Go's time.Duration.String(): "15s", "1m0s", "1.5s", "500ms", "1µs", "0s".
inline std::string format_duration(std::chrono::nanoseconds d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  std::uint64_t u = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  auto with_fraction = [](std::uint64_t value, std::uint64_t unit) {
    std::string out = std::to_string(value / unit);
    std::uint64_t frac = value % unit;
    if (frac != 0) {
      std::string digits = std::to_string(frac);
      std::size_t width = std::to_string(unit).size() - 1;
      digits.insert(0, width - digits.size(), '0');
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    return out;
  };
  if (u < 1000) return sign + std::to_string(u) + "ns";
  if (u < 1000000) return sign + with_fraction(u, 1000) + "\xC2\xB5s";
  if (u < 1000000000) return sign + with_fraction(u, 1000000) + "ms";
  std::uint64_t total_seconds = u / 1000000000;
  std::uint64_t hours = total_seconds / 3600;
  std::uint64_t minutes = (total_seconds / 60) % 60;
  std::uint64_t sub_minute_ns = u - (hours * 3600 + minutes * 60) * 1000000000ULL;
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += with_fraction(sub_minute_ns, 1000000000) + "s";
  return out;
}

}  // namespace mpf
