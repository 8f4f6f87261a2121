#pragma once

// The `global:` section of the pipeline config: settings of the host itself, not of any plugin.

#include <chrono>
#include <string>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/options.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

struct GlobalSettings {
  // Default: 60s. How often every source is scraped; metrics-server's --metric-resolution.
  std::chrono::nanoseconds resolution{std::chrono::seconds(60)};
  // Default: 10s. Deadline of one scrape of one target; metrics-server's --kubelet-request-timeout.
  std::chrono::nanoseconds scrape_timeout{std::chrono::seconds(10)};
  // Default: 1000. Bound on the targets scraped at once.
  int max_concurrent_scrapes = 1000;
  // Default: 8ms. Start jitter is random in [0, min(jitter_per_target x targets, max_jitter)], as in
  // metrics-server, so that a large cluster's kubelets are not all hit at the same instant.
  std::chrono::nanoseconds jitter_per_target{std::chrono::milliseconds(8)};
  // Default: 4s. Upper bound of the start jitter.
  std::chrono::nanoseconds max_jitter{std::chrono::seconds(4)};
  // Default: 10s. How long sinks may take to drain their queues at exit.
  std::chrono::nanoseconds shutdown_timeout{std::chrono::seconds(10)};
  // Default: 2. Snapshots queued per sink; when full the oldest is dropped and counted.
  int sink_queue_snapshots = 2;
  // Default: "text". Log line format: "text" or "json".
  std::string log_format = "text";
  // Default: 0. Log verbosity, like klog's -v.
  int log_verbosity = 0;
  // Default: "" (none). Directory from which plugin shared objects may be loaded.
  std::string plugin_dir;
  // Default: empty. Paths of plugin shared objects to load at start-up.
  std::vector<std::string> plugins;
};

// The declaration of every global setting (name, type, default, description), in document order.
const OptionSet<GlobalSettings>& global_settings_options();

// The settings as a YAML map with every key, in declaration order (for --print-config).
ConfigValue global_settings_value(const GlobalSettings& settings);

// Cross-field rules that the per-key type checks cannot express. Returns invalid_argument listing every
// broken rule, one per line, each naming its key path (`global.<key>`); appends to `warnings` what is
// allowed but unwise, such as a resolution below metrics-server's minimum of 10s.
Status validate_global_settings(const GlobalSettings& settings, std::vector<std::string>& warnings);

}  // namespace mpf::core
