// Entry point of the `metrics_api` sink: options, factory, registration.
#include <cstdlib>

#include "metrics_api/core_api.h"
#include "metrics_api/metrics_api_config.h"
#include "metrics_api/metrics_api_sink.h"
#include "metrics_api/standalone_kubeconfig.h"
#include "metrics_api/standalone_token.h"
#include "mpf/sdk/plugin.h"

namespace mpf::api::metrics {
namespace {

constexpr const char* kNoEffect = "Accepted for metrics-server compatibility; no effect.";

bool is_loopback_address(const std::string& address) {
  return address.starts_with("127.") || address == "::1" || address == "[::1]" || address == "localhost";
}

}  // namespace

const OptionSet<MetricsApiConfig>& metrics_api_options() {
  using C = MetricsApiConfig;
  static const auto options =
      OptionSet<C>()
          .add("bind_address", &C::bind_address,
               "--bind-address: the IP to listen on; 0.0.0.0 or :: is every address")
          .add("secure_port", &C::secure_port, "--secure-port: the HTTPS port (the shipped manifests use 10250)")
          .add("cert_dir", &C::cert_dir,
               "--cert-dir: serving certificate directory when no files are given (a self-signed pair is made there)")
          .add("tls_cert_file", &C::tls_cert_file, "--tls-cert-file: serving certificate (chain), PEM")
          .add("tls_private_key_file", &C::tls_private_key_file, "--tls-private-key-file: its key, PEM")
          .add("tls_min_version", &C::tls_min_version, "--tls-min-version: VersionTLS12 or VersionTLS13; empty: TLS 1.2")
          .add("max_requests_inflight", &C::max_requests_inflight,
               "--max-requests-inflight: requests beyond this get 429")
          .add("kubeconfig", &C::kubeconfig,
               "--kubeconfig: the cluster whose Nodes and Running Pods are served; empty: in-cluster")
          .add("node_selector", &C::node_selector,
               "--node-selector / -l: node lists only show nodes matching it (AND-ed with labelSelector)")
          .add("preferred_version", &C::preferred_version,
               "v1beta1 or v1: the preferredVersion of discovery; both versions are always served")
          .add("show_swap", &C::show_swap,
               "Also serve swap in usage when kubelets report it (kubectl top --show-swap); metrics-server never does")
          .add("request_timeout", &C::request_timeout, "--request-timeout: the longest a request may take")
          .add("tls_cipher_suites", &C::tls_cipher_suites,
               "--tls-cipher-suites: TLS 1.2 cipher suites by Go name; empty: Go's default (secure) set")
          .add("tls_curve_preferences", &C::tls_curve_preferences,
               "--tls-curve-preferences: key exchange groups as Go CurveID numbers (23, 24, 25, 29)")
          .add("delegated_auth", &C::delegated_auth,
               "Authenticate (front proxy, client certificate, TokenReview, anonymous) and authorize "
               "(SubjectAccessReview) every request as an aggregated API server; false only for a loopback setup")
          .add("authentication_kubeconfig", &C::authentication_kubeconfig,
               "--authentication-kubeconfig: the API server for TokenReview and the authentication ConfigMap; "
               "empty: kubeconfig, else in-cluster")
          .add("authentication_skip_lookup", &C::authentication_skip_lookup,
               "--authentication-skip-lookup: don't read ConfigMap kube-system/extension-apiserver-authentication")
          .add("authentication_token_webhook_cache_ttl", &C::authentication_token_webhook_cache_ttl,
               "--authentication-token-webhook-cache-ttl: how long TokenReview answers are kept")
          .add("authentication_tolerate_lookup_failure", &C::authentication_tolerate_lookup_failure,
               "--authentication-tolerate-lookup-failure: start even if the ConfigMap cannot be read")
          .add("client_ca_file", &C::client_ca_file,
               "--client-ca-file: CA bundle for client certificates (user = CN, groups = O); empty: the ConfigMap's")
          .add("requestheader_allowed_names", &C::requestheader_allowed_names,
               "--requestheader-allowed-names: common names the front proxy's certificate may have; empty: any")
          .add("requestheader_client_ca_file", &C::requestheader_client_ca_file,
               "--requestheader-client-ca-file: CA bundle of the front proxy's client certificate; empty: the "
               "ConfigMap's (with its header names)")
          .add("requestheader_extra_headers_prefix", &C::requestheader_extra_headers_prefix,
               "--requestheader-extra-headers-prefix")
          .add("requestheader_group_headers", &C::requestheader_group_headers, "--requestheader-group-headers")
          .add("requestheader_uid_headers", &C::requestheader_uid_headers, "--requestheader-uid-headers")
          .add("requestheader_username_headers", &C::requestheader_username_headers,
               "--requestheader-username-headers")
          .add("authorization_always_allow_paths", &C::authorization_always_allow_paths,
               "--authorization-always-allow-paths: served to anyone; a trailing * matches a prefix")
          .add("authorization_kubeconfig", &C::authorization_kubeconfig,
               "--authorization-kubeconfig: the API server for SubjectAccessReview; empty: kubeconfig, else in-cluster")
          .add("authorization_webhook_cache_authorized_ttl", &C::authorization_webhook_cache_authorized_ttl,
               "--authorization-webhook-cache-authorized-ttl: how long 'allowed' answers are kept")
          .add("authorization_webhook_cache_unauthorized_ttl", &C::authorization_webhook_cache_unauthorized_ttl,
               "--authorization-webhook-cache-unauthorized-ttl: how long 'not allowed' answers are kept")
          .add("standalone", &C::standalone,
               "Serve this machine as a one-node cluster without a kube-apiserver: nodes and pods from the "
               "sources, the core /api/v1 nodes, pods and namespaces kubectl top reads, no delegated auth, and a "
               "kubeconfig written to <state_dir>/kubeconfig")
          .add("state_dir", &C::state_dir,
               "Standalone mode's state (kubeconfig; certificates/ unless cert_dir is set); empty: $MPF_STATE_DIR, "
               "else $XDG_STATE_HOME/mpf, else $HOME/.local/state/mpf")
          .add("cors_allowed_origins", &C::cors_allowed_origins, kNoEffect)
          .add("strict_transport_security_directives", &C::strict_transport_security_directives, kNoEffect)
          .add("disable_http2_serving", &C::disable_http2_serving, "HTTP/2 is never served; accepted for compatibility")
          .add("http2_max_streams_per_connection", &C::http2_max_streams_per_connection, kNoEffect)
          .add("permit_address_sharing", &C::permit_address_sharing, kNoEffect)
          .add("permit_port_sharing", &C::permit_port_sharing, kNoEffect)
          .add("tls_sni_cert_key", &C::tls_sni_cert_key, kNoEffect);
  return options;
}

Result<ServingOptions> serving_options_for(const MetricsApiConfig& config) {
  ServingOptions serving;
  serving.bind_address = config.bind_address;
  serving.port = config.secure_port;
  serving.cert_file = config.tls_cert_file;
  serving.key_file = config.tls_private_key_file;
  serving.cert_dir = config.cert_dir;
  if (!config.tls_min_version.empty()) serving.min_tls_version = config.tls_min_version;
  serving.max_in_flight = static_cast<std::size_t>(config.max_requests_inflight);
  serving.cipher_suites = config.tls_cipher_suites;
  for (const std::string& curve : config.tls_curve_preferences) {
    int id = 0;
    std::size_t used = 0;
    try {
      id = std::stoi(curve, &used, 0);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != curve.size()) {
      return Status::invalid_argument("tls_curve_preferences: \"" + curve + "\" is not a curve ID number");
    }
    serving.curve_preferences.push_back(id);
  }
  serving.request_timeout = config.request_timeout;
  DelegatedAuthOptions& auth = serving.auth;
  auth.enabled = config.delegated_auth;
  auth.authentication_kubeconfig = config.authentication_kubeconfig;
  auth.authorization_kubeconfig = config.authorization_kubeconfig;
  auth.fallback_kubeconfig = config.kubeconfig;
  auth.skip_lookup = config.authentication_skip_lookup;
  auth.tolerate_lookup_failure = config.authentication_tolerate_lookup_failure;
  auth.token_cache_ttl = config.authentication_token_webhook_cache_ttl;
  auth.client_ca_file = config.client_ca_file;
  auth.requestheader_client_ca_file = config.requestheader_client_ca_file;
  auth.requestheader_allowed_names = config.requestheader_allowed_names;
  auth.requestheader_username_headers = config.requestheader_username_headers;
  auth.requestheader_group_headers = config.requestheader_group_headers;
  auth.requestheader_extra_headers_prefix = config.requestheader_extra_headers_prefix;
  auth.requestheader_uid_headers = config.requestheader_uid_headers;
  auth.always_allow_paths = config.authorization_always_allow_paths;
  auth.authorized_ttl = config.authorization_webhook_cache_authorized_ttl;
  auth.unauthorized_ttl = config.authorization_webhook_cache_unauthorized_ttl;
  return serving;
}

// Standalone mode: the cluster is this machine (StandaloneClusterView), no API server is asked anything,
// and the certificate and kubeconfig live in the state directory.
Result<SinkPtr> create_standalone_sink(MetricsApiConfig config, ApiHandler handler, PluginContext& context) {
  StandaloneMode mode;
  mode.state_dir = config.state_dir.empty() ? default_state_dir([](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
  })
                                            : config.state_dir;
  if (config.tls_cert_file.empty() && config.cert_dir == MetricsApiConfig{}.cert_dir) {
    config.cert_dir = mode.state_dir + "/certificates";
  }
  config.delegated_auth = false;
  auto serving = serving_options_for(config);
  if (!serving) return serving.status();
  if (!is_loopback_address(config.bind_address)) {
    context.logger().warn("standalone mode is meant for this machine only (one bearer token, no RBAC); bind it "
                          "to a loopback address", {{"bind_address", config.bind_address}});
  }
  auto token = load_or_create_token(mode.state_dir + "/token");
  if (!token) return Status::invalid_argument("standalone: " + token.status().message());
  mode.token = std::move(token).value();
  mode.view = std::make_shared<StandaloneClusterView>();
  mode.core = std::make_shared<const CoreApi>(read_local_node_facts(),
                                              local_server_url(config.bind_address, config.secure_port).substr(8));
  mode.certificate_file = config.tls_cert_file.empty() ? config.cert_dir + "/apiserver.crt" : config.tls_cert_file;
  std::shared_ptr<ClusterView> view = mode.view;
  return SinkPtr(std::make_unique<MetricsApiSink>(std::move(serving).value(), std::move(handler), std::move(view),
                                                  context, std::move(mode)));
}

Result<SinkPtr> create_metrics_api_sink(const MetricsApiConfig& config, PluginContext& context) {
  if (config.preferred_version != "v1beta1" && config.preferred_version != "v1") {
    return Status::invalid_argument("preferred_version: must be \"v1beta1\" or \"v1\", got \"" +
                                    config.preferred_version + "\"");
  }
  if (config.secure_port < 0 || config.secure_port > 65535) {
    return Status::invalid_argument("secure_port: must be in [0, 65535], got " + std::to_string(config.secure_port));
  }
  if (config.max_requests_inflight < 0) {
    return Status::invalid_argument("max_requests_inflight: must not be negative");
  }
  auto node_selector = LabelSelector::parse(config.node_selector);
  if (!node_selector) return Status::invalid_argument("node_selector: " + node_selector.status().message());
  auto freshness = std::make_shared<const MetricFreshness>(context.self_metrics());
  ApiHandler handler(std::move(node_selector).value(), config.preferred_version, config.show_swap, freshness);
  if (config.standalone) return create_standalone_sink(config, std::move(handler), context);
  auto view = context.cluster_view({config.kubeconfig, /*pods=*/true});
  if (!view) return view.status();
  auto serving = serving_options_for(config);
  if (!serving) return serving.status();
  if (!config.delegated_auth) {
    context.logger().warn("delegated_auth is false: every request is served without authentication or authorization");
  }
  return SinkPtr(std::make_unique<MetricsApiSink>(std::move(serving).value(), std::move(handler),
                                                  std::move(view).value(), context));
}

}  // namespace mpf::api::metrics

MPF_SINK_PLUGIN(metrics_api, "0.1.0",
                "Serves the metrics.k8s.io API (v1beta1 and v1; JSON, protobuf, Table; OpenAPI) over the host's HTTPS server.",
                mpf::api::metrics::metrics_api_options, mpf::api::metrics::create_metrics_api_sink)
