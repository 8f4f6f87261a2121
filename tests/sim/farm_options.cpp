#include "tests/sim/farm_options.h"

#include <charconv>
#include <functional>
#include <map>
#include <string_view>

namespace mpf::sim {
namespace {

template <class T>
Status parse_integer(std::string_view flag, std::string_view text, T min, T max, T& out) {
  T value{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || value < min || value > max) {
    return Status::invalid_argument(std::string(flag) + ": \"" + std::string(text) + "\" is not an integer in [" +
                                    std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  out = value;
  return Status::ok();
}

Status parse_millis(std::string_view flag, std::string_view text, std::chrono::milliseconds& out) {
  int64_t ms = 0;
  Status st = parse_integer<int64_t>(flag, text, 0, int64_t{1} << 40, ms);
  if (st.is_ok()) out = std::chrono::milliseconds(ms);
  return st;
}

using Setter = std::function<Status(std::string_view value, FarmOptions& o)>;

struct Flag {
  bool takes_value;
  Setter set;
};

const std::map<std::string_view, Flag>& flags() {
  static const std::map<std::string_view, Flag> kFlags = [] {
    std::map<std::string_view, Flag> f;
    auto value = [&f](std::string_view name, Setter s) { f.emplace(name, Flag{true, std::move(s)}); };
    auto toggle = [&f](std::string_view name, std::function<void(FarmOptions&)> s) {
      f.emplace(name, Flag{false, [s](std::string_view, FarmOptions& o) {
                             s(o);
                             return Status::ok();
                           }});
    };
    value("--nodes", [](auto v, auto& o) { return parse_integer<uint32_t>("--nodes", v, 1, 254U * 256U * 255U, o.model.nodes); });
    value("--pods-per-node",
          [](auto v, auto& o) { return parse_integer<uint32_t>("--pods-per-node", v, 0, 10000, o.model.pods_per_node); });
    value("--containers-per-pod", [](auto v, auto& o) {
      return parse_integer<uint32_t>("--containers-per-pod", v, 1, 100, o.model.containers_per_pod);
    });
    value("--seed", [](auto v, auto& o) { return parse_integer<uint64_t>("--seed", v, 0, UINT64_MAX, o.model.seed); });
    value("--anchor-unix-ms", [](auto v, auto& o) {
      int64_t ms = 0;
      Status st = parse_integer<int64_t>("--anchor-unix-ms", v, 0, int64_t{1} << 50, ms);
      o.model.anchor_unix_ns = ms * 1000000;
      o.anchor_given = true;
      return st;
    });
    value("--stats-interval-ms", [](auto v, auto& o) {
      return parse_integer<int64_t>("--stats-interval-ms", v, 0, 3600000, o.model.stats_interval_ms);
    });
    value("--port", [](auto v, auto& o) { return parse_integer<uint16_t>("--port", v, 1, 65535, o.port); });
    toggle("--plain-http", [](auto& o) { o.plain_http = true; });
    value("--ca-file", [](auto v, auto& o) { o.ca_file = v; return Status::ok(); });
    value("--cert-file", [](auto v, auto& o) { o.cert_file = v; return Status::ok(); });
    value("--key-file", [](auto v, auto& o) { o.key_file = v; return Status::ok(); });
    toggle("--per-node-certs", [](auto& o) { o.per_node_certs = true; });
    value("--require-token", [](auto v, auto& o) { o.require_token = v; return Status::ok(); });
    value("--require-client-ca", [](auto v, auto& o) { o.require_client_ca = v; return Status::ok(); });
    value("--fault", [](auto v, auto& o) {
      auto spec = parse_fault_fraction(v);
      if (!spec) return spec.status();
      o.faults.push_back(std::move(*spec));
      return Status::ok();
    });
    value("--fault-nodes", [](auto v, auto& o) {
      auto spec = parse_fault_nodes(v);
      if (!spec) return spec.status();
      o.faults.push_back(std::move(*spec));
      return Status::ok();
    });
    value("--slow-ms", [](auto v, auto& o) { return parse_millis("--slow-ms", v, o.slow_delay); });
    value("--cycle-ms", [](auto v, auto& o) {
      Status st = parse_millis("--cycle-ms", v, o.cycle);
      if (st.is_ok() && o.cycle.count() == 0) return Status::invalid_argument("--cycle-ms: must be positive");
      return st;
    });
    value("--restart-every-cycles", [](auto v, auto& o) {
      return parse_integer<uint32_t>("--restart-every-cycles", v, 1, 1000000, o.restart_every_cycles);
    });
    value("--reboot-every-cycles", [](auto v, auto& o) {
      return parse_integer<uint32_t>("--reboot-every-cycles", v, 1, 1000000, o.reboot_every_cycles);
    });
    value("--rename-every-ms", [](auto v, auto& o) { return parse_millis("--rename-every-ms", v, o.rename_every); });
    value("--kubelet-version", [](auto v, auto& o) {
      if (v == "1.34" || v == "current") {
        o.shape = KubeletShape::kCurrent;
      } else if (v == "1.28") {
        o.shape = KubeletShape::kV128;
      } else {
        return Status::invalid_argument("--kubelet-version: \"" + std::string(v) + "\" is not 1.34 or 1.28");
      }
      return Status::ok();
    });
    value("--gzip-level", [](auto v, auto& o) { return parse_integer<int>("--gzip-level", v, 0, 9, o.gzip_level); });
    toggle("--no-chunked", [](auto& o) { o.chunked = false; });
    toggle("--compact-summary", [](auto& o) { o.pretty_summary = false; });
    value("--expect-file", [](auto v, auto& o) { o.expect_file = v; return Status::ok(); });
    value("--ready-file", [](auto v, auto& o) { o.ready_file = v; return Status::ok(); });
    value("--threads", [](auto v, auto& o) { return parse_integer<unsigned>("--threads", v, 1, 64, o.threads); });
    value("--idle-timeout-ms", [](auto v, auto& o) { return parse_millis("--idle-timeout-ms", v, o.idle_timeout); });
    return f;
  }();
  return kFlags;
}

}  // namespace

Result<FarmOptions> parse_farm_options(int argc, const char* const* argv, bool& help_requested) {
  FarmOptions options;
  help_requested = false;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_requested = true;
      return options;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const auto it = flags().find(name);
    if (it == flags().end()) return Status::invalid_argument("unknown flag \"" + std::string(arg) + "\" (see --help)");
    std::string_view value;
    if (it->second.takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return Status::invalid_argument(std::string(name) + ": missing value");
      }
    } else if (inline_value) {
      return Status::invalid_argument(std::string(name) + ": takes no value");
    }
    if (Status st = it->second.set(value, options); !st.is_ok()) return st;
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Status::invalid_argument("--cert-file and --key-file go together");
  }
  if (!options.cert_file.empty() && options.per_node_certs) {
    return Status::invalid_argument("--cert-file: there is no single serving certificate with --per-node-certs");
  }
  if (options.plain_http && !options.require_client_ca.empty()) {
    return Status::invalid_argument("--require-client-ca needs TLS; drop --plain-http");
  }
  return options;
}

std::string farm_usage() {
  return R"(Usage: kubelet-farm [flags]

Serves N simulated kubelets from one process: node i (node-00001, ...) listens on its own loopback
address (127.1.0.1, 127.1.0.2, ... skipping host bytes 0 and 255) at --port, over HTTPS by default.
Routes: GET /metrics/resource (Prometheus text, current kubelet shape) and GET /stats/summary
(Summary API JSON, v1.34 shape, CPU and memory only); anything else is 404. Values come from the
deterministic cluster model: the same seed and shape always give the same cluster.

Cluster:
  --nodes N                    simulated nodes (default 3)
  --pods-per-node P            pods on each node (default 30)
  --containers-per-pod C       containers in each pod (default 2)
  --seed S                     model seed (default 1)
  --anchor-unix-ms MS          model anchor time (default: farm start); start times lie before it
  --stats-interval-ms MS       cAdvisor housekeeping interval; samples are up to this old, each series
                               with its own timestamp (default 10000; 0 = stats taken at request time)
  --kubelet-version V          1.34 (default: [STABLE], resource_scrape_error, swap families, start time
                               without timestamp) or 1.28 ([ALPHA], scrape_error, start time with timestamp)

Serving:
  --port PORT                  port on every node address (default 10250)
  --plain-http                 serve HTTP instead of HTTPS
  --ca-file PATH               write the CA certificate (PEM) that signs the serving certificate
  --cert-file PATH, --key-file PATH   also write the serving certificate and key
  --per-node-certs             one certificate per node (CN system:node:<name>, SAN = its address)
                               instead of one certificate with every address (forced above 8000 nodes)
  --require-token TOKEN        answer 401 unless "Authorization: Bearer TOKEN"
  --require-client-ca PATH     require a TLS client certificate signed by this CA
  --gzip-level L               gzip /metrics/resource for clients sending Accept-Encoding: gzip
                               (default 1; 0 = never)
  --no-chunked                 send Content-Length instead of chunked transfer encoding
  --compact-summary            compact JSON instead of go-restful's one-space indentation
  --threads T                  I/O threads (default 1)
  --idle-timeout-ms MS         close connections idle this long (default 90000)

Faults (each node gets at most one mode):
  --fault MODE:FRACTION        give MODE to max(1, round(FRACTION*N)) nodes chosen from the seed; repeatable
  --fault-nodes MODE:n1,n2     give MODE to the named nodes; repeatable
      slow       answer after --slow-ms (default 3000)
      hang       accept and read the request, never answer
      refuse     no listener (connection refused)
      500        HTTP 500
      garbage    HTTP 200 with random bytes
      truncated  send part of the body, cut mid-line, and close the connection
      zero       node, pods and containers report 0 CPU and 0 memory
      restart    the first container of every pod restarts every --restart-every-cycles cycles (default 4)
      reboot     the node reboots every --reboot-every-cycles cycles (default 20): counters reset
  --cycle-ms MS                cycle length for restart/reboot (default 15000)
  --rename-every-ms MS         rename a tenth of all pods (next churn generation) this often (default 0 = off);
                               SIGUSR1 does the same once

Files and lifecycle:
  --expect-file PATH           JSON: for every node its fault mode and the expected CPU rates (nanocores)
                               and working sets (bytes) of node, pods and containers; rewritten on renames
  --ready-file PATH            written once every listener is up
  SIGTERM or SIGINT stops the farm cleanly (exit status 0).
)";
}

}  // namespace mpf::sim
