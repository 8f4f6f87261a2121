#include "core/log/logger.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <utility>

#include "mpf/sdk/go_strings.h"

namespace mpf::core {

namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

void append_hex(std::string& out, std::uint32_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kLowerHex[(value >> shift) & 0xF];
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — valid both as a Go number and as a JSON number.
bool is_plain_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  std::size_t int_start = i;
  std::size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && s[int_start] == '0')) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// The rule documented in logger.h: bools and plain numbers are written bare.
bool is_bare_value(std::string_view s) { return s == "true" || s == "false" || is_plain_number(s); }

// Keys and components are written verbatim when they are plain tokens, quoted otherwise, so that an
// odd key can never break the line or the key=value structure.
void append_token(std::string& out, std::string_view s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (c <= ' ' || c > '~' || c == '"' || c == '=') plain = false;
  }
  if (plain) {
    out += s;
  } else {
    out += go_quote(s);
  }
}

// zap's JSON string escaping: \" \\ \n \r \t, \u00XX for other bytes < 0x20, \ufffd for invalid UTF-8.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            append_hex(out, c, 2);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const auto [rune, width] = go::decode_utf8(s.substr(i));
    if (width == 1 && rune == 0xFFFD) {  // an invalid byte (a valid U+FFFD is three)
      out += "\\ufffd";
      ++i;
    } else {
      out.append(s.substr(i, width));
      i += width;
    }
  }
  out += '"';
}

void append_json_value(std::string& out, std::string_view value) {
  if (is_bare_value(value)) {
    out += value;
  } else {
    append_json_string(out, value);
  }
}

class ComponentLogger final : public mpf::Logger {
 public:
  ComponentLogger(LogWriter& writer, std::string component) : writer_(writer), component_(std::move(component)) {}

  bool enabled(int verbosity) const noexcept override { return writer_.enabled(verbosity); }

  void log(Severity severity, int verbosity, std::string_view message,
           std::initializer_list<LogField> fields) noexcept override {
    writer_.write(severity, verbosity, component_, message, fields);
  }

 private:
  LogWriter& writer_;
  const std::string component_;
};

}  // namespace

Result<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Status::invalid_argument("supported values: \"json\", \"text\"");
}

std::string go_quote(std::string_view text) { return go::go_quote(text); }

LogWriter::LogWriter() : LogWriter(Options{}) {}

LogWriter::LogWriter(Options options)
    : verbosity_(options.verbosity),
      format_(options.format),
      clock_(options.clock ? std::move(options.clock) : Clock([] { return std::chrono::system_clock::now(); })),
      local_time_(options.local_time),
      pid_(options.pid != 0 ? options.pid : static_cast<int>(::getpid())),
      out_(options.out != nullptr ? options.out : &std::cerr) {}

std::unique_ptr<mpf::Logger> LogWriter::logger_for(std::string component) {
  return std::make_unique<ComponentLogger>(*this, std::move(component));
}

void LogWriter::write(Severity severity, int verbosity, std::string_view component, std::string_view message,
                      std::initializer_list<LogField> fields) noexcept {
  if (severity == Severity::kInfo && !enabled(verbosity)) return;
  try {
    auto now = clock_();
    std::string line = format() == LogFormat::kJson ? format_json(severity, verbosity, now, component, message, fields)
                                                    : format_text(severity, now, component, message, fields);
    std::lock_guard<std::mutex> lock(mu_);
    out_->write(line.data(), static_cast<std::streamsize>(line.size()));
    out_->flush();
  } catch (...) {
    // Logging must never take the process down; an event we cannot allocate is lost.
  }
}

std::string LogWriter::format_text(Severity severity, std::chrono::system_clock::time_point now,
                                   std::string_view component, std::string_view message,
                                   std::initializer_list<LogField> fields) const {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  std::int64_t micros = duration_cast<microseconds>(now.time_since_epoch()).count();
  std::int64_t seconds = micros / 1000000;
  std::int64_t sub_micros = micros % 1000000;
  if (sub_micros < 0) {
    sub_micros += 1000000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (local_time_) {
    localtime_r(&t, &tm);
  } else {
    gmtime_r(&t, &tm);
  }
  char letter = severity == Severity::kError ? 'E' : severity == Severity::kWarning ? 'W' : 'I';
  char header[64];
  int n = std::snprintf(header, sizeof header, "%c%02d%02d %02d:%02d:%02d.%06d %7d ", letter, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(sub_micros), pid_);
  std::string line(header, n > 0 ? static_cast<std::size_t>(n) : 0);
  append_token(line, component);
  line += "] ";
  line += go_quote(message);
  auto append_field = [&](const LogField& field) {
    line += ' ';
    append_token(line, field.key);
    line += '=';
    // An error is always a string, even when its text looks like a number.
    line += field.key != "err" && is_bare_value(field.value) ? field.value : go_quote(field.value);
  };
  // klog's ErrorS writes err right after the message.
  bool err_first = severity == Severity::kError;
  if (err_first) {
    for (const auto& field : fields) {
      if (field.key == "err") append_field(field);
    }
  }
  for (const auto& field : fields) {
    if (!(err_first && field.key == "err")) append_field(field);
  }
  line += '\n';
  return line;
}

std::string LogWriter::format_json(Severity severity, int verbosity, std::chrono::system_clock::time_point now,
                                   std::string_view component, std::string_view message,
                                   std::initializer_list<LogField> fields) const {
  // component-base: milliseconds since the epoch as a float, shortest form ('f', -1 in Go).
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  double millis = static_cast<double>(nanos) / 1e6;
  char ts[64];
  auto [end, ec] = std::to_chars(ts, ts + sizeof ts, millis, std::chars_format::fixed);
  std::string line = "{\"ts\":";
  line.append(ts, ec == std::errc() ? end : ts);
  line += ",\"caller\":";
  append_json_string(line, component);
  line += ",\"msg\":";
  append_json_string(line, message);
  bool is_error = severity == Severity::kError;
  if (!is_error) {
    // Warnings go through klog's logr backend as info at V(0).
    line += ",\"v\":";
    line += std::to_string(severity == Severity::kInfo ? verbosity : 0);
  }
  auto append_field = [&](const LogField& field) {
    line += ',';
    append_json_string(line, field.key);
    line += ':';
    if (field.key == "err") {
      append_json_string(line, field.value);
    } else {
      append_json_value(line, field.value);
    }
  };
  for (const auto& field : fields) {
    if (!(is_error && field.key == "err")) append_field(field);
  }
  // zapr appends an error's "err" after the key/value pairs.
  if (is_error) {
    for (const auto& field : fields) {
      if (field.key == "err") append_field(field);
    }
  }
  line += "}\n";
  return line;
}

}  // namespace mpf::core
