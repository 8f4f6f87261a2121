#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "mpf/sdk/status.h"

namespace mpf::core {

// OpenSSL's protocol version for a --tls-min-version value ("VersionTLS12", "VersionTLS13"); anything
// else fails with invalid_argument quoting it.
Result<int> parse_min_tls_version(std::string_view name) noexcept;

// A serving certificate as read from disk: PEM text and the file each came from (for messages).
struct ServingPem {
  std::string certificate_pem;  // leaf first, then any chain
  std::string certificate_file;
  std::string private_key_pem;
  std::string private_key_file;
};

// The TLS server context of one listener: at least `min_version`, the certificate chain and matching
// key of `pem`, ALPN answering http/1.1 only (no HTTP/2 here, so a client offering h2 falls back).
// No client certificate is requested. Bad PEM or a key not matching the certificate fails with
// invalid_argument naming the file.
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_server_context(const ServingPem& pem,
                                                                           int min_version) noexcept;

}  // namespace mpf::core
