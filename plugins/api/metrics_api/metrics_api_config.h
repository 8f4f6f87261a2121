#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "mpf/sdk/http_server.h"
#include "mpf/sdk/options.h"
#include "mpf/sdk/status.h"

namespace mpf::api::metrics {

/// The `metrics_api` sink's options. Names are metrics-server's flags with '-' -> '_', because the
/// flag table routes those flags here (core/app/flag_table.cpp); defaults are the flags' defaults.
struct MetricsApiConfig {
  // ---- honoured ----
  std::string bind_address = "0.0.0.0";  // Default: 0.0.0.0
  int secure_port = 443;                 // Default: 443
  std::string cert_dir = "apiserver.local.config/certificates";
  std::string tls_cert_file;
  std::string tls_private_key_file;
  /// "" means metrics-server's effective default, TLS 1.2.
  std::string tls_min_version;
  int max_requests_inflight = 400;  // Default: 400
  /// Empty: the in-cluster service account.
  std::string kubeconfig;
  /// Nodes listed must also match this (metrics-server's --node-selector / -l).
  std::string node_selector;
  /// What discovery reports as preferredVersion: "v1beta1" or "v1". Both are always served.
  std::string preferred_version = "v1beta1";  // Default: v1beta1
  /// Also serve `swap` in usage when the kubelet reports it (kubectl top --show-swap reads it).
  /// metrics-server never serves it, so the default keeps its bodies.
  bool show_swap = false;  // Default: false

  /// --request-timeout: the longest one request may take, response included.
  std::chrono::nanoseconds request_timeout{std::chrono::minutes(1)};
  /// --tls-cipher-suites (Go names) and --tls-curve-preferences (Go CurveID numbers).
  std::vector<std::string> tls_cipher_suites;
  std::vector<std::string> tls_curve_preferences;

  /// Authenticate and authorize every request as an aggregated API server (the flags below). Only
  /// a loopback standalone setup or a test may turn it off.
  bool delegated_auth = true;  // Default: true
  std::string authentication_kubeconfig;
  bool authentication_skip_lookup = false;
  std::chrono::nanoseconds authentication_token_webhook_cache_ttl{std::chrono::seconds(10)};
  bool authentication_tolerate_lookup_failure = false;
  std::string client_ca_file;
  std::vector<std::string> requestheader_allowed_names;
  std::string requestheader_client_ca_file;
  std::vector<std::string> requestheader_extra_headers_prefix{"x-remote-extra-"};
  std::vector<std::string> requestheader_group_headers{"x-remote-group"};
  std::vector<std::string> requestheader_uid_headers;
  std::vector<std::string> requestheader_username_headers{"x-remote-user"};
  std::vector<std::string> authorization_always_allow_paths{"/healthz", "/readyz", "/livez"};
  std::string authorization_kubeconfig;
  std::chrono::nanoseconds authorization_webhook_cache_authorized_ttl{std::chrono::seconds(10)};
  std::chrono::nanoseconds authorization_webhook_cache_unauthorized_ttl{std::chrono::seconds(10)};

  /// Standalone mode: no kube-apiserver; this machine is a one-node cluster whose nodes and pods come
  /// from the snapshot, the core endpoints `kubectl top` reads (/api/v1 nodes, pods, namespaces) are
  /// served too, delegated authentication is off, and a kubeconfig is written to <state_dir>/kubeconfig.
  bool standalone = false;  // Default: false
  /// Standalone mode's state: the kubeconfig, and certificates/ when cert_dir keeps its default.
  /// Empty: $MPF_STATE_DIR, else $XDG_STATE_HOME/mpf, else $HOME/.local/state/mpf.
  std::string state_dir;

  // ---- accepted for metrics-server compatibility, no effect ----
  std::vector<std::string> cors_allowed_origins;
  std::vector<std::string> strict_transport_security_directives;
  bool disable_http2_serving = false;  // HTTP/2 is never served
  int http2_max_streams_per_connection = 0;
  bool permit_address_sharing = false;
  bool permit_port_sharing = false;
  std::vector<std::string> tls_sni_cert_key;
};

/// The single declaration of the options (validation, --describe-plugin, --print-config, binding).
const OptionSet<MetricsApiConfig>& metrics_api_options();

/// The host's serving options for `config`: listener, TLS and delegated authentication. Fails with
/// invalid_argument on a --tls-curve-preferences entry that is not a number.
Result<ServingOptions> serving_options_for(const MetricsApiConfig& config);

}  // namespace mpf::api::metrics
