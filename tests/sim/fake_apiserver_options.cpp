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
    f.text("--users", &ApiServerOptions::users_file);
    f.text("--client-ca", &ApiServerOptions::client_ca);
    f.value("--rbac", [](auto v, auto& o) {
      o.rbac_files.emplace_back(v);
      return Status::ok();
    });
    f.text("--rbac-usage-out", &ApiServerOptions::rbac_usage_out);
    f.toggle("--rbac-bootstrap", [](auto& o) { o.rbac_bootstrap = true; });
    f.text("--front-proxy-cn", &ApiServerOptions::front_proxy_cn);
    f.text("--front-proxy-ca-out", &ApiServerOptions::front_proxy_ca_out);
    f.text("--front-proxy-cert-out", &ApiServerOptions::front_proxy_cert_out);
    f.text("--front-proxy-key-out", &ApiServerOptions::front_proxy_key_out);
    f.text("--kubeconfig-dir", &ApiServerOptions::kubeconfig_dir);
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
  if ((!options.rbac_usage_out.empty() || options.rbac_bootstrap) && options.rbac_files.empty()) {
    return Status::invalid_argument("--rbac-usage-out and --rbac-bootstrap need --rbac");
  }
  if (options.front_proxy_cn.empty()) return Status::invalid_argument("--front-proxy-cn: empty");
  if (!options.client_ca.empty() && options.plain_http) {
    return Status::invalid_argument("--client-ca needs HTTPS (not --plain-http)");
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
  POST /fake/rotate-front-proxy          new front-proxy CA and client certificate (ConfigMap MODIFIED)
  GET  /fake/stats                       counters: tokenReviews, subjectAccessReviews,
                                         authorizationDecisions, forbidden, unauthorized, proxied
  GET  /apis/metrics.k8s.io[/...]        with --aggregate-metrics: proxied (path, query, headers) as
                                         the authenticated user (front-proxy certificate, X-Remote-*)
  POST /apis/authentication.k8s.io/v1/tokenreviews            TokenReview against the token users
  POST /apis/authorization.k8s.io/v1/subjectaccessreviews     SubjectAccessReview against --rbac
  GET  /api/v1/[namespaces/NS/]configmaps[/NAME]  list, watch, get: kube-system/extension-apiserver-
                                         authentication (with --client-ca or a front proxy)
  Errors are Status objects (400, 401, 403, 404, 405, 410, 503, 504).

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

Authentication (kube-apiserver's order: client certificate, bearer token, anonymous):
  --token TOKEN                also: TOKEN is user "sim-admin" in group system:masters
  --users FILE                 bearer tokens -> users. YAML:
                                 users:
                                 - token: T1
                                   username: alice
                                   uid: "1001"               (optional)
                                   groups: [team-a]          (optional)
                                   extra: {scopes: [view]}   (optional)
                               or kube-apiserver's --token-auth-file CSV: token,user,uid,"g1,g2".
                               Users system:serviceaccount:NS:NAME are also in system:serviceaccounts
                               and system:serviceaccounts:NS; every user is in system:authenticated
  --client-ca FILE             ask TLS clients for a certificate (not required); one chaining to
                               FILE is user CN in groups O; the ConfigMap's client-ca-file
  Without --token, --users, --client-ca and --rbac every request is sim-admin (system:masters).
  With any of them an unknown token is 401 (kube-apiserver's Unauthorized Status); a request
  without credentials is system:anonymous (system:unauthenticated) with --rbac, else 401.
  --kubeconfig-dir DIR         one kubeconfig per token user: DIR/<user>.kubeconfig, characters
                               outside [A-Za-z0-9._-] as '_' (system_serviceaccount_NS_NAME...)

Authorization:
  --rbac FILE                  (repeatable) RBAC manifests: Role, ClusterRole (aggregationRule),
                               RoleBinding, ClusterRoleBinding; every request but /fake/ is
                               authorized (403 Forbidden Status as kube-apiserver's), and
                               SubjectAccessReviews use it. Without it everything is allowed
  --rbac-bootstrap             also kube-apiserver's bootstrap roles every cluster has:
                               system:discovery and system:basic-user (system:authenticated),
                               system:public-info-viewer (also system:unauthenticated),
                               cluster-admin (system:masters), aggregated admin/edit/view,
                               and (unbound) system:auth-delegator and kube-system's
                               extension-apiserver-authentication-reader
  --rbac-usage-out FILE        JSON of the rules used, the unused ones and every decision
                               (user, verb, group, resource, subresource, namespace, name or
                               path, allowed); rewritten after changes and at exit

Front proxy (the aggregator's identity towards --aggregate-metrics; made with it or the files):
  --front-proxy-cn NAME        client certificate CN (default front-proxy-client), also the
                               ConfigMap's requestheader-allowed-names
  --front-proxy-ca-out FILE    write the front-proxy CA (PEM); rewritten on rotation
  --front-proxy-cert-out FILE  write the front-proxy client certificate (PEM)
  --front-proxy-key-out FILE   write its private key (PEM, 0600)
  Proxied requests carry the client's headers minus Authorization, Impersonate-* and X-Remote-*,
  plus X-Remote-User, X-Remote-Uid (when set), X-Remote-Group (one per group) and
  X-Remote-Extra-<percent-encoded key> (one per value) of the authenticated user.

Files and lifecycle:
  --ready-file PATH            written once serving: pid=, port=, url=
  SIGTERM or SIGINT stops the server cleanly (exit status 0).
)";
}

}  // namespace mpf::sim
