#include "tests/sim/farm_options.h"

#include <unistd.h>

#include <string_view>

#include "tests/sim/request_handler.h"
#include "tests/sim/sim_flags.h"

namespace mpf::sim {
namespace {

const FlagTable<FarmOptions>& flags() {
  static const FlagTable<FarmOptions> kFlags = [] {
    FlagTable<FarmOptions> f;
    f.model_flags();  // the same cluster flags in both simulators
    f.value("--port", [](auto v, auto& o) { return parse_integer<uint16_t>("--port", v, 1, 65535, o.port); });
    f.toggle("--plain-http", [](auto& o) { o.plain_http = true; });
    f.value("--ca-file", [](auto v, auto& o) { o.ca_file = v; return Status::ok(); });
    f.value("--cert-file", [](auto v, auto& o) { o.cert_file = v; return Status::ok(); });
    f.value("--key-file", [](auto v, auto& o) { o.key_file = v; return Status::ok(); });
    f.toggle("--per-node-certs", [](auto& o) { o.per_node_certs = true; });
    f.value("--require-token", [](auto v, auto& o) { o.require_token = v; return Status::ok(); });
    f.value("--require-token-file", [](auto v, auto& o) { o.require_token_file = v; return Status::ok(); });
    f.value("--require-client-ca", [](auto v, auto& o) { o.require_client_ca = v; return Status::ok(); });
    f.value("--fault", [](auto v, auto& o) {
      auto spec = parse_fault_fraction(v);
      if (!spec) return spec.status();
      o.faults.push_back(std::move(*spec));
      return Status::ok();
    });
    f.value("--fault-nodes", [](auto v, auto& o) {
      auto spec = parse_fault_nodes(v);
      if (!spec) return spec.status();
      o.faults.push_back(std::move(*spec));
      return Status::ok();
    });
    f.value("--slow-ms", [](auto v, auto& o) { return parse_millis("--slow-ms", v, o.slow_delay); });
    f.value("--cycle-ms", [](auto v, auto& o) {
      Status st = parse_millis("--cycle-ms", v, o.cycle);
      if (st.is_ok() && o.cycle.count() == 0) return Status::invalid_argument("--cycle-ms: must be positive");
      return st;
    });
    f.value("--restart-every-cycles", [](auto v, auto& o) {
      return parse_integer<uint32_t>("--restart-every-cycles", v, 1, 1000000, o.restart_every_cycles);
    });
    f.value("--reboot-every-cycles", [](auto v, auto& o) {
      return parse_integer<uint32_t>("--reboot-every-cycles", v, 1, 1000000, o.reboot_every_cycles);
    });
    f.value("--rename-every-ms", [](auto v, auto& o) { return parse_millis("--rename-every-ms", v, o.rename_every); });
    f.value("--kubelet-version", [](auto v, auto& o) {
      if (v == "1.34" || v == "current") {
        o.shape = KubeletShape::kCurrent;
      } else if (v == "1.28") {
        o.shape = KubeletShape::kV128;
      } else {
        return Status::invalid_argument("--kubelet-version: \"" + std::string(v) + "\" is not 1.34 or 1.28");
      }
      return Status::ok();
    });
    f.value("--gzip-level", [](auto v, auto& o) { return parse_integer<int>("--gzip-level", v, 0, 9, o.gzip_level); });
    f.toggle("--no-chunked", [](auto& o) { o.chunked = false; });
    f.toggle("--compact-summary", [](auto& o) { o.pretty_summary = false; });
    f.value("--expect-file", [](auto v, auto& o) { o.expect_file = v; return Status::ok(); });
    f.value("--ready-file", [](auto v, auto& o) { o.ready_file = v; return Status::ok(); });
    f.value("--threads", [](auto v, auto& o) { return parse_integer<unsigned>("--threads", v, 1, 64, o.threads); });
    f.value("--idle-timeout-ms", [](auto v, auto& o) { return parse_millis("--idle-timeout-ms", v, o.idle_timeout); });
    return f;
  }();
  return kFlags;
}

}  // namespace

Result<FarmOptions> parse_farm_options(int argc, const char* const* argv, bool& help_requested) {
  FarmOptions options;
  if (Status st = flags().parse(argc, argv, options, help_requested); !st.is_ok()) return st;
  if (help_requested) return options;
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Status::invalid_argument("--cert-file and --key-file go together");
  }
  if (!options.cert_file.empty() && options.per_node_certs) {
    return Status::invalid_argument("--cert-file: there is no single serving certificate with --per-node-certs");
  }
  if (!options.require_token_file.empty()) {
    if (!options.require_token.empty()) {
      return Status::invalid_argument("--require-token and --require-token-file exclude each other");
    }
    if (::access(options.require_token_file.c_str(), R_OK) != 0) {
      return Status::invalid_argument("--require-token-file: cannot read " + options.require_token_file);
    }
    // The request handler learns of the file through require_token (see token_file_reference).
    options.require_token = token_file_reference(options.require_token_file);
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
  --require-token-file PATH    the same with the token read from PATH (surrounding whitespace trimmed),
                               re-read whenever the file changes (rotate it mid-run; replace it by rename
                               or rewrite it); an unreadable or empty file rejects every token
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
