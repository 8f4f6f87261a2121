#pragma once

/// @file
/// The host's HTTPS server, shared by every plugin that answers requests (the Metrics API sink,
/// /healthz, /metrics). Plugins never open sockets: they hand the host routes, as they ask it for HTTP
/// clients, and the host owns listeners, TLS, certificates, timeouts and the in-flight limit.

#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpf {

/// Delegated authentication and authorization, as a Kubernetes aggregated API server does them
/// (k8s.io/apiserver's DelegatingAuthenticationOptions and DelegatingAuthorizationOptions): the host
/// authenticates every request (front-proxy request headers, client certificate, bearer token by
/// TokenReview, else anonymous) and authorizes it (always-allowed paths and groups, else a
/// SubjectAccessReview), before any route sees it. Field names follow metrics-server's flags.
struct DelegatedAuthOptions {
  /// false: no authentication or authorization at all; every request reaches the routes with
  /// ServerRequest::user null. Only for a loopback listener or tests.
  bool enabled = false;  // Default: false
  /// The kube-apiserver that answers TokenReview (and holds the authentication ConfigMap), and the one
  /// that answers SubjectAccessReview: kubeconfig files; empty means fallback_kubeconfig, and when that
  /// is empty too, the in-cluster service account.
  std::string authentication_kubeconfig;
  std::string authorization_kubeconfig;
  std::string fallback_kubeconfig;
  /// Don't read ConfigMap kube-system/extension-apiserver-authentication for the CAs and header names
  /// that are not given here.
  bool skip_lookup = false;  // Default: false
  /// Start even when that ConfigMap cannot be read (requests may then all be anonymous).
  bool tolerate_lookup_failure = false;  // Default: false
  std::chrono::nanoseconds token_cache_ttl{std::chrono::seconds(10)};  // Default: 10s
  /// PEM CA bundle for client certificates (user = CN, groups = O). Empty: the ConfigMap's, if any.
  std::string client_ca_file;
  /// PEM CA bundle for the front proxy's client certificate. Empty: the ConfigMap's, if any; when both
  /// are empty, request headers are never trusted.
  std::string requestheader_client_ca_file;
  /// Common names the front proxy's certificate may have; empty: any certificate of that CA.
  std::vector<std::string> requestheader_allowed_names;
  std::vector<std::string> requestheader_username_headers{"x-remote-user"};
  std::vector<std::string> requestheader_group_headers{"x-remote-group"};
  std::vector<std::string> requestheader_extra_headers_prefix{"x-remote-extra-"};
  std::vector<std::string> requestheader_uid_headers;
  /// Paths served to anyone, authenticated or not; an entry ending in '*' is a prefix.
  std::vector<std::string> always_allow_paths{"/healthz", "/readyz", "/livez"};
  /// Groups allowed everything without a SubjectAccessReview.
  std::vector<std::string> always_allow_groups{"system:masters"};
  std::chrono::nanoseconds authorized_ttl{std::chrono::seconds(10)};    // Default: 10s
  std::chrono::nanoseconds unauthorized_ttl{std::chrono::seconds(10)};  // Default: 10s

  bool operator==(const DelegatedAuthOptions&) const = default;
};

/// One listener's settings: metrics-server's secure serving flags. Two serve() calls with the same
/// address and port must pass equal options (all fields but bind_address and port).
struct ServingOptions {
  /// --bind-address. "0.0.0.0" and "::" both mean every address of every family; IPv6 literals are
  /// written without brackets.
  std::string bind_address = "0.0.0.0";  // Default: "0.0.0.0"
  /// --secure-port (the shipped manifests pass 10250). 0: a free port, reported by the handle (tests).
  int port = 443;  // Default: 443
  /// --tls-cert-file / --tls-private-key-file: the serving certificate (chain) and key, PEM. Watched:
  /// when either changes on disk, new connections get the new pair (a broken pair keeps the old one).
  std::string cert_file;
  std::string key_file;
  /// --cert-dir: used when no files are given. apiserver.crt/apiserver.key there are served when
  /// present, else a self-signed pair (SANs localhost and 127.0.0.1, one year) is generated there.
  std::string cert_dir = "apiserver.local.config/certificates";
  /// --tls-min-version: "VersionTLS12" or "VersionTLS13".
  std::string min_tls_version = "VersionTLS12";  // Default: VersionTLS12
  /// --max-requests-inflight: requests being handled beyond this get 429 with Retry-After: 1.
  std::size_t max_in_flight = 400;  // Default: 400
  /// --tls-cipher-suites, by Go name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); empty: Go's defaults.
  /// They restrict TLS 1.2; TLS 1.3 always offers its own three suites, as in Go.
  std::vector<std::string> cipher_suites;
  /// --tls-curve-preferences, as Go's CurveID numbers (23 P-256, 24 P-384, 25 P-521, 29 X25519);
  /// empty: the defaults.
  std::vector<int> curve_preferences;
  /// --request-timeout: the longest one request may take, from its first byte to the last byte of the
  /// response.
  std::chrono::nanoseconds request_timeout{std::chrono::minutes(1)};  // Default: 1m
  DelegatedAuthOptions auth;
};

/// Who sent a request, as authentication found (Kubernetes' user.Info).
struct RequestUser {
  std::string name;  // "system:anonymous" when nobody authenticated
  std::string uid;
  std::vector<std::string> groups;
  std::vector<std::pair<std::string, std::vector<std::string>>> extra;  // keys lower-case, sorted
};

/// One request, as a handler sees it. Every view points into the server's buffers: valid only during
/// the handler call (copy what must live longer).
struct ServerRequest {
  std::string_view method;
  /// The request target as sent: path and query.
  std::string_view target;
  /// The target before '?', and after it (empty when there is none). Not percent-decoded.
  std::string_view path;
  std::string_view query;
  /// The peer's IP address, e.g. "127.0.0.1".
  std::string_view remote_address;
  /// Every header in arrival order, names as sent. With delegated authentication on, the
  /// Authorization header and the front-proxy identity headers have been removed.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  /// Who sent it; null when the listener serves without delegated authentication.
  const RequestUser* user = nullptr;

  /// The first header called `name`, compared case-insensitively; "" when absent.
  std::string_view header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < key.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(key[i])) == std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return value;
    }
    return {};
  }
};

/// The apiserver's gzip negotiation: true when Accept-Encoding holds a comma-separated token that is
/// exactly "gzip" (q-values are not parsed, so "gzip;q=0" does not count either way).
inline bool accepts_gzip(const ServerRequest& request) {
  std::string_view rest = request.header("Accept-Encoding");
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view token = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (token == "gzip") return true;
  }
  return false;
}

/// What a handler answers. Content-Length is set by the server. Bodies over 128 KiB are gzip-compressed
/// by the server for clients that accept it, unless the handler set Content-Encoding itself.
struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";  // Default: application/json. Empty: none sent.
  /// Extra response headers.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// When set, sent instead of `body`, without copying (pre-rendered snapshots shared by many requests).
  std::shared_ptr<const std::string> shared_body;
};

/// Answers one request. Runs on one of the server's threads, so it must not block for long (other
/// connections wait behind it), and must not throw: a throw becomes a 500 and is counted.
using RouteHandler = std::function<void(const ServerRequest&, ServerResponse&)>;

/// Requests whose path starts with `prefix` go to `handler`; the longest matching prefix wins, so "/"
/// catches everything no other route takes. Prefixes are plain string prefixes ("/metrics" also
/// matches "/metricsx"): a handler checks the rest of the path itself. Paths no route takes get
/// metrics-server's generic 404 Status.
struct Route {
  std::string prefix;
  RouteHandler handler;
};

/// Returned by serve(). Only reports where the routes are served: the host stops every listener at
/// shutdown, whatever handles are still held; dropping a handle does not remove its routes.
class ServingHandle {
 public:
  virtual ~ServingHandle() = default;
  /// The port the listener is bound to (the free port chosen when ServingOptions::port was 0).
  virtual std::uint16_t port() const noexcept = 0;
};

}  // namespace mpf
