#include "core/net/failure_classification.h"

#include <cctype>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace mpf::core {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Asio reports strerror() text ("Connection refused"); Go and operators expect "connection refused".
std::string lowercase_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string prefix(const FailureContext& context) {
  return std::string(context.op) + " \"" + std::string(context.url) + "\": ";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

TransportFailure make(Status status, FailureReason reason) { return TransportFailure{std::move(status), reason}; }

bool is_eof(const boost::system::error_code& e) {
  return e == asio::error::eof || e == http::error::end_of_stream || e == asio::ssl::error::stream_truncated;
}

TransportFailure classify_tls(const boost::system::error_code& error, const FailureContext& context) {
  const auto code = static_cast<unsigned long>(error.value());
  const int reason = ERR_GET_REASON(code);
  const char* text = ERR_reason_error_string(code);
  const std::string reason_text = text != nullptr ? text : error.message();
  if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED && context.verify != nullptr &&
      context.verify->x509_error != X509_V_OK) {
    return make(Status::permanent(prefix(context) + "tls: failed to verify certificate: " +
                                  x509_message(context.verify->x509_error, context.host, context.verify->leaf)),
                FailureReason::kTls);
  }
  if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG) {
    return make(Status::permanent(prefix(context) + "tls: first record does not look like a TLS handshake (" +
                                  reason_text + "; is " + std::string(context.dialled) + " serving plain HTTP?)"),
                FailureReason::kTls);
  }
  // OpenSSL names a peer's alert "tlsv13 alert certificate required"; Go says "remote error: tls:
  // certificate required", which is what kubelet users find in issues.
  if (const auto at = reason_text.find("alert "); at != std::string::npos) {
    std::string message = "remote error: tls: " + reason_text.substr(at + 6);
    if (reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED || reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE) {
      message += " (the server wants a client certificate it accepts)";
    }
    return make(Status::permanent(prefix(context) + message), FailureReason::kTls);
  }
  return make(Status::permanent(prefix(context) + "tls: " + reason_text), FailureReason::kTls);
}

TransportFailure classify_eof(const FailureContext& context) {
  if (context.stage == HttpStage::kHandshake) {
    return make(Status::retryable(prefix(context) + "tls: handshake failed: EOF (" + std::string(context.dialled) +
                                  " closed the connection during the TLS handshake)"),
                FailureReason::kTls);
  }
  if (context.got_response_bytes) {
    return make(Status::retryable(prefix(context) +
                                  "unexpected EOF (the server closed the connection in the middle of the response)"),
                FailureReason::kParse);
  }
  return make(Status::retryable(prefix(context) + "EOF (" + std::string(context.dialled) +
                                " closed the connection without responding)"),
              FailureReason::kConnectionRefused);
}

}  // namespace

std::string_view http_stage_name(HttpStage stage) {
  switch (stage) {
    case HttpStage::kResolve: return "resolve";
    case HttpStage::kConnect: return "connect";
    case HttpStage::kHandshake: return "tls_handshake";
    case HttpStage::kWrite: return "write";
    case HttpStage::kRead: return "read";
  }
  return "unknown";
}

std::string join_host_port(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

std::string make_url(bool tls, std::string_view host, std::uint16_t port, std::string_view target) {
  return (tls ? "https://" : "http://") + join_host_port(host, port) + std::string(target);
}

std::string x509_message(int x509_error, std::string_view host, const CertificateIdentities& leaf) {
  const std::string openssl = std::string(" (openssl: ") + X509_verify_cert_error_string(x509_error) + ")";
  const std::string wanted(host);
  switch (x509_error) {
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      if (leaf.ip_addresses.empty()) {
        return "x509: cannot validate certificate for " + wanted + " because it doesn't contain any IP SANs" + openssl;
      }
      return "x509: certificate is valid for " + join(leaf.ip_addresses) + ", not " + wanted + openssl;
    case X509_V_ERR_HOSTNAME_MISMATCH:
      if (leaf.dns_names.empty() && !leaf.common_name.empty()) {
        return "x509: certificate relies on legacy Common Name field, use SANs instead (it names \"" +
               leaf.common_name + "\", wanted " + wanted + ")" + openssl;
      }
      if (leaf.dns_names.empty()) {
        return "x509: certificate is not valid for any names, but wanted to match " + wanted + openssl;
      }
      return "x509: certificate is valid for " + join(leaf.dns_names) + ", not " + wanted + openssl;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return "x509: certificate signed by unknown authority" + openssl;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "x509: certificate has expired or is not yet valid" + openssl;
    case X509_V_ERR_INVALID_PURPOSE:
      return "x509: certificate specifies an incompatible key usage" + openssl;
    default:
      return std::string("x509: ") + X509_verify_cert_error_string(x509_error);
  }
}

TransportFailure timeout_failure(const FailureContext& context) {
  std::string during;
  switch (context.stage) {
    case HttpStage::kResolve: during = "while resolving " + std::string(context.host); break;
    case HttpStage::kConnect: during = "while connecting to " + std::string(context.dialled); break;
    case HttpStage::kHandshake: during = "during the TLS handshake with " + std::string(context.dialled); break;
    case HttpStage::kWrite: during = "while sending the request"; break;
    case HttpStage::kRead:
      during = context.got_response_bytes ? "while reading the response" : "while awaiting response headers";
      break;
  }
  return make(Status::retryable(prefix(context) + "context deadline exceeded (" + during + ")"),
              FailureReason::kTimeout);
}

TransportFailure shutdown_failure(std::string_view url, std::string_view op) {
  return make(Status::retryable(std::string(op) + " \"" + std::string(url) + "\": http engine shutting down"),
              FailureReason::kInternal);
}

TransportFailure classify_failure(const boost::system::error_code& error, const FailureContext& context) {
  if (error == boost::beast::error::timeout) return timeout_failure(context);
  const std::string dialled(context.dialled);
  const std::string op = context.stage == HttpStage::kWrite ? "write" : "read";

  if (error == asio::error::no_descriptors || error == asio::error::no_buffer_space ||
      error == boost::system::errc::too_many_files_open_in_system) {
    return make(Status::retryable(prefix(context) + "dial tcp " + dialled + ": socket: " +
                                  lowercase_first(error.message())),
                FailureReason::kInternal);
  }
  if (context.stage == HttpStage::kResolve) {
    std::string why = lowercase_first(error.message());
    if (error == asio::error::host_not_found || error == asio::error::no_data) {
      why = "no such host";
    } else if (error == asio::error::host_not_found_try_again) {
      why = "temporary failure in name resolution";
    }
    return make(Status::retryable(prefix(context) + "dial tcp: lookup " + std::string(context.host) + ": " + why),
                FailureReason::kDns);
  }
  if (context.stage == HttpStage::kConnect) {
    const FailureReason reason =
        error == asio::error::timed_out ? FailureReason::kTimeout : FailureReason::kConnectionRefused;
    return make(Status::retryable(prefix(context) + "dial tcp " + dialled + ": connect: " +
                                  lowercase_first(error.message())),
                reason);
  }
  if (is_eof(error)) return classify_eof(context);
  if (error.category() == asio::error::get_ssl_category()) return classify_tls(error, context);
  if (error.category() == boost::system::error_code(http::error::body_limit).category()) {
    if (error == http::error::body_limit) {
      return make(Status::permanent(prefix(context) + "response body exceeds the limit of " +
                                    std::to_string(context.body_limit) + " bytes"),
                  FailureReason::kTooLarge);
    }
    if (error == http::error::header_limit) {
      return make(Status::permanent(prefix(context) + "response header exceeds the size limit"),
                  FailureReason::kTooLarge);
    }
    if (error == http::error::partial_message) {
      return make(Status::retryable(prefix(context) +
                                    "unexpected EOF (the server closed the connection in the middle of the response)"),
                  FailureReason::kParse);
    }
    return make(Status::permanent(prefix(context) + "malformed HTTP response: " + error.message()),
                FailureReason::kParse);
  }
  if (error.category() == asio::ssl::error::get_stream_category()) {
    return make(Status::permanent(prefix(context) + "tls: " + error.message()), FailureReason::kTls);
  }
  if (context.stage == HttpStage::kHandshake) {
    // A reset in the middle of the handshake is the server refusing TLS (or this client), not a network
    // fault: report it with the TLS failures.
    return make(Status::retryable(prefix(context) + "tls: handshake failed: read tcp " + dialled + ": " +
                                  lowercase_first(error.message())),
                FailureReason::kTls);
  }
  // Resets, broken pipes and the like: the connection died under us.
  return make(Status::retryable(prefix(context) + op + " tcp " + dialled + ": " + op + ": " +
                                lowercase_first(error.message())),
              FailureReason::kConnectionRefused);
}

}  // namespace mpf::core
