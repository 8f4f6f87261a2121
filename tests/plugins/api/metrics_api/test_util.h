#pragma once

// Helpers shared by the metrics_api encoding tests: fixture loading and whitespace-insensitive JSON
// comparison for the reference's hand-formatted examples.

#include <zlib.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "metrics_api/json_writer.h"

namespace mpf::api::metrics::testing {

// Inflates one gzip member; zlib checks the CRC-32 and length trailer, so a wrong CRC fails here.
inline std::optional<std::string> gunzip(const std::string& gz) {
  z_stream s{};
  if (inflateInit2(&s, 16 + 15) != Z_OK) return std::nullopt;
  std::string out;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  s.avail_in = static_cast<uInt>(gz.size());
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.next_out = reinterpret_cast<Bytef*>(buffer);
    s.avail_out = sizeof buffer;
    rc = inflate(&s, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - s.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && s.avail_in == 0;
  inflateEnd(&s);
  if (!whole) return std::nullopt;
  return out;
}

inline std::string read_fixture(std::string_view name) {
  std::ifstream in(std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/metrics-api/" + std::string(name),
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What `fn(writer)` writes in `style`.
template <typename Fn>
std::string render(JsonStyle style, Fn&& fn) {
  std::string out;
  JsonWriter w(out, style);
  fn(w);
  return out;
}

// Drops whitespace outside string literals: the reference formats some examples by hand, so they are
// compared as compact JSON (our compact output must then be equal byte for byte).
inline std::string without_json_whitespace(std::string_view json) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      out += c;
    }
  }
  return out;
}

}  // namespace mpf::api::metrics::testing
