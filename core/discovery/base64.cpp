#include "core/discovery/base64.h"

#include <cstdint>

namespace mpf::core {
namespace {

// The 6-bit value of a base64 character; -1 for anything else.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t bits = 0;
  int pending = 0;  // characters in `bits` not yet written out
  int padding = 0;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int v = sextet(c);
    // Data after padding would be a second encoding glued on; Go rejects it too.
    if (v < 0 || padding > 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++pending == 4) {
      out.push_back(static_cast<char>((bits >> 16) & 0xff));
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
      out.push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      pending = 0;
    }
  }
  // A final group of 2 or 3 characters carries 1 or 2 bytes; a lone character carries none.
  if (pending == 1) return std::nullopt;
  // Padding, when present, must complete the last group exactly.
  if (padding > 0 && (pending == 0 || pending + padding != 4)) return std::nullopt;
  if (pending == 2) {
    out.push_back(static_cast<char>((bits >> 4) & 0xff));
  } else if (pending == 3) {
    out.push_back(static_cast<char>((bits >> 10) & 0xff));
    out.push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return out;
}

}  // namespace mpf::core
