#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>

#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// The steps of one HTTP exchange, in order. Failures are counted per stage and timeouts name theirs.
enum class HttpStage : std::uint8_t { kResolve, kConnect, kHandshake, kWrite, kRead };
inline constexpr std::size_t kHttpStageCount = 5;
inline constexpr std::size_t kFailureReasonCount = static_cast<std::size_t>(FailureReason::kInternal) + 1;

// "resolve", "connect", "tls_handshake", "write", "read": label values for self-metrics.
std::string_view http_stage_name(HttpStage stage);

// The identities a server's leaf certificate claims, captured during verification so that a mismatch
// can say what the certificate is valid for.
struct CertificateIdentities {
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::string common_name;
};

// The first certificate verification error of a handshake (X509_V_OK: none was recorded).
struct VerifyFailure {
  int x509_error = 0;
  int depth = 0;
  CertificateIdentities leaf;
};

// What the classifier needs to know about the failed exchange.
struct FailureContext {
  // The request URL, quoted at the start of every message the way Go's url.Error does.
  std::string_view url;
  // Go's url.Error Op: the method as "Get" or "Post".
  std::string_view op = "Get";
  // The host as requested (IPv6 without brackets) and the address:port dialled ("[::1]:10250").
  std::string_view host;
  std::string_view dialled;
  HttpStage stage = HttpStage::kConnect;
  std::uint64_t body_limit = 0;
  // Whether any byte of the response had arrived (a timeout then says "reading the body").
  bool got_response_bytes = false;
  // Set when the TLS verify callback recorded an error.
  const VerifyFailure* verify = nullptr;
};

struct TransportFailure {
  Status status;
  FailureReason reason = FailureReason::kInternal;
};

// Maps an Asio/Beast/OpenSSL error to an operator-grade message in Go's wording where metrics-server
// users know it ("dial tcp 10.0.0.5:10250: connect: connection refused", "x509: ..."), and to a reason:
//  - beast timeout                      -> kTimeout, "context deadline exceeded (<what was going on>)"
//  - DNS errors                         -> kDns
//  - connect errors, resets, early EOF  -> kConnectionRefused (a reused connection is retried first)
//  - TLS alerts and verification        -> kTls, with the x509 reason
//  - body or header over the limit      -> kTooLarge
//  - malformed HTTP or a truncated body -> kParse: no usable response exists, and the status code (if
//    any arrived) is not what failed, so kHttpStatus would mislead.
// Local resource exhaustion (EMFILE) is kInternal.
TransportFailure classify_failure(const boost::system::error_code& error, const FailureContext& context);

// The deadline passed during context.stage.
TransportFailure timeout_failure(const FailureContext& context);

// The engine stopped before the request completed: retryable, kInternal.
TransportFailure shutdown_failure(std::string_view url, std::string_view op = "Get");

// Go's x509 wording for a verification error against `host` (the address dialled), followed by
// OpenSSL's own text: "x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP
// SANs (openssl: IP address mismatch)".
std::string x509_message(int x509_error, std::string_view host, const CertificateIdentities& leaf);

// "https://10.0.0.5:10250/metrics/resource"; IPv6 literals bracketed.
std::string make_url(bool tls, std::string_view host, std::uint16_t port, std::string_view target);

// "10.0.0.5:10250", "[fd00::5]:10250", "node-1:10250" (Go's net.JoinHostPort).
std::string join_host_port(std::string_view host, std::uint16_t port);

}  // namespace mpf::core
