#pragma once

/// @file
/// Go's ways of writing strings, for messages and documents that must match Go programs byte for byte
/// (Kubernetes error messages quote with strconv.Quote; Kubernetes JSON is encoding/json's): UTF-8
/// decoding as Go's utf8.DecodeRuneInString, strconv.Quote, and encoding/json's string encoding.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace mpf::go {

// Decodes one UTF-8 sequence at the start of `s` as Go's utf8.DecodeRuneInString does: on any invalid
// or incomplete sequence (overlong, surrogate, above U+10FFFF) it returns {U+FFFD, 1}.
inline std::pair<char32_t, std::size_t> decode_utf8(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {0xFFFD, 1};
  }
  if (s.size() < len || byte(1) < lo || byte(1) > hi) return {0xFFFD, 1};
  char32_t r = b0 & (0xFF >> (len + 1));
  r = (r << 6) | (byte(1) & 0x3F);
  for (std::size_t i = 2; i < len; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return {0xFFFD, 1};
    r = (r << 6) | (byte(i) & 0x3F);
  }
  return {r, len};
}

// Go's strconv.IsPrint (Unicode 15) for a non-ASCII rune: exact below U+0800, the two-byte UTF-8 range
// that random bytes mostly decode to; above it, only the ranges listed in the file comment are known.
inline bool is_go_printable_non_ascii(char32_t r) {
  struct Range {
    char32_t lo, hi;
  };
  static constexpr Range kNotPrintable[] = {
      // Below U+0800: every code point outside categories L, M, N, P and S.
      {0x80, 0xA0}, {0xAD, 0xAD}, {0x378, 0x379}, {0x380, 0x383}, {0x38B, 0x38B}, {0x38D, 0x38D},
      {0x3A2, 0x3A2}, {0x530, 0x530}, {0x557, 0x558}, {0x58B, 0x58C}, {0x590, 0x590}, {0x5C8, 0x5CF},
      {0x5EB, 0x5EE}, {0x5F5, 0x605}, {0x61C, 0x61C}, {0x6DD, 0x6DD}, {0x70E, 0x70F}, {0x74B, 0x74C},
      {0x7B2, 0x7BF}, {0x7FB, 0x7FC},
      // Above: spaces, format characters, private use, noncharacters, unassigned planes.
      {0x180E, 0x180E}, {0x1680, 0x1680}, {0x2000, 0x200F}, {0x2028, 0x202F}, {0x205F, 0x206F},
      {0x3000, 0x3000}, {0xD800, 0xF8FF}, {0xFDD0, 0xFDEF}, {0xFEFF, 0xFEFF}, {0xFFF0, 0xFFFB},
      {0x110BD, 0x110BD}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0x40000, 0xDFFFF}, {0xE0000, 0xE00FF},
      {0xE01F0, 0x10FFFF},
  };
  if ((r & 0xFFFE) == 0xFFFE) return false;  // U+nFFFE and U+nFFFF are noncharacters in every plane
  for (const Range& range : kNotPrintable) {
    if (r >= range.lo && r <= range.hi) return false;
  }
  return true;
}

// Go's strconv.Quote (what fmt's %q does with a string).
inline std::string go_quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  while (!s.empty()) {
    auto [r, width] = decode_utf8(s);
    if (width == 1 && r == 0xFFFD) {
      unsigned char b = static_cast<unsigned char>(s[0]);
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else if (r == '"' || r == '\\') {
      out += '\\';
      out += static_cast<char>(r);
    } else if (r >= 0x20 && r < 0x7F) {
      out += static_cast<char>(r);
    } else if (r >= 0x80 && is_go_printable_non_ascii(r)) {
      out.append(s.substr(0, width));
    } else {
      switch (r) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (r < 0x20 || r == 0x7F) {
            out += "\\x";
            out += kHex[r >> 4];
            out += kHex[r & 0xF];
          } else {
            bool wide = r >= 0x10000;
            out += wide ? "\\U" : "\\u";
            for (int shift = wide ? 28 : 12; shift >= 0; shift -= 4) out += kHex[(r >> shift) & 0xF];
          }
      }
    }
    s.remove_prefix(width);
  }
  return out + "\"";
}

namespace json_detail {

inline constexpr char kHex[] = "0123456789abcdef";

// 1 for ASCII bytes that Go writes unescaped with HTML escaping on (its htmlSafeSet).
constexpr bool is_safe_ascii(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 when Go's utf8.DecodeRuneInString
// would return (RuneError, 1): bad lead byte, bad or missing continuation, overlong forms,
// surrogates and code points above U+10FFFF.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned lead = byte(0);
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    const unsigned b = byte(k);
    return b >= lo && b <= hi;
  };
  if (lead >= 0xC2 && lead <= 0xDF) return cont(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned lo = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = lead == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned lo = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = lead == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}


}  // namespace json_detail

/// Appends `text` as a JSON string the way Go's encoding/json writes it: HTML-safe (<, >, & as
/// \\u003c ...), U+2028/U+2029 escaped, each invalid UTF-8 byte as \\ufffd, \\b and \\f short (Go >= 1.22).
/// Runs of plain characters are copied at once.
inline void append_json_string(std::string& out, std::string_view text) {
  using namespace json_detail;
  out += '"';
  std::size_t start = 0;  // first byte not yet copied
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_safe_ascii(c)) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.append(text.data() + start, i - start);
      out += '\\';
      switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        case '\b': out += 'b'; break;
        case '\f': out += 'f'; break;
        default:
          out += "u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
      }
      start = ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out.append(text.data() + start, i - start);
      out += "\\ufffd";
      start = ++i;
      continue;
    }
    // U+2028 / U+2029 are E2 80 A8 / E2 80 A9: valid JSON but not valid JavaScript, so Go escapes them.
    if (length == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8) {
      out.append(text.data() + start, i - start);
      out += "\\u202";
      out += kHex[static_cast<unsigned char>(text[i + 2]) & 0xF];
      start = i + 3;
    }
    i += length;
  }
  out.append(text.data() + start, text.size() - start);
  out += '"';
}

/// Go's encoding/json encoding of a string, as a new string.
inline std::string json_quote(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace mpf::go
