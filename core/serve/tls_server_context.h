#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include "core/serve/tls_parameters.h"  // parse_min_tls_version and the defaults below
#include "mpf/sdk/status.h"

namespace mpf::core {

// A serving certificate as read from disk: PEM text and the file each came from (for messages).
struct ServingPem {
  std::string certificate_pem;  // leaf first, then any chain
  std::string certificate_file;
  std::string private_key_pem;
  std::string private_key_file;
};

// What a listener's TLS offers, already in OpenSSL's terms (tls_parameters.h translates the flags).
struct TlsServerSettings {
  // TLS1_2_VERSION or TLS1_3_VERSION; TLS1_VERSION and TLS1_1_VERSION only when an operator asked
  // (they need OpenSSL's security level 0, which the context then gets).
  int min_version = TLS1_2_VERSION;  // Default: TLS 1.2.
  // OpenSSL cipher list for TLS 1.0-1.2. Empty: no such suite, so TLS 1.3 only (as a Go server whose
  // CipherSuites hold only TLS 1.3 IDs). TLS 1.3 always has OpenSSL's three suites, as Go's.
  std::string cipher_list = default_tls12_cipher_list();  // Default: Go's.
  // OpenSSL group list (key exchange curves), in preference order.
  std::string groups = default_tls_group_list();  // Default: Go's.
  // Go's tls.RequestClientCert: a CertificateRequest with no CA names (so that clients send whatever
  // certificate they have), a missing certificate accepted, and any chain accepted: authentication
  // verifies it afterwards against its own CAs.
  bool request_client_certificate = false;  // Default: false.
};

// The TLS server context of one listener: the certificate chain and matching key of `pem`, ALPN
// answering http/1.1 only (no HTTP/2 here, so a client offering h2 falls back), and `settings`. Always:
// the server's cipher order, no compression, no renegotiation, session tickets. Bad PEM or a key not
// matching the certificate fails with invalid_argument naming the file; a cipher or group list this
// OpenSSL cannot use fails with invalid_argument naming the flag.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_server_context(const ServingPem& pem,
                                                                           const TlsServerSettings& settings) noexcept;

}  // namespace mpf::core
