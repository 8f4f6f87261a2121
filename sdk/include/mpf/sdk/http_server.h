#pragma once

/// @file
/// The host's HTTPS server, shared by every plugin that answers requests (the Metrics API sink,
/// /healthz, /metrics). Plugins never open sockets: they hand the host routes, as they ask it for HTTP
/// clients, and the host owns listeners, TLS, certificates, timeouts and the in-flight limit.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpf {

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
  /// Every header in arrival order, names as sent.
  std::vector<std::pair<std::string_view, std::string_view>> headers;

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
