#pragma once

// The process-wide log writer: renders mpf::Logger events in klog's text format or in
// k8s.io/component-base's JSON format, one event per line, filtered by verbosity (-v).
//
// Text (klog header, component where klog puts file:line):
//   I1124 10:06:00.123456   12345 scraper] "Scrape finished" duration="1.2s" nodeCount=3
// JSON (component-base/logs/json):
//   {"ts":1732442760123.456,"caller":"scraper","msg":"Scrape finished","v":0,"duration":"1.2s","nodeCount":3}
//
// Field values reach us as strings (mpf::LogField), so the original Go type is unknown. The rule:
// a value that is exactly `true`/`false` or a plain decimal number (JSON number syntax: -?(0|[1-9]\d*)
// (\.\d+)?([eE][+-]?\d+)?) is written bare, as klog and zap write bools and numbers; every other value
// is a string: Go-quoted (strconv.Quote) in text, a JSON string in JSON. Multi-line values are
// escaped (klog would break them over several lines; we keep one event per line).
//
// Differences from klog/component-base that are deliberate:
//  - warnings: klog's JSON backend has no warning level and writes them as info with "v":0; so do we.
//  - a field named "err" is always a string. In an error event it is written first in text (klog's
//    ErrorS order) and last in JSON (zapr appends the error after the key/value pairs); other
//    severities keep the order of the fields.

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mpf/sdk/logger.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

enum class LogFormat : unsigned char { kText, kJson };

// "text" or "json" (the values of --logging-format); anything else is invalid_argument with the
// message `supported values: "json", "text"`.
Result<LogFormat> parse_log_format(std::string_view name);

// Go's strconv.Quote: double-quoted, with \a \b \f \n \r \t \v \\ \" escapes, \xHH for other control
// bytes and invalid UTF-8, \uHHHH for non-printable code points (C1 controls, format characters,
// separators other than ' ', private use, noncharacters); printable UTF-8 is kept as is.
std::string go_quote(std::string_view text);

// Writes log events for the whole process. Thread-safe: events are formatted outside the lock and
// each is written to the stream as one line under a mutex, so concurrent events never interleave.
// Must outlive every Logger obtained from logger_for().
class LogWriter {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  struct Options {
    LogFormat format = LogFormat::kText;  // Default: text.
    int verbosity = 0;                    // Default: 0. Info events at V(n) are written when n <= verbosity.
    std::ostream* out = nullptr;          // Default: std::cerr. Not owned; must outlive the writer.
    Clock clock;                          // Default: std::chrono::system_clock::now.
    bool local_time = true;               // Default: true. Text timestamps in local time, as klog; false = UTC.
    int pid = 0;                          // Default: 0 = getpid(). The id klog prints after the time.
  };

  LogWriter();
  explicit LogWriter(Options options);
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // A logger whose events carry `component` (klog's file:line slot, JSON "caller"). The logger
  // borrows this writer.
  std::unique_ptr<mpf::Logger> logger_for(std::string component);

  // -v at run time; takes effect for the next event on every thread.
  void set_verbosity(int verbosity) noexcept { verbosity_.store(verbosity, std::memory_order_relaxed); }
  int verbosity() const noexcept { return verbosity_.load(std::memory_order_relaxed); }
  void set_format(LogFormat format) noexcept { format_.store(format, std::memory_order_relaxed); }
  LogFormat format() const noexcept { return format_.load(std::memory_order_relaxed); }

  // Whether info events at V(`verbosity`) are written.
  bool enabled(int verbosity) const noexcept { return verbosity <= this->verbosity(); }

  // Writes one event unless it is an info event above the current verbosity. Never throws; an event
  // that cannot be formatted (out of memory) is dropped.
  void write(Severity severity, int verbosity, std::string_view component, std::string_view message,
             std::initializer_list<LogField> fields) noexcept;

 private:
  std::string format_text(Severity severity, std::chrono::system_clock::time_point now, std::string_view component,
                          std::string_view message, std::initializer_list<LogField> fields) const;
  std::string format_json(Severity severity, int verbosity, std::chrono::system_clock::time_point now,
                          std::string_view component, std::string_view message,
                          std::initializer_list<LogField> fields) const;

  std::atomic<int> verbosity_;
  std::atomic<LogFormat> format_;
  const Clock clock_;
  const bool local_time_;
  const int pid_;
  std::mutex mu_;
  std::ostream* const out_;  // Written only under mu_.
};

}  // namespace mpf::core
