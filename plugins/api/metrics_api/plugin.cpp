// Entry point of the `metrics_api` sink: options, factory, registration.
#include "metrics_api/metrics_api_config.h"
#include "metrics_api/metrics_api_sink.h"
#include "mpf/sdk/plugin.h"

namespace mpf::api::metrics {
namespace {

constexpr const char* kNotEnforced = "Accepted for metrics-server compatibility, not enforced yet (issue #7).";

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
          .add("cors_allowed_origins", &C::cors_allowed_origins, kNotEnforced)
          .add("request_timeout", &C::request_timeout, kNotEnforced)
          .add("strict_transport_security_directives", &C::strict_transport_security_directives, kNotEnforced)
          .add("disable_http2_serving", &C::disable_http2_serving, kNotEnforced)
          .add("http2_max_streams_per_connection", &C::http2_max_streams_per_connection, kNotEnforced)
          .add("permit_address_sharing", &C::permit_address_sharing, kNotEnforced)
          .add("permit_port_sharing", &C::permit_port_sharing, kNotEnforced)
          .add("tls_cipher_suites", &C::tls_cipher_suites, kNotEnforced)
          .add("tls_curve_preferences", &C::tls_curve_preferences, kNotEnforced)
          .add("tls_sni_cert_key", &C::tls_sni_cert_key, kNotEnforced)
          .add("authentication_kubeconfig", &C::authentication_kubeconfig, kNotEnforced)
          .add("authentication_skip_lookup", &C::authentication_skip_lookup, kNotEnforced)
          .add("authentication_token_webhook_cache_ttl", &C::authentication_token_webhook_cache_ttl, kNotEnforced)
          .add("authentication_tolerate_lookup_failure", &C::authentication_tolerate_lookup_failure, kNotEnforced)
          .add("client_ca_file", &C::client_ca_file, kNotEnforced)
          .add("requestheader_allowed_names", &C::requestheader_allowed_names, kNotEnforced)
          .add("requestheader_client_ca_file", &C::requestheader_client_ca_file, kNotEnforced)
          .add("requestheader_extra_headers_prefix", &C::requestheader_extra_headers_prefix, kNotEnforced)
          .add("requestheader_group_headers", &C::requestheader_group_headers, kNotEnforced)
          .add("requestheader_uid_headers", &C::requestheader_uid_headers, kNotEnforced)
          .add("requestheader_username_headers", &C::requestheader_username_headers, kNotEnforced)
          .add("authorization_always_allow_paths", &C::authorization_always_allow_paths, kNotEnforced)
          .add("authorization_kubeconfig", &C::authorization_kubeconfig, kNotEnforced)
          .add("authorization_webhook_cache_authorized_ttl", &C::authorization_webhook_cache_authorized_ttl,
               kNotEnforced)
          .add("authorization_webhook_cache_unauthorized_ttl", &C::authorization_webhook_cache_unauthorized_ttl,
               kNotEnforced);
  return options;
}

bool sets_auth_options(const MetricsApiConfig& c) {
  const MetricsApiConfig d;
  return c.authentication_kubeconfig != d.authentication_kubeconfig ||
         c.authentication_skip_lookup != d.authentication_skip_lookup ||
         c.authentication_token_webhook_cache_ttl != d.authentication_token_webhook_cache_ttl ||
         c.authentication_tolerate_lookup_failure != d.authentication_tolerate_lookup_failure ||
         c.client_ca_file != d.client_ca_file || c.requestheader_allowed_names != d.requestheader_allowed_names ||
         c.requestheader_client_ca_file != d.requestheader_client_ca_file ||
         c.requestheader_extra_headers_prefix != d.requestheader_extra_headers_prefix ||
         c.requestheader_group_headers != d.requestheader_group_headers ||
         c.requestheader_uid_headers != d.requestheader_uid_headers ||
         c.requestheader_username_headers != d.requestheader_username_headers ||
         c.authorization_always_allow_paths != d.authorization_always_allow_paths ||
         c.authorization_kubeconfig != d.authorization_kubeconfig ||
         c.authorization_webhook_cache_authorized_ttl != d.authorization_webhook_cache_authorized_ttl ||
         c.authorization_webhook_cache_unauthorized_ttl != d.authorization_webhook_cache_unauthorized_ttl;
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
  auto view = context.cluster_view({config.kubeconfig, /*pods=*/true});
  if (!view) return view.status();
  if (sets_auth_options(config)) {
    // Never let an operator believe requests are checked: they are not, whatever was configured.
    context.logger().warn(
        "Authentication and authorization options are set but not enforced yet (issue #7): every request is "
        "served without authentication");
  }
  auto freshness = std::make_shared<const MetricFreshness>(context.self_metrics());
  return SinkPtr(std::make_unique<MetricsApiSink>(
      config, ApiHandler(std::move(node_selector).value(), config.preferred_version, config.show_swap, freshness),
      std::move(view).value(), context));
}

}  // namespace mpf::api::metrics

MPF_SINK_PLUGIN(metrics_api, "0.1.0",
                "Serves the metrics.k8s.io API (v1beta1 and v1; JSON, protobuf, Table; OpenAPI) over the host's HTTPS server.",
                mpf::api::metrics::metrics_api_options, mpf::api::metrics::create_metrics_api_sink)
