// Fuzz target for the line-protocol escaping, against a model of InfluxDB's Go parser (influxd 1.6
// confirmed it on the cases of line_protocol_test.cpp): the measurement and tag scanners end a name at
// a separator whose previous byte is not a backslash; the line and field scanners take a backslash and
// the byte after it as a pair. Whatever the input, the escaped text must be one name under both, with
// no line break and no trailing backslash, and must read back as the input: exactly when no backslash
// precedes a character to escape, and up to backslashes (doubled there) otherwise.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "line_protocol.h"

namespace {

bool is_line_break(char c) { return c == '\n' || c == '\r'; }

std::string without_backslashes(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '\\') out += c;
  }
  return out;
}

template <class Special>
void check_name(std::string_view input, std::string_view text, Special special) {
  if (!text.empty() && text.back() == '\\') std::abort();
  // Pairwise scan: never stops on a separator, never runs past the end.
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_line_break(text[i])) std::abort();
    if (text[i] == '\\') {
      i += 2;
      continue;
    }
    if (special(text[i])) std::abort();
    ++i;
  }
  if (i != text.size()) std::abort();
  // Previous-byte scan and InfluxDB's unescape (backslash + special → the special).
  std::string read_back;
  for (i = 0; i < text.size(); ++i) {
    if (special(text[i]) && (i == 0 || text[i - 1] != '\\')) std::abort();
    if (text[i] == '\\' && i + 1 < text.size() && special(text[i + 1])) continue;
    read_back += text[i];
  }
  std::string expected(input);
  bool backslash_before_escape = false;
  for (std::size_t j = 0; j < expected.size(); ++j) {
    if (is_line_break(expected[j])) expected[j] = ' ';
    if (j > 0 && expected[j - 1] == '\\' && special(expected[j])) backslash_before_escape = true;
  }
  while (!expected.empty() && expected.back() == '\\') expected.pop_back();
  if (backslash_before_escape ? without_backslashes(read_back) != without_backslashes(expected)
                              : read_back != expected) {
    std::abort();
  }
}

void check_string_field(std::string_view input, std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') std::abort();
  std::string read_back;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '"') std::abort();
    if (text[i] == '\\') ++i;  // InfluxDB unescapes \\ and \" in string fields
    if (i + 1 >= text.size()) std::abort();
    read_back += text[i];
  }
  if (read_back != input) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string out;
  mpf::sinks::influxdb::append_key(out, input);
  check_name(input, out, [](char c) { return c == ',' || c == '=' || c == ' '; });
  out.clear();
  mpf::sinks::influxdb::append_measurement(out, input);
  check_name(input, out, [](char c) { return c == ',' || c == ' '; });
  out.clear();
  mpf::sinks::influxdb::append_string_field(out, input);
  check_string_field(input, out);
  return 0;
}
