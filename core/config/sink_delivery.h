#pragma once

// How the host delivers to one sink: the keys a `sinks:` entry has besides plugin, name and options,
// shaped after the OpenTelemetry Collector's exporter helper so that its users recognise them:
//
//   sinks:
//     - plugin: prometheus_remote_write
//       options: {url: http://prometheus:9090/api/v1/write}
//       timeout: 5s                                  # one delivery attempt
//       queue: {max_snapshots: 2, max_bytes: 256Mi}
//       retry_on_failure: {enabled: true, initial_interval: 5s, multiplier: 1.5,
//                          randomization_factor: 0.5, max_interval: 30s, max_elapsed_time: 5m}

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/options.h"

namespace mpf::core {

// Retry with jittered exponential backoff, for retryable failures of an exporter's batch.
struct RetrySettings {
  // Default: true. Off: a retryable failure drops the batch at once (counted as retries_exhausted).
  bool enabled = true;
  // Default: 5s. Wait before the first retry.
  std::chrono::nanoseconds initial_interval{std::chrono::seconds(5)};
  // Default: 1.5. Each wait is the previous one times this, up to max_interval.
  double multiplier = 1.5;
  // Default: 0.5. Each wait is drawn uniformly from interval × [1 - f, 1 + f], so that many exporters
  // failing together do not retry together.
  double randomization_factor = 0.5;
  // Default: 30s. Upper bound of one wait (before randomization).
  std::chrono::nanoseconds max_interval{std::chrono::seconds(30)};
  // Default: 5m. A batch is given up once retrying it would pass this much time since its first attempt;
  // 0 retries without a time limit (the queue bound still holds).
  std::chrono::nanoseconds max_elapsed_time{std::chrono::minutes(5)};
};

struct SinkQueueSettings {
  // Default: 0, meaning global.sink_queue_snapshots. Snapshots waiting for the sink; when full the
  // oldest is dropped and counted.
  int max_snapshots = 0;
  // Default: "256Mi". Approximate memory of the snapshots waiting (a snapshot is shared with other
  // sinks, so this bounds what this sink alone can keep alive). The newest snapshot is always kept.
  // Bytes, or with a suffix Ki, Mi, Gi (powers of 1024) or k, M, G (powers of 1000).
  std::string max_bytes = "256Mi";
};

struct SinkDeliverySettings {
  // Default: 5s. One delivery attempt (Exporter::send) or one consume() of a plain sink.
  std::chrono::nanoseconds timeout{std::chrono::seconds(5)};
  SinkQueueSettings queue;
  // max_bytes parsed.
  std::uint64_t queue_max_bytes = 256ull << 20;
  RetrySettings retry;
};

// The entry keys besides plugin, name and options; only sinks have them.
inline constexpr std::string_view kSinkDeliveryKeys[] = {"timeout", "queue", "retry_on_failure"};

// Reads one delivery key of a sink entry (`key` is one of kSinkDeliveryKeys) into `settings`; appends
// one message per problem to `errors`, each starting with `path` (the key's YAML path).
void parse_sink_delivery_key(std::string_view key, const ConfigValue& value, const std::string& path,
                             SinkDeliverySettings& settings, std::vector<std::string>& errors);

// "256Mi" → 268435456; nullopt when malformed or zero.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// The three keys with every default filled in, for --print-config.
void add_sink_delivery_values(const SinkDeliverySettings& settings, ConfigValue& entry);

// The declarations, for documentation and tests.
const OptionSet<SinkQueueSettings>& sink_queue_options();
const OptionSet<RetrySettings>& retry_options();

}  // namespace mpf::core
