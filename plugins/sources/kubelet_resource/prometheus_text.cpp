#include "prometheus_text.h"

#include <cstring>

namespace mpf::sources::kubelet_resource {

bool is_valid_utf8(const char* p, const char* end) {
  // Kubernetes names are ASCII: check eight bytes at a time for a high bit first.
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    if ((word & 0x8080808080808080ULL) != 0) break;
    p += 8;
  }
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      ++p;
      continue;
    }
    int continuation = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
    if (c >= 0xC2 && c <= 0xDF) {
      continuation = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      continuation = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      continuation = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (end - p <= continuation) return false;
    const auto first = static_cast<unsigned char>(p[1]);
    if (first < lo || first > hi) return false;
    for (int i = 2; i <= continuation; ++i) {
      const auto b = static_cast<unsigned char>(p[i]);
      if (b < 0x80 || b > 0xBF) return false;
    }
    p += continuation + 1;
  }
  return true;
}

void unescape_label_value(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      const char next = raw[++i];
      if (next == 'n') {
        c = '\n';
      } else if (next == '\\' || next == '"') {
        c = next;
      } else {
        out.push_back('\\');
        c = next;
      }
    }
    out.push_back(c);
  }
}

}  // namespace mpf::sources::kubelet_resource
