#pragma once

/// @file
/// Where an exporter sends: an http:// or https:// URL split into what HttpRequest and
/// HttpClientOptions take, and the Basic authorization header. Header-only.

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpf/sdk/base64.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/status.h"

namespace mpf {

struct HttpEndpoint {
  bool tls = false;
  /// A DNS name or IP literal; an IPv6 literal without its brackets.
  std::string host;
  std::uint16_t port = 0;
  /// Path and query, at least "/".
  std::string target;
};

/// Parses "http[s]://host[:port][/path][?query]". The port defaults to 80 or 443. User info and
/// fragments are refused (credentials belong in the auth options, where they are not logged).
inline Result<HttpEndpoint> parse_http_endpoint(std::string_view url) {
  auto fail = [&](std::string_view why) {
    return Status::invalid_argument("\"" + std::string(url) + "\": " + std::string(why));
  };
  HttpEndpoint endpoint;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    endpoint.tls = true;
    rest = url.substr(8);
  } else {
    return fail("must start with http:// or https://");
  }
  std::size_t path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
  if (target.find('#') != std::string_view::npos) return fail("a fragment (#...) is not allowed");
  if (authority.find('@') != std::string_view::npos) {
    return fail("user info is not allowed in the URL; use the auth options");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed [ in the host");
    endpoint.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after ]");
      port_text = after.substr(1);
      if (port_text.empty()) return fail("empty port");
    }
  } else {
    std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail("empty port");
      authority = authority.substr(0, colon);
    }
    endpoint.host = std::string(authority);
  }
  if (endpoint.host.empty()) return fail("no host");
  if (port_text.empty()) {
    endpoint.port = endpoint.tls ? 443 : 80;
  } else {
    unsigned value = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port_text.size() > 5) return fail("the port must be a number from 1 to 65535");
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return fail("the port must be a number from 1 to 65535");
    endpoint.port = static_cast<std::uint16_t>(value);
  }
  if (target.empty()) {
    endpoint.target = "/";
  } else if (target.front() == '?') {
    endpoint.target = "/" + std::string(target);
  } else {
    endpoint.target = std::string(target);
  }
  return endpoint;
}

/// Sends `body` to `endpoint` with POST on `client` and waits for the answer, for an exporter's
/// send() (which runs on the sink's own worker thread, where blocking is expected). The request carries
/// `deadline` (the engine fails it with a timeout then); the answer is classified by
/// status_for_http_response() below, transport failures are retryable. `what` starts every message.
Status post_and_wait(HttpClient& client, const HttpEndpoint& endpoint, HttpRequestBody body,
                     std::vector<std::pair<std::string, std::string>> headers,
                     std::chrono::steady_clock::time_point deadline, std::string_view what);

/// "Basic " + base64(user ":" password), the Authorization header value of RFC 7617.
inline std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string plain;
  plain.reserve(user.size() + 1 + password.size());
  plain.append(user).append(1, ':').append(password);
  return "Basic " + base64_encode(plain);
}

/// The Status an HTTP exporter returns for a response: 2xx ok; 429 and 5xx retryable; anything else
/// permanent. `what` names the receiver ("remote write to http://..."); the body's start is quoted.
inline Status status_for_http_response(std::string_view what, int status_code, std::string_view body) {
  if (status_code >= 200 && status_code < 300) return Status::ok();
  std::string message = std::string(what) + ": HTTP " + std::to_string(status_code);
  std::string_view excerpt = body.substr(0, 256);
  while (!excerpt.empty() && (excerpt.back() == '\n' || excerpt.back() == '\r' || excerpt.back() == ' ')) {
    excerpt.remove_suffix(1);
  }
  if (!excerpt.empty()) message += ": " + std::string(excerpt);
  if (status_code == 429 || (status_code >= 500 && status_code < 600)) return Status::retryable(std::move(message));
  return Status::permanent(std::move(message));
}

inline Status post_and_wait(HttpClient& client, const HttpEndpoint& endpoint, HttpRequestBody body,
                            std::vector<std::pair<std::string, std::string>> headers,
                            std::chrono::steady_clock::time_point deadline, std::string_view what) {
  HttpRequest request;
  request.host = endpoint.host;
  request.port = endpoint.port;
  request.target = endpoint.target;
  request.headers = std::move(headers);
  request.deadline = deadline;
  auto answer = std::make_shared<std::promise<Status>>();
  std::future<Status> result = answer->get_future();
  std::string name(what);
  client.post(std::move(request), std::move(body),
              [answer, name](const Status& transport, FailureReason, const HttpResponse& response) {
                if (transport.code() == StatusCode::kInvalidArgument) {
                  answer->set_value(Status::permanent(name + ": " + transport.message()));
                } else if (!transport.is_ok()) {
                  answer->set_value(Status::retryable(name + ": " + transport.message()));
                } else {
                  answer->set_value(status_for_http_response(name, response.status_code, response.body));
                }
              });
  // The engine calls back exactly once, by the deadline; the margin only guards against a host bug.
  if (result.wait_until(deadline + std::chrono::seconds(5)) != std::future_status::ready) {
    return Status::retryable(name + ": no answer from the HTTP engine after the deadline");
  }
  return result.get();
}

}  // namespace mpf
