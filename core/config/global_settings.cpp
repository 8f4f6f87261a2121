#include "core/config/global_settings.h"

#include <type_traits>
#include <utility>

#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

// metrics-server refuses a shorter --metric-resolution; we only warn, so that tests can run fast.
constexpr nanoseconds kMetricsServerMinResolution = 10s;

// The one list of global settings, shared by the OptionSet and by global_settings_value() so that the
// two cannot drift apart.
template <class Visit>
void visit_fields(Visit&& visit) {
  visit("resolution", &GlobalSettings::resolution,
        "How often every source is scraped (metrics-server's --metric-resolution).");
  visit("scrape_timeout", &GlobalSettings::scrape_timeout,
        "Deadline of one scrape of one target (metrics-server's --kubelet-request-timeout); at most resolution.");
  visit("max_concurrent_scrapes", &GlobalSettings::max_concurrent_scrapes, "How many targets are scraped at once.");
  visit("jitter_per_target", &GlobalSettings::jitter_per_target,
        "Start jitter per target: each cycle starts after a random delay up to this times the number of targets.");
  visit("max_jitter", &GlobalSettings::max_jitter, "Upper bound of the start jitter.");
  visit("shutdown_timeout", &GlobalSettings::shutdown_timeout, "How long sinks may take to drain at exit.");
  visit("sink_queue_snapshots", &GlobalSettings::sink_queue_snapshots,
        "Snapshots queued per sink; when full the oldest is dropped and counted.");
  visit("log_format", &GlobalSettings::log_format, "Log line format: text or json.");
  visit("log_verbosity", &GlobalSettings::log_verbosity, "Log verbosity, like klog's -v.");
  visit("plugin_dir", &GlobalSettings::plugin_dir, "Directory from which plugin shared objects may be loaded.");
  visit("plugins", &GlobalSettings::plugins, "Paths of plugin shared objects to load at start-up.");
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

const OptionSet<GlobalSettings>& global_settings_options() {
  static const OptionSet<GlobalSettings> options = [] {
    OptionSet<GlobalSettings> set;
    visit_fields([&set](std::string name, auto member, std::string description) {
      // add() is rvalue-qualified for chaining; it appends to `set` in place and nothing is moved out.
      std::move(set).add(std::move(name), member, std::move(description));
    });
    return set;
  }();
  return options;
}

ConfigValue global_settings_value(const GlobalSettings& settings) {
  ConfigValue value = ConfigValue::map();
  visit_fields([&](std::string name, auto member, std::string_view) {
    using Field = std::remove_cvref_t<decltype(settings.*member)>;
    value.set(std::move(name), detail::OptionTraits<Field>::to_value(settings.*member));
  });
  return value;
}

Status validate_global_settings(const GlobalSettings& settings, std::vector<std::string>& warnings) {
  std::vector<std::string> errors;
  auto positive = [&](std::string_view key, nanoseconds value) {
    if (value <= 0ns) {
      errors.push_back("global." + std::string(key) + ": must be greater than 0, got " + format_duration(value));
      return false;
    }
    return true;
  };
  auto not_negative = [&](std::string_view key, auto value, std::string shown) {
    if (value < decltype(value){})
      errors.push_back("global." + std::string(key) + ": must not be negative, got " + shown);
  };
  auto at_least_one = [&](std::string_view key, int value) {
    if (value < 1)
      errors.push_back("global." + std::string(key) + ": must be at least 1, got " + std::to_string(value));
  };

  bool resolution_ok = positive("resolution", settings.resolution);
  if (resolution_ok && settings.resolution < kMetricsServerMinResolution) {
    warnings.push_back("global.resolution: " + format_duration(settings.resolution) +
                       " is below metrics-server's minimum of 10s; allowed, but every target is scraped that often");
  }
  if (positive("scrape_timeout", settings.scrape_timeout) && resolution_ok) {
    std::string timeout = format_duration(settings.scrape_timeout);
    std::string resolution = format_duration(settings.resolution);
    if (settings.scrape_timeout > settings.resolution) {
      errors.push_back("global.scrape_timeout: " + timeout + " exceeds global.resolution " + resolution +
                       "; a scrape must end before the next one starts");
    } else if (static_cast<double>(settings.scrape_timeout.count()) >
               0.9 * static_cast<double>(settings.resolution.count())) {
      warnings.push_back("global.scrape_timeout: " + timeout + " is more than 90% of global.resolution " + resolution +
                         ", which metrics-server would refuse");
    }
  }
  at_least_one("max_concurrent_scrapes", settings.max_concurrent_scrapes);
  not_negative("jitter_per_target", settings.jitter_per_target, format_duration(settings.jitter_per_target));
  not_negative("max_jitter", settings.max_jitter, format_duration(settings.max_jitter));
  not_negative("shutdown_timeout", settings.shutdown_timeout, format_duration(settings.shutdown_timeout));
  at_least_one("sink_queue_snapshots", settings.sink_queue_snapshots);
  if (settings.log_format != "text" && settings.log_format != "json") {
    errors.push_back("global.log_format: must be \"text\" or \"json\", got " + quoted(settings.log_format));
  }
  not_negative("log_verbosity", settings.log_verbosity, std::to_string(settings.log_verbosity));

  if (errors.empty()) return Status::ok();
  std::string message;
  for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
  return Status::invalid_argument(std::move(message));
}

}  // namespace mpf::core
