#pragma once

/// @file
/// The host's HTTP client, shared by every HTTP source (kubelet resource metrics, kubelet summary, ...).
/// Sources never open sockets themselves: the host's engine keeps connections alive across cycles,
/// enforces deadlines and size caps, handles TLS and credentials, and classifies failures.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf {

/// How one client (one TLS context, one connection pool, one identity) talks to its servers. A source
/// makes one client per distinct set of credentials, normally one for all of its targets.
struct HttpClientOptions {
  /// false: plain HTTP (metrics-server's --deprecated-kubelet-completely-insecure).
  bool tls = true;  // Default: true
  /// Skip server certificate verification (--kubelet-insecure-tls).
  bool insecure_skip_verify = false;  // Default: false
  /// PEM CA bundle file to verify servers with; empty: ca_pem, or the system's default roots when that
  /// is empty too.
  std::string ca_file;
  /// A PEM CA bundle given inline (a kubeconfig's certificate-authority-data, decoded); used when
  /// ca_file is empty. insecure_skip_verify ignores both.
  std::string ca_pem;
  /// PEM client certificate (chain) and key files for mutual TLS.
  std::string client_certificate_file;
  std::string client_key_file;
  /// The same given inline (a kubeconfig's client-certificate-data and client-key-data, decoded). For
  /// each of the two, a file wins over inline data when both are set; certificate and key must come
  /// together, each from either source.
  std::string client_certificate_pem;
  std::string client_key_pem;
  /// A file holding a bearer token, re-read when it changes (service-account token rotation).
  std::string bearer_token_file;
  /// A fixed bearer token (from a kubeconfig); bearer_token_file wins when both are set.
  std::string bearer_token;
  /// Responses larger than this fail with FailureReason::kTooLarge.
  std::size_t max_response_bytes = 64u << 20;  // Default: 64 MiB
  /// Sent as User-Agent.
  std::string user_agent = "metrics-server";
};

/// One GET request.
struct HttpRequest {
  /// An IP literal (IPv6 without brackets) or a DNS name.
  std::string host;
  std::uint16_t port = 0;
  /// Path and query, e.g. "/metrics/resource".
  std::string target;
  /// Extra request headers.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The request fails with FailureReason::kTimeout if not complete by then (DNS, connect, TLS, send,
  /// read). Required: a default-constructed deadline fails the request with invalid_argument.
  std::chrono::steady_clock::time_point deadline;
};

/// The body of a POST (exporters writing to storage; the host's own authentication reviews).
struct HttpRequestBody {
  /// Sent as Content-Type, e.g. "application/x-protobuf".
  std::string content_type;
  /// Sent as is with a Content-Length; compress it first if the protocol wants (and set the
  /// Content-Encoding header in HttpRequest::headers).
  std::string content;
};

/// What came back. `body` and `content_type` point into the engine's buffers and are valid only during
/// the callback: parse there (or copy).
struct HttpResponse {
  int status_code = 0;
  std::string_view content_type;
  std::string_view body;
};

/// Completion of HttpClient::get. `transport` is ok when an HTTP response arrived (whatever its status
/// code; `reason` is then kNone and failure_reason_for_status() classifies the code); otherwise it says
/// what failed, in Go's wording where metrics-server users know it, and `reason` classifies it:
///  - kTimeout: the deadline passed; the message names the stage (connect, TLS handshake, read, ...);
///  - kConnectionRefused: connect failed, or the connection was reset or closed before a response;
///  - kDns: the name did not resolve ("lookup node-1: no such host");
///  - kTls: handshake or verification failed, with the x509 reason ("x509: cannot validate certificate
///    for 10.0.0.5 because it doesn't contain any IP SANs");
///  - kTooLarge: the body (or header) exceeded its cap;
///  - kParse: malformed HTTP, or the connection closed in the middle of the body;
///  - kInternal: the engine is shutting down (retryable), the request was malformed (invalid_argument),
///    or the host ran out of a resource.
/// Called exactly once, on one of the engine's threads, except that a get() on a stopped engine calls
/// back before returning, on the caller's thread. Do little work there besides parsing the body, and
/// never block: other requests' completions wait behind it. A callback must not throw.
using HttpCallback = std::function<void(const Status& transport, FailureReason reason, const HttpResponse& response)>;

/// Thread-safe. Made by PluginContext::make_http_client().
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Sends a GET, reusing a kept-alive connection to the same host and port when one is idle. A reused
  /// connection that the server had closed is replaced and the request sent again, once, if nothing of
  /// the response had arrived. The server's certificate is verified against `host` as given (the
  /// address dialled), like Go's client. Sent headers: Host, User-Agent, Authorization (when the
  /// client has a token), then request.headers, which replace defaults of the same name.
  virtual void get(HttpRequest request, HttpCallback done) noexcept = 0;

  /// Like get(), with method POST and `body`. A request resent on a fresh connection (see get()) is sent
  /// again whole, so the receiver must tolerate a repeat (remote write, line protocol and the reviews
  /// all do). The response body is collected and capped like get()'s, so error text can be reported.
  virtual void post(HttpRequest request, HttpRequestBody body, HttpCallback done) noexcept = 0;
};

/// Classifies an HTTP status the way sources report it: 200 is success; 401, 403 and others are
/// failures with their reasons.
inline FailureReason failure_reason_for_status(int status_code) {
  if (status_code == 200) return FailureReason::kNone;
  if (status_code == 401) return FailureReason::kUnauthorized;
  if (status_code == 403) return FailureReason::kForbidden;
  return FailureReason::kHttpStatus;
}

}  // namespace mpf
