#pragma once

// Lexical helpers of the Prometheus text exposition format (version 0.0.4), as the kubelet writes it.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mpf::sources::kubelet_resource {

// Character classes of the text format, one table lookup per byte on the hot path.
enum CharClass : std::uint8_t {
  kBlank = 1,             // separates tokens
  kLabelNameChar = 2,     // [a-zA-Z0-9_]
  kMetricNameChar = 4,    // [a-zA-Z0-9_:]
  kNameStart = 8,         // [a-zA-Z_] (a metric name may also start with ':')
  kDigit = 16,
};

constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> t{};
  t[' '] = t['\t'] = kBlank;
  for (int c = 0; c < 256; ++c) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (alpha) t[c] |= kNameStart;
    if (alpha || digit) t[c] |= kLabelNameChar | kMetricNameChar;
    if (digit) t[c] |= kDigit;
  }
  t[':'] |= kMetricNameChar;
  return t;
}
constexpr std::array<std::uint8_t, 256> kCharClasses = make_char_classes();

inline bool has_class(char c, CharClass k) { return (kCharClasses[static_cast<unsigned char>(c)] & k) != 0; }
inline bool is_blank(char c) { return has_class(c, kBlank); }
inline bool is_digit(char c) { return has_class(c, kDigit); }

inline const char* skip_blanks(const char* p, const char* end) {
  while (p < end && is_blank(*p)) ++p;
  return p;
}

// The Prometheus format requires label values to be UTF-8; names end up in JSON responses.
bool is_valid_utf8(const char* p, const char* end);

// The Prometheus text format escapes exactly \\, \" and \n in label values; any other backslash pair
// is kept as written, as Prometheus itself does. `out` is overwritten (its capacity is reused).
void unescape_label_value(std::string_view raw, std::string& out);

}  // namespace mpf::sources::kubelet_resource
