#pragma once

/// @file
/// Logging from plugins. One event per call, with key=value fields; the host renders it in klog's text
/// format or as JSON (--logging-format) and filters by verbosity (-v). Never log per sample; log
/// per-target errors once per state change.

#include <initializer_list>
#include <string>
#include <string_view>

namespace mpf {

enum class Severity : unsigned char { kInfo, kWarning, kError };

/// A key=value pair attached to a log event.
struct LogField {
  std::string_view key;
  std::string value;
};

/// Thread-safe; may be called from any thread.
class Logger {
 public:
  virtual ~Logger() = default;

  /// Whether info events at `verbosity` are written (klog's V(n)). Warnings and errors always are.
  virtual bool enabled(int verbosity) const noexcept = 0;

  /// Writes one event. `verbosity` only matters for kInfo.
  virtual void log(Severity severity, int verbosity, std::string_view message,
                   std::initializer_list<LogField> fields) noexcept = 0;

  void info(std::string_view message, std::initializer_list<LogField> fields = {}) noexcept {
    log(Severity::kInfo, 0, message, fields);
  }
  /// Info at verbosity `v`: written only when -v >= v.
  void info_v(int v, std::string_view message, std::initializer_list<LogField> fields = {}) noexcept {
    if (enabled(v)) log(Severity::kInfo, v, message, fields);
  }
  void warn(std::string_view message, std::initializer_list<LogField> fields = {}) noexcept {
    log(Severity::kWarning, 0, message, fields);
  }
  void error(std::string_view message, std::initializer_list<LogField> fields = {}) noexcept {
    log(Severity::kError, 0, message, fields);
  }
};

}  // namespace mpf
