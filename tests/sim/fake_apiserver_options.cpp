// Command line of fake-apiserver (ApiServerOptions).
#include <string_view>

#include "tests/sim/fake_apiserver.h"
#include "tests/sim/sim_flags.h"

namespace mpf::sim {
namespace {

const FlagTable<ApiServerOptions>& flags() {
  static const FlagTable<ApiServerOptions> kFlags = [] {
    FlagTable<ApiServerOptions> f;
    // The model flags are kubelet-farm's (farm_options.cpp), so both build the same cluster.
    f.model_flags();  // the same cluster flags in both simulators
    f.text("--address", &ApiServerOptions::address);
    f.value("--port", [](auto v, auto& o) { return parse_integer<uint16_t>("--port", v, 0, 65535, o.port); });
    f.toggle("--plain-http", [](auto& o) { o.plain_http = true; });
    f.text("--ca-file", &ApiServerOptions::ca_file);
    f.text("--token", &ApiServerOptions::token);
    f.text("--kubeconfig-out", &ApiServerOptions::kubeconfig_out);
    f.text("--ready-file", &ApiServerOptions::ready_file);
    f.value("--kubelet-port",
          [](auto v, auto& o) { return parse_integer<uint16_t>("--kubelet-port", v, 1, 65535, o.kubelet_port); });
    f.value("--watch-window",
          [](auto v, auto& o) { return parse_integer<size_t>("--watch-window", v, 1, size_t{1} << 30, o.watch_window); });
    f.value("--bookmark-interval-ms", [](auto v, auto& o) {
      int64_t ms = 0;
      Status st = parse_integer<int64_t>("--bookmark-interval-ms", v, 10, int64_t{1} << 40, ms);
      o.bookmark_interval = std::chrono::milliseconds(ms);
      return st;
    });
    f.value("--default-watch-timeout-s", [](auto v, auto& o) {
      int64_t s = 0;
      Status st = parse_integer<int64_t>("--default-watch-timeout-s", v, 1, int64_t{1} << 30, s);
      o.default_watch_timeout = std::chrono::seconds(s);
      return st;
    });
    f.toggle("--log-requests", [](auto& o) { o.log_requests = true; });
    f.text("--aggregate-metrics", &ApiServerOptions::aggregate_metrics);
    f.text("--aggregate-ca", &ApiServerOptions::aggregate_ca);
    return f;
  }();
  return kFlags;
}

}  // namespace

Result<ApiServerOptions> parse_apiserver_options(int argc, const char* const* argv, bool& help_requested) {
  ApiServerOptions options;
  if (Status st = flags().parse(argc, argv, options, help_requested); !st.is_ok()) return st;
  if (help_requested) return options;
  const std::string& backend = options.aggregate_metrics;
  if (!backend.empty() && backend.rfind("https://", 0) != 0 && backend.rfind("http://", 0) != 0) {
    return Status::invalid_argument("--aggregate-metrics " + backend + ": want https://HOST:PORT or http://HOST:PORT");
  }
  if (!options.aggregate_ca.empty() && backend.empty()) {
    return Status::invalid_argument("--aggregate-ca needs --aggregate-metrics");
  }
  return options;
}

std::string apiserver_usage() {
  return R"(Usage: fake-apiserver [flags]

A small kube-apiserver serving the deterministic simulated cluster (the nodes and pods kubelet-farm
serves with the same model flags) over HTTPS (default) or HTTP on one address. JSON only; clients
offering protobuf or Table get the JSON fallback they also offer.

Routes:
  GET  /version /api /api/v1 /apis                   discovery (v1.33; API groups: metrics.k8s.io
                                                     with --aggregate-metrics, else none)
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
  GET  /apis/metrics.k8s.io[/...]        with --aggregate-metrics: proxied (path, query, Accept)
  Errors are Status objects (401, 404, 400, 405, 410, 503, 504).

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

Aggregation (as kube-apiserver for an APIService of metrics-server):
  --aggregate-metrics URL      https://HOST:PORT (or http://) serving metrics.k8s.io: /apis lists the
                               group as the backend's /apis/metrics.k8s.io describes it (v1beta1
                               preferred + v1 when unreachable), and GET /apis/metrics.k8s.io[/...] is
                               proxied (status, Content-Type, body as is; 503 Status when unreachable)
  --aggregate-ca FILE          CA (PEM) verifying the backend's certificate (default: not verified);
                               read when first needed, so the backend may write it after start

Files and lifecycle:
  --ready-file PATH            written once serving: pid=, port=, url=
  SIGTERM or SIGINT stops the server cleanly (exit status 0).
)";
}

}  // namespace mpf::sim
