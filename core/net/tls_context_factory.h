#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "mpf/sdk/http_client.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// Reads a whole file; the error names the file and what went wrong ("cannot read /x/ca.crt: No such
// file or directory").
Result<std::string> read_text_file(const std::string& path, std::string_view what) noexcept;

// The TLS client context for one HttpClient:
//  - TLS 1.2 or newer (Go's default minimum);
//  - server verification against options.ca_file, else options.ca_pem (every certificate in the bundle),
//    else the system roots, unless insecure_skip_verify, which also ignores both (as
//    --kubelet-insecure-tls does);
//  - the client certificate chain and key for mutual TLS, each from its file or else inline, checked to
//    match.
// Host and IP verification are per connection (the engine sets the address dialled on each SSL).
// Unreadable or unparseable files fail with invalid_argument naming the file; bad inline data names
// itself ("inline CA data", "inline client key").
Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_client_context(
    const mpf::HttpClientOptions& options) noexcept;

}  // namespace mpf::core
