#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/net/cert_generator.h"
#include "mpf/sdk/status.h"
#include "tests/sim/cluster_model.h"

// fake-apiserver: a small kube-apiserver serving the deterministic cluster of tests/sim/cluster_model.h
// (the same nodes and pods the simulated kubelets of kubelet-farm serve, given the same model flags), so
// that metrics-server, kubectl and node/pod discovery clients can be tested without a cluster.
//
// Served (JSON only; protobuf and Table Accepts get the JSON fallback every client offers):
//   GET /version, /api, /api/v1, /apis                          discovery
//   GET /api/v1/nodes[/NAME], /api/v1/namespaces[/NAME]
//   GET /api/v1/pods, /api/v1/namespaces/NS/pods[/NAME]
//       ?labelSelector= &fieldSelector= &limit= &continue= &resourceVersion= &watch=true
//        &allowWatchBookmarks=true &sendInitialEvents=true &timeoutSeconds=
//       Accept ...;as=PartialObjectMetadataList (lists) / as=PartialObjectMetadata (objects, watch events)
//   POST /fake/rename-pods, /fake/delete-node?name=, /fake/touch-node?name=, /fake/expire-watches
//       changes over time: bump the resourceVersion and emit watch events.
//   GET /apis/metrics.k8s.io[/...] with --aggregate-metrics: proxied to that backend as the aggregation
//       layer does (status, Content-Type and body as is; 503 when unreachable); /apis then lists the
//       backend's APIGroup.
//   POST /apis/authentication.k8s.io/v1/tokenreviews, /apis/authorization.k8s.io/v1/subjectaccessreviews
//       against --users and --rbac, as kube-apiserver answers a delegating API server.
//   GET /api/v1/namespaces/kube-system/configmaps[/extension-apiserver-authentication] (list, watch)
//       the authentication ConfigMap kube-apiserver publishes, with --client-ca or a front proxy.
//   GET /fake/stats, POST /fake/rotate-front-proxy
// Authentication (--token, --users, --client-ca; anonymous with --rbac) and RBAC authorization
// (--rbac) happen in dispatch() for every route but /fake/ (tests/sim/fake_apiserver_auth.h,
// tests/sim/rbac_policy.h). Routes are a table of (method, path pattern) -> handler
// (FakeApiServer::Impl::routes).

namespace mpf::sim {

struct ApiServerOptions {
  // Cluster shape and seed, as kubelet-farm's flags. model.anchor_unix_ns is the start time unless
  // --anchor-unix-ms (names and uids do not depend on it; creation timestamps do).
  ModelConfig model;
  bool anchor_given = false;

  std::string address = "127.0.0.1";  // Default: 127.0.0.1.
  uint16_t port = 0;                  // Default: 0, a free port chosen by the kernel (see FakeApiServer::port()).
  bool plain_http = false;            // Default: false (HTTPS with a generated CA).
  std::string ca_file;                // Optional: where to write the CA certificate (PEM).
  std::string token;                  // Non-empty: every request needs "Authorization: Bearer <token>", else 401.
  std::string kubeconfig_out;         // Optional: write a kubeconfig for this server (CA data, token, context).
  std::string ready_file;             // Optional: written (pid, port, url) once serving.
  uint16_t kubelet_port = 10250;      // Default: 10250. Node status.daemonEndpoints.kubeletEndpoint.Port.
  // Watch events kept for watches that resume from a resourceVersion; older ones answer 410 Expired.
  size_t watch_window = 100000;       // Default: 100000 events.
  std::chrono::milliseconds bookmark_interval{60000};  // Default: 60 s (allowWatchBookmarks=true).
  std::chrono::seconds default_watch_timeout{1800};    // Default: 30 min when the client sends no timeoutSeconds.
  bool handle_signals = true;         // SIGTERM/SIGINT stop run().
  bool log_requests = false;          // Default: false. true: one stderr line per request.
  // Optional: https://HOST:PORT (or http://) of a metrics.k8s.io server; /apis/metrics.k8s.io/... is
  // proxied to it, as kube-apiserver's aggregation layer does for an APIService.
  std::string aggregate_metrics;
  // Optional: CA (PEM file) verifying that backend, read on the first proxied request that finds it
  // (the backend may write it later). Empty: not verified.
  std::string aggregate_ca;

  // Authentication. Without --token, --users, --client-ca and --rbac every request is "sim-admin" in
  // system:masters (the server is open). Otherwise a bearer token must be known (else 401), a client
  // certificate must chain to --client-ca (user CN, groups O), and a request with neither is
  // system:anonymous when --rbac is given, else 401.
  std::string users_file;  // Optional: tokens -> users (fake_apiserver_auth.h, UserTable).
  std::string client_ca;   // Optional: CA (PEM) of client certificates; requested, not required.
  // Authorization: RBAC manifests (multi-document YAML). Empty: everything allowed.
  std::vector<std::string> rbac_files;
  bool rbac_bootstrap = false;  // Also kube-apiserver's bootstrap roles (kubernetes_bootstrap_rbac()).
  std::string rbac_usage_out;  // Optional: used rules and decision log (JSON), rewritten after changes.
  // Front proxy (the aggregator's client identity towards --aggregate-metrics). Made when
  // --aggregate-metrics or one of the *_out files is given.
  std::string front_proxy_cn = "front-proxy-client";
  std::string front_proxy_ca_out;    // Optional: the front-proxy CA (PEM).
  std::string front_proxy_cert_out;  // Optional: the front-proxy client certificate (PEM).
  std::string front_proxy_key_out;   // Optional: its key (PEM, 0600).
  std::string kubeconfig_dir;        // Optional: one kubeconfig per token user (kubeconfig_writer.h).
};

// Counters of what the server did, for tests of callers' caching.
struct FakeApiServerStats {
  uint64_t token_reviews = 0;
  uint64_t subject_access_reviews = 0;
  uint64_t authorization_decisions = 0;  // --rbac decisions on requests (not reviews).
  uint64_t forbidden = 0;                // 403s among them.
  uint64_t unauthorized = 0;             // 401s.
  uint64_t proxied = 0;                  // Requests forwarded to --aggregate-metrics.
  uint64_t front_proxy_rotations = 0;
};

// Parses argv without argv[0] ("--flag value" or "--flag=value"); sets `help_requested` on --help.
Result<ApiServerOptions> parse_apiserver_options(int argc, const char* const* argv, bool& help_requested);

// The --help text.
std::string apiserver_usage();

class FakeApiServer {
 public:
  // Builds the model, renders every object, makes the certificates, binds the listener and writes the
  // CA and kubeconfig files. Nothing is served until run().
  static Result<std::unique_ptr<FakeApiServer>> create(const ApiServerOptions& options);
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  // Writes the ready file, then serves on the calling thread until stop(), SIGTERM or SIGINT.
  void run();
  // Makes run() return soon. Any thread; idempotent.
  void stop();

  uint16_t port() const;
  // https://127.0.0.1:PORT or http://...
  std::string url() const;
  // PEM of the CA that signed the serving certificate (empty with plain HTTP).
  const std::string& ca_certificate_pem() const;

  // Changes, as the /fake/ control endpoints make them. They run on the server's thread (run() must be
  // running on another thread) and return once applied; each returns the new resourceVersion.
  // Renames the pods of the next churn generation (ClusterModel::rename_pods): DELETED + ADDED events.
  uint64_t rename_pods();
  // Deletes a node and its pods (DELETED events); 0 when there is no such node.
  uint64_t delete_node(const std::string& name);
  // Sends 410 Expired to every open watch and forgets the event history: resuming from any older
  // resourceVersion (watch or continue token) answers 410.
  uint64_t expire_watches();
  // New front-proxy CA and client certificate (files rewritten, ConfigMap MODIFIED); the new
  // resourceVersion. New backend connections present the new certificate.
  uint64_t rotate_front_proxy();
  // The front proxy's CA and client certificate (empty when there is no front proxy). Any thread.
  core::PemPair front_proxy_ca() const;
  core::PemPair front_proxy_client() const;
  // Any thread.
  FakeApiServerStats stats() const;
  // The --rbac usage JSON (RbacUsage::to_json), taken on the server's thread; "" without --rbac.
  std::string rbac_usage_json();
  // The current resourceVersion (any thread).
  uint64_t resource_version() const;
  // The model being served (replaced, never modified, on renames).
  std::shared_ptr<const ClusterModel> model() const;

 private:
  struct Impl;
  explicit FakeApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpf::sim
