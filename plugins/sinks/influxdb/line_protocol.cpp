#include "line_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace mpf::sinks::influxdb {

namespace {

bool is_line_break(char c) { return c == '\n' || c == '\r'; }

// InfluxDB reads a backslash before a separator as escaping it, however many backslashes precede: a
// name cannot end in one.
std::string_view without_trailing_backslashes(std::string_view name) {
  while (!name.empty() && name.back() == '\\') name.remove_suffix(1);
  return name;
}

// Escapes `in`, putting a backslash before each character for which `special(c)` holds. See the
// header for what happens to backslashes and line breaks.
template <class Special>
void append_escaped(std::string& out, std::string_view in, Special special) {
  in = without_trailing_backslashes(in);
  // Most names need nothing: copy the plain prefix in one append rather than a character at a time.
  std::size_t i = 0;
  while (i < in.size() && in[i] != '\\' && !special(in[i]) && !is_line_break(in[i])) ++i;
  out.append(in.substr(0, i));
  while (i < in.size()) {
    const char c = in[i];
    if (c == '\\') {
      const std::size_t run_end = std::min(in.find_first_not_of('\\', i), in.size());
      // Doubled when an escape follows, so that scanning backslashes two by two (InfluxDB's line and
      // field scanners) still ends on that escape; trailing ones were dropped above.
      const bool before_escape = run_end < in.size() && (special(in[run_end]) || is_line_break(in[run_end]));
      out.append(before_escape ? 2 * (run_end - i) : run_end - i, '\\');
      i = run_end;
      continue;
    }
    if (is_line_break(c)) {
      out += "\\ ";
    } else {
      if (special(c)) out += '\\';
      out += c;
    }
    ++i;
  }
}

}  // namespace

void append_measurement(std::string& out, std::string_view name) {
  append_escaped(out, name, [](char c) { return c == ',' || c == ' '; });
}

void append_key(std::string& out, std::string_view name) {
  append_escaped(out, name, [](char c) { return c == ',' || c == '=' || c == ' '; });
}

void append_string_field(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

bool append_float(std::string& out, double value) {
  if (!std::isfinite(value)) return false;
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return false;  // cannot happen with 32 bytes; keeps the line valid anyway
  out.append(buffer, end);
  return true;
}

void LineWriter::begin(std::string_view measurement) {
  line_start_ = out_.size();
  fields_ = 0;
  append_measurement(out_, measurement);
}

void LineWriter::tag(std::string_view key, std::string_view value) {
  if (without_trailing_backslashes(key).empty() || without_trailing_backslashes(value).empty()) return;
  out_ += ',';
  append_key(out_, key);
  out_ += '=';
  append_key(out_, value);
}

void LineWriter::tag_escaped(std::string_view comma_key_equals_value) { out_ += comma_key_equals_value; }

void LineWriter::field_key(std::string_view key) {
  out_ += fields_ == 0 ? ' ' : ',';
  append_key(out_, key);
  out_ += '=';
  ++fields_;
}

void LineWriter::field_int(std::string_view key, std::int64_t value) {
  field_key(key);
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 24 bytes hold any int64
  out_.append(buffer, end);
  out_ += 'i';
}

void LineWriter::field_uint(std::string_view key, std::uint64_t value) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  field_int(key, static_cast<std::int64_t>(value > kMax ? kMax : value));
}

void LineWriter::field_float(std::string_view key, double value) {
  if (!std::isfinite(value)) return;
  field_key(key);
  append_float(out_, value);
}

void LineWriter::field_string(std::string_view key, std::string_view value) {
  field_key(key);
  append_string_field(out_, value);
}

std::size_t LineWriter::end(std::int64_t timestamp_ns) {
  if (fields_ == 0) {
    out_.resize(line_start_);
    return 0;
  }
  out_ += ' ';
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, timestamp_ns);
  (void)ec;
  out_.append(buffer, end);
  out_ += '\n';
  return fields_;
}

}  // namespace mpf::sinks::influxdb
