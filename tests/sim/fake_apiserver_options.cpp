// Command line of fake-apiserver (ApiServerOptions).
#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

#include "tests/sim/fake_apiserver.h"

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

using Setter = std::function<Status(std::string_view value, ApiServerOptions& o)>;

struct Flag {
  bool takes_value;
  Setter set;
};

const std::map<std::string_view, Flag>& flags() {
  static const std::map<std::string_view, Flag> kFlags = [] {
    std::map<std::string_view, Flag> f;
    auto value = [&f](std::string_view name, Setter s) { f.emplace(name, Flag{true, std::move(s)}); };
    auto toggle = [&f](std::string_view name, std::function<void(ApiServerOptions&)> s) {
      f.emplace(name, Flag{false, [s](std::string_view, ApiServerOptions& o) {
                             s(o);
                             return Status::ok();
                           }});
    };
    auto text = [&value](std::string_view name, std::string ApiServerOptions::*member) {
      value(name, [member](std::string_view v, ApiServerOptions& o) {
        o.*member = std::string(v);
        return Status::ok();
      });
    };
    // The model flags are kubelet-farm's (farm_options.cpp), so both build the same cluster.
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
    text("--address", &ApiServerOptions::address);
    value("--port", [](auto v, auto& o) { return parse_integer<uint16_t>("--port", v, 0, 65535, o.port); });
    toggle("--plain-http", [](auto& o) { o.plain_http = true; });
    text("--ca-file", &ApiServerOptions::ca_file);
    text("--token", &ApiServerOptions::token);
    text("--kubeconfig-out", &ApiServerOptions::kubeconfig_out);
    text("--ready-file", &ApiServerOptions::ready_file);
    value("--kubelet-port",
          [](auto v, auto& o) { return parse_integer<uint16_t>("--kubelet-port", v, 1, 65535, o.kubelet_port); });
    value("--watch-window",
          [](auto v, auto& o) { return parse_integer<size_t>("--watch-window", v, 1, size_t{1} << 30, o.watch_window); });
    value("--bookmark-interval-ms", [](auto v, auto& o) {
      int64_t ms = 0;
      Status st = parse_integer<int64_t>("--bookmark-interval-ms", v, 10, int64_t{1} << 40, ms);
      o.bookmark_interval = std::chrono::milliseconds(ms);
      return st;
    });
    value("--default-watch-timeout-s", [](auto v, auto& o) {
      int64_t s = 0;
      Status st = parse_integer<int64_t>("--default-watch-timeout-s", v, 1, int64_t{1} << 30, s);
      o.default_watch_timeout = std::chrono::seconds(s);
      return st;
    });
    toggle("--log-requests", [](auto& o) { o.log_requests = true; });
    return f;
  }();
  return kFlags;
}

}  // namespace

Result<ApiServerOptions> parse_apiserver_options(int argc, const char* const* argv, bool& help_requested) {
  ApiServerOptions options;
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
  return options;
}

std::string apiserver_usage() {
  return R"(Usage: fake-apiserver [flags]

A small kube-apiserver serving the deterministic simulated cluster (the nodes and pods kubelet-farm
serves with the same model flags) over HTTPS (default) or HTTP on one address. JSON only; clients
offering protobuf or Table get the JSON fallback they also offer.

Routes:
  GET  /version /api /api/v1 /apis                   discovery (v1.33; no API groups yet)
  GET  /api/v1/nodes[/NAME] /api/v1/namespaces[/NAME]
  GET  /api/v1/pods /api/v1/namespaces/NS/pods[/NAME]
       ?labelSelector=  (equality and set-based)
       ?fieldSelector=  metadata.name, metadata.namespace, spec.nodeName, status.phase with = == !=
       ?limit=&continue= paging; ?resourceVersion=[&resourceVersionMatch=]
       ?watch=true [&resourceVersion=][&allowWatchBookmarks=true][&sendInitialEvents=true][&timeoutSeconds=]
       Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1 (lists) or
               ...;as=PartialObjectMetadata;... (objects and watch events): metadata only
  POST /fake/rename-pods                 rename the pods of the next churn generation (DELETED + ADDED)
  POST /fake/delete-node?name=NODE       delete a node and its pods (DELETED)
  POST /fake/touch-node?name=NODE        new heartbeat time on a node (MODIFIED)
  POST /fake/expire-watches              410 Expired to open watches; older resourceVersions expire
  Errors are Status objects (401, 404, 400, 405, 410, 504).

Cluster (as kubelet-farm):
  --nodes N                    simulated nodes (default 3)
  --pods-per-node P            pods on each node (default 30)
  --containers-per-pod C       containers in each pod (default 2)
  --seed S                     model seed (default 1)
  --anchor-unix-ms MS          model anchor time (default: start time); creation times lie before it
  --stats-interval-ms MS       accepted for parity with kubelet-farm (no effect here)
  --kubelet-port PORT          nodes' status.daemonEndpoints.kubeletEndpoint.Port (default 10250)

Serving:
  --address IP                 listen address (default 127.0.0.1)
  --port PORT                  listen port (default 0: a free port, written to the ready file)
  --plain-http                 serve HTTP instead of HTTPS
  --ca-file PATH               write the CA certificate (PEM) that signs the serving certificate
  --token TOKEN                answer 401 unless "Authorization: Bearer TOKEN"
  --kubeconfig-out PATH        write a kubeconfig (server URL, CA data, token, current-context); the
                               token is --token's, else a placeholder (kubectl prompts without one)
  --watch-window N             watch events kept for resuming watches (default 100000); older
                               resourceVersions get 410 Expired
  --bookmark-interval-ms MS    BOOKMARK period on watches with allowWatchBookmarks=true (default 60000)
  --default-watch-timeout-s S  watch length without timeoutSeconds (default 1800)
  --log-requests               one line per request on stderr

Files and lifecycle:
  --ready-file PATH            written once serving: pid=, port=, url=
  SIGTERM or SIGINT stops the server cleanly (exit status 0).
)";
}

}  // namespace mpf::sim
