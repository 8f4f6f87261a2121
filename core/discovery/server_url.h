#pragma once

// The `server` of a kubeconfig cluster: https://host[:port][/prefix] or http://..., checked as client-go
// checks it, so that what reaches a request line is a host, a port and a clean path prefix.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mpf/sdk/status.h"

namespace mpf::core {

struct ServerUrl {
  bool tls = true;
  std::string host;
  std::uint16_t port = 0;
  std::string path_prefix;
};

// Parses a server URL; messages name the server value. IPv6 literals come back without brackets; the
// port defaults to 443 (https) or 80 (http); the prefix has no trailing slash ("" for none).
Result<ServerUrl> parse_server_url(std::string_view server);

// "https://host:port[/prefix]", IPv6 literals bracketed (for logs).
std::string url_text(const ServerUrl& url);

// An unbracketed IPv6 literal, an IPv4 literal or a DNS name (characters only; the resolver says the
// rest).
bool is_valid_host(std::string_view host);

// A decimal port in 1..65535.
std::optional<std::uint16_t> parse_port(std::string_view text);

}  // namespace mpf::core
