#include "core/discovery/server_url.h"

#include <arpa/inet.h>

#include <optional>
#include <string>
#include <utility>

#include "core/log/logger.h"  // go_quote

namespace mpf::core {
namespace {

Status invalid(std::string message) { return Status::invalid_argument(std::move(message)); }

// Values appear as Go's %q writes them (client-go's wording).
std::string q(std::string_view text) { return go_quote(text); }

bool is_ipv6(std::string_view host) {
  in6_addr address{};
  return inet_pton(AF_INET6, std::string(host).c_str(), &address) == 1;
}

// A DNS name or IPv4 literal; only checks the characters, the resolver says the rest.
bool is_name_or_ipv4(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::uint16_t> port_number(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 3986 path characters (pchar and '/'), with well-formed %XX escapes: the prefix goes verbatim into
// request lines.
bool is_valid_path(std::string_view path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size() || !is_hex(path[i + 1]) || !is_hex(path[i + 2])) return false;
      i += 2;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string url_text(const ServerUrl& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  return std::string(url.tls ? "https://" : "http://") + (v6 ? "[" + url.host + "]" : url.host) + ":" +
         std::to_string(url.port) + url.path_prefix;
}

bool is_valid_host(std::string_view host) {
  return host.find(':') != std::string_view::npos ? is_ipv6(host) : is_name_or_ipv4(host);
}

std::optional<std::uint16_t> parse_port(std::string_view text) { return port_number(text); }

Result<ServerUrl> parse_server_url(std::string_view server) {
  const std::string named = "server " + q(server);
  const std::size_t scheme_end = server.find("://");
  if (scheme_end == std::string_view::npos) {
    return invalid(named + " is not a URL; expected https://host[:port][/path]");
  }
  ServerUrl url;
  const std::string scheme = lowercase(server.substr(0, scheme_end));
  if (scheme == "http") {
    url.tls = false;
  } else if (scheme != "https") {
    return invalid(named + ": unsupported scheme " + q(scheme) + " (expected https or http)");
  }
  std::string_view rest = server.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) return invalid(named + ": a query or fragment is not allowed");
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return invalid(named + ": user info in the URL is not supported");
  if (authority.empty()) return invalid(named + " has no host");

  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid(named + ": unterminated '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    if (!is_ipv6(url.host)) return invalid(named + ": " + q(url.host) + " is not an IPv6 address");
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid(named + ": unexpected " + q(after) + " after the IPv6 address");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(':') != colon) {
      return invalid(named + ": an IPv6 address must be in brackets, as in https://[::1]:6443");
    }
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (!is_name_or_ipv4(url.host)) return invalid(named + ": invalid host " + q(url.host));
  }
  if (has_port) {
    std::optional<std::uint16_t> port = port_number(port_text);
    if (!port) return invalid(named + ": invalid port " + q(port_text));
    url.port = *port;
  } else {
    url.port = url.tls ? 443 : 80;
  }

  if (!is_valid_path(path)) return invalid(named + ": invalid character in the path " + q(path));
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path_prefix = std::string(path);
  return url;
}

}  // namespace mpf::core
