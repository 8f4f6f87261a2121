#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/logger.h"

namespace mpf::test {

// An mpf::Logger that records every event it accepts. Thread-safe, like the real one.
class TestLogger : public mpf::Logger {
 public:
  struct Event {
    mpf::Severity severity = mpf::Severity::kInfo;
    int verbosity = 0;
    std::string message;
    std::map<std::string, std::string> fields;

    std::string field(const std::string& key) const {
      auto it = fields.find(key);
      return it == fields.end() ? std::string() : it->second;
    }
  };

  // Info events above `verbosity` are dropped, as with -v; the default keeps everything.
  explicit TestLogger(int verbosity = 10) : verbosity_(verbosity) {}

  bool enabled(int verbosity) const noexcept override { return verbosity <= verbosity_; }

  void log(mpf::Severity severity, int verbosity, std::string_view message,
           std::initializer_list<mpf::LogField> fields) noexcept override {
    if (severity == mpf::Severity::kInfo && !enabled(verbosity)) return;
    Event event;
    event.severity = severity;
    event.verbosity = verbosity;
    event.message = std::string(message);
    for (const auto& f : fields) event.fields[std::string(f.key)] = f.value;
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }

  std::vector<Event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

  std::vector<Event> events_with_message(std::string_view message) const {
    std::lock_guard lock(mu_);
    std::vector<Event> out;
    for (const auto& e : events_) {
      if (e.message == message) out.push_back(e);
    }
    return out;
  }

  std::size_t count(std::string_view message) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [&](const Event& e) { return e.message == message; }));
  }

  std::size_t count(mpf::Severity severity) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [&](const Event& e) { return e.severity == severity; }));
  }

  void clear() {
    std::lock_guard lock(mu_);
    events_.clear();
  }

 private:
  int verbosity_;
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

}  // namespace mpf::test
