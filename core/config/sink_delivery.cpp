#include "core/config/sink_delivery.h"

#include <charconv>
#include <limits>
#include <utility>

#include "mpf/sdk/duration.h"

namespace mpf::core {
namespace {

using std::chrono::nanoseconds;

const OptionSpec kTimeoutSpec = [] {
  OptionSpec spec;
  spec.name = "timeout";
  spec.type = OptionType::kDuration;
  return spec;
}();

template <class Settings>
std::optional<Settings> bind_map(const OptionSet<Settings>& set, const ConfigValue& value, const std::string& path,
                                 std::string_view what, std::vector<std::string>& errors) {
  if (!value.is_null() && !value.is_map()) {
    errors.push_back(path + ": expected a map, got " + detail::describe_found(value));
    return std::nullopt;
  }
  Result<Settings> bound = set.bind(value, path, what);
  if (!bound) {
    errors.push_back(bound.status().message());
    return std::nullopt;
  }
  return std::move(bound).value();
}

void check_retry(const RetrySettings& retry, const std::string& path, std::vector<std::string>& errors) {
  if (retry.initial_interval <= nanoseconds::zero()) errors.push_back(path + ".initial_interval: must be positive");
  if (retry.max_interval < retry.initial_interval) {
    errors.push_back(path + ".max_interval: must be at least initial_interval");
  }
  if (!(retry.multiplier >= 1.0)) errors.push_back(path + ".multiplier: must be at least 1");
  if (!(retry.randomization_factor >= 0.0 && retry.randomization_factor < 1.0)) {
    errors.push_back(path + ".randomization_factor: must be in [0, 1)");
  }
  if (retry.max_elapsed_time < nanoseconds::zero()) errors.push_back(path + ".max_elapsed_time: must not be negative");
}

}  // namespace

const OptionSet<SinkQueueSettings>& sink_queue_options() {
  static const auto options =
      OptionSet<SinkQueueSettings>()
          .add("max_snapshots", &SinkQueueSettings::max_snapshots,
               "Snapshots waiting for the sink (0: global.sink_queue_snapshots); when full the oldest is dropped.")
          .add("max_bytes", &SinkQueueSettings::max_bytes,
               "Approximate memory of the waiting snapshots (bytes, or with Ki/Mi/Gi); the newest is always kept.");
  return options;
}

const OptionSet<RetrySettings>& retry_options() {
  static const auto options =
      OptionSet<RetrySettings>()
          .add("enabled", &RetrySettings::enabled, "Retry retryable failures (timeouts, refused, HTTP 429 and 5xx).")
          .add("initial_interval", &RetrySettings::initial_interval, "Wait before the first retry.")
          .add("multiplier", &RetrySettings::multiplier, "Growth of each wait, up to max_interval.")
          .add("randomization_factor", &RetrySettings::randomization_factor,
               "Each wait is drawn from interval × [1 - f, 1 + f].")
          .add("max_interval", &RetrySettings::max_interval, "Upper bound of one wait.")
          .add("max_elapsed_time", &RetrySettings::max_elapsed_time,
               "Give a batch up when retrying would pass this since its first attempt (0: no limit).");
  return options;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::uint64_t unit = 1;
  if (suffix == "Ki") unit = 1ull << 10;
  else if (suffix == "Mi") unit = 1ull << 20;
  else if (suffix == "Gi") unit = 1ull << 30;
  else if (suffix == "k") unit = 1000;
  else if (suffix == "M") unit = 1000 * 1000;
  else if (suffix == "G") unit = 1000 * 1000 * 1000;
  else if (!suffix.empty()) return std::nullopt;
  if (number == 0 || number > std::numeric_limits<std::uint64_t>::max() / unit) return std::nullopt;
  return number * unit;
}

void parse_sink_delivery_key(std::string_view key, const ConfigValue& value, const std::string& path,
                             SinkDeliverySettings& settings, std::vector<std::string>& errors) {
  if (key == "timeout") {
    if (Status st = check_option_value(kTimeoutSpec, value, path); !st.is_ok()) {
      errors.push_back(st.message());
      return;
    }
    settings.timeout = *parse_duration(value.text());
    if (settings.timeout <= nanoseconds::zero()) errors.push_back(path + ": must be positive");
  } else if (key == "queue") {
    auto queue = bind_map(sink_queue_options(), value, path, "queue", errors);
    if (!queue) return;
    std::optional<std::uint64_t> bytes = parse_byte_size(queue->max_bytes);
    if (!bytes) {
      errors.push_back(path + ".max_bytes: expected a positive size like 268435456, 256Mi or 1Gi, got \"" +
                       queue->max_bytes + "\"");
      return;
    }
    if (queue->max_snapshots < 0 || queue->max_snapshots > 1000) {
      errors.push_back(path + ".max_snapshots: " + std::to_string(queue->max_snapshots) + " is out of range [0, 1000]");
      return;
    }
    settings.queue = std::move(*queue);
    settings.queue_max_bytes = *bytes;
  } else if (key == "retry_on_failure") {
    auto retry = bind_map(retry_options(), value, path, "retry_on_failure", errors);
    if (!retry) return;
    std::size_t before = errors.size();
    check_retry(*retry, path, errors);
    if (errors.size() == before) settings.retry = *retry;
  }
}

void add_sink_delivery_values(const SinkDeliverySettings& settings, ConfigValue& entry) {
  entry.set("timeout", ConfigValue::scalar(format_duration(settings.timeout)));
  ConfigValue queue = ConfigValue::map();
  queue.set("max_snapshots", ConfigValue::scalar(std::to_string(settings.queue.max_snapshots)));
  queue.set("max_bytes", ConfigValue::scalar(settings.queue.max_bytes));
  entry.set("queue", std::move(queue));
  const RetrySettings& r = settings.retry;
  ConfigValue retry = ConfigValue::map();
  retry.set("enabled", ConfigValue::scalar(r.enabled ? "true" : "false"));
  retry.set("initial_interval", ConfigValue::scalar(format_duration(r.initial_interval)));
  retry.set("multiplier", detail::OptionTraits<double>::to_value(r.multiplier));
  retry.set("randomization_factor",
            detail::OptionTraits<double>::to_value(r.randomization_factor));
  retry.set("max_interval", ConfigValue::scalar(format_duration(r.max_interval)));
  retry.set("max_elapsed_time", ConfigValue::scalar(format_duration(r.max_elapsed_time)));
  entry.set("retry_on_failure", std::move(retry));
}

}  // namespace mpf::core
