#include "core/serve/https_listener.h"

#include "core/serve/response_compression.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/net/failure_classification.h"  // join_host_port
#include "core/auth/review_codec.h"
#include "core/serve/status_body.h"

// GCC 12 pairs Asio's coroutine-frame operator delete with the global operator new and warns about a
// mismatch that does not exist (GCC bug 109224, fixed in 13); the frames are allocated by Asio's own
// operator new. Scoped to this file, the only one with coroutines.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace mpf::core {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = asio::ip::tcp;
using asio::redirect_error;
using asio::use_awaitable;

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

bool is_any_address(const std::string& address) { return address.empty() || address == "0.0.0.0" || address == "::"; }

// Go's syscall messages are lower case ("bind: address already in use"); strerror's are capitalised.
std::string go_error_text(const boost::system::error_code& ec) {
  std::string text = ec.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

void set_status(mpf::ServerResponse& response, int code, std::string_view reason, std::string_view message,
                std::string_view details = "{}") {
  response = mpf::ServerResponse{};
  response.status = code;
  response.body = status_body(code, reason, message, details);
}

}  // namespace

HttpsListener::HttpsListener(asio::io_context& io, mpf::ServingOptions options,
                             std::unique_ptr<ServingCertificate> certificate, const ServingLimits& limits,
                             std::shared_ptr<ServingCounters> counters, std::shared_ptr<auth::AccessControl> access)
    : io_(io),
      options_(std::move(options)),
      certificate_(std::move(certificate)),
      limits_(limits),
      counters_(std::move(counters)),
      access_(std::move(access)) {}

std::string HttpsListener::address() const {
  return join_host_port(options_.bind_address, port_ != 0 ? port_ : static_cast<std::uint16_t>(options_.port));
}

Status HttpsListener::listen() noexcept {
  try {
    if (options_.port < 0 || options_.port > 65535) {
      return Status::invalid_argument("secure port " + std::to_string(options_.port) + " is not in 0..65535");
    }
    const auto port = static_cast<std::uint16_t>(options_.port);
    const std::string where = "listen tcp " + join_host_port(options_.bind_address, port);
    boost::system::error_code ec;
    asio::ip::address address;
    if (is_any_address(options_.bind_address)) {
      address = asio::ip::address_v6::any();  // both families, as Go listens on "0.0.0.0" and "::"
    } else {
      address = asio::ip::make_address(options_.bind_address, ec);
      if (ec) return Status::invalid_argument(where + ": bind address \"" + options_.bind_address + "\" is not an IP");
    }
    acceptor_.emplace(io_);
    Tcp::endpoint endpoint(address, port);
    acceptor_->open(endpoint.protocol(), ec);
    if (ec && is_any_address(options_.bind_address)) {  // no IPv6 on this host: IPv4 only
      endpoint = Tcp::endpoint(asio::ip::address_v4::any(), port);
      ec.clear();
      acceptor_->open(endpoint.protocol(), ec);
    }
    if (ec) return Status::invalid_argument(where + ": socket: " + go_error_text(ec));
    if (endpoint.address().is_v6() && is_any_address(options_.bind_address)) {
      acceptor_->set_option(asio::ip::v6_only(false), ec);
    }
    acceptor_->set_option(asio::socket_base::reuse_address(true), ec);  // as Go: restart without TIME_WAIT waits
    acceptor_->bind(endpoint, ec);
    if (ec) return Status::invalid_argument(where + ": bind: " + go_error_text(ec));
    acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::invalid_argument(where + ": listen: " + go_error_text(ec));
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::permanent("listen tcp " + address() + ": " + e.what());
  }
}

Status HttpsListener::add_routes(std::vector<mpf::Route> routes) noexcept {
  try {
    std::lock_guard lock(routes_mutex_);
    auto next = std::make_shared<RouteTable>(*routes_);
    if (Status st = next->add(std::move(routes)); !st.is_ok()) {
      return Status::invalid_argument(st.message() + " on " + address());
    }
    routes_ = std::move(next);
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::permanent("adding routes on " + address() + ": " + e.what());
  }
}

void HttpsListener::close() noexcept {
  boost::system::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  acceptor_.reset();
}

void HttpsListener::stop_access_control() noexcept {
  if (access_) access_->stop();
}

bool HttpsListener::admit(const mpf::RequestUser* user, mpf::ServerResponse& response) noexcept {
  if (user != nullptr && std::find(user->groups.begin(), user->groups.end(), "system:masters") != user->groups.end()) {
    in_flight_.fetch_add(1);
    return true;
  }
  if (in_flight_.fetch_add(1) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1);
    counters_->too_many_requests.fetch_add(1);
    set_status(response, 429, "TooManyRequests", "Too many requests, please try again later.",
               R"({"retryAfterSeconds":1})");
    response.headers.emplace_back("Retry-After", "1");
    return false;
  }
  return true;
}

void HttpsListener::release() noexcept { in_flight_.fetch_sub(1); }

void HttpsListener::dispatch(const mpf::ServerRequest& request, mpf::ServerResponse& response) noexcept {
  // The API server's max-in-flight filter: it runs before routing, so every path counts.
  if (!admit(request.user, response)) return;
  route(request, response);
  release();
}

void HttpsListener::route(const mpf::ServerRequest& request, mpf::ServerResponse& response) noexcept {
  std::shared_ptr<const RouteTable> routes;
  {
    std::lock_guard lock(routes_mutex_);
    routes = routes_;
  }
  const mpf::RouteHandler* handler = routes->find(request.path);
  if (handler == nullptr) {
    response = mpf::ServerResponse{};
    response.status = 404;
    response.body = not_found_body();
    return;
  }
  try {
    (*handler)(request, response);
  } catch (const std::exception& e) {
    counters_->handler_exceptions.fetch_add(1);
    set_status(response, 500, "InternalError", std::string("Internal error occurred: ") + e.what());
  } catch (...) {
    counters_->handler_exceptions.fetch_add(1);
    set_status(response, 500, "InternalError", "Internal error occurred: unknown exception");
  }
}

namespace {

// An awaitable for a callback-style operation: `start(callback)` must call `callback(Result)` exactly
// once, on any thread (or before returning); the coroutine then resumes on its own executor. Not a
// coroutine itself, and awaited from a named local: GCC 12 destroys temporaries with non-trivial
// destructors twice when they appear in a co_await expression or as coroutine arguments (the
// captured executor here), which corrupts the heap.
template <class Result, class Start>
auto async_callback(Start start) {
  return asio::async_initiate<decltype(use_awaitable), void(Result)>(
      [start = std::move(start)](auto handler) mutable {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start([executor, shared](Result result) {
          asio::post(executor, [shared, result = std::move(result)]() mutable { std::move(*shared)(std::move(result)); });
        });
      },
      use_awaitable);
}

}  // namespace

asio::awaitable<void> HttpsListener::answer_with_access_control(mpf::ServerRequest& request,
                                                                const auth::PeerCertificates& peer,
                                                                mpf::ServerResponse& response) {
  auto authenticating = async_callback<auth::AuthenticationResult>(
      [this, &request, &peer](auto done) { access_->authenticate(request.headers, peer, std::move(done)); });
  auth::AuthenticationResult authn = co_await std::move(authenticating);
  if (authn.outcome == auth::AuthenticationResult::Outcome::kFailed) {
    response = mpf::ServerResponse{};
    response.status = 401;
    response.body = auth::unauthorized_body();
    co_return;
  }
  access_->strip_identity_headers(request.headers);
  request.user = &authn.user;
  if (!admit(request.user, response)) co_return;
  auto authorizing = async_callback<auth::AuthorizationResult>([this, &request, &authn](auto done) {
    access_->authorize(authn.user, request.method, request.path, request.query, std::move(done));
  });
  auth::AuthorizationResult authz = co_await std::move(authorizing);
  if (authz.allowed) {
    route(request, response);
  } else {
    response = mpf::ServerResponse{};
    response.status = authz.refusal.status;
    response.content_type = std::move(authz.refusal.content_type);
    response.body = std::move(authz.refusal.body);
  }
  release();
}

asio::awaitable<void> HttpsListener::accept_loop() {
  auto self = shared_from_this();
  asio::steady_timer backoff(io_);
  for (;;) {
    if (!acceptor_) co_return;
    boost::system::error_code ec;
    Tcp::socket socket = co_await acceptor_->async_accept(asio::make_strand(io_), redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
    if (ec) {  // e.g. EMFILE under a flood: back off a little, as Go's server does, and keep accepting
      backoff.expires_after(std::chrono::milliseconds(10));
      co_await backoff.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    counters_->connections.fetch_add(1);
    // As Go's net package does for every TCP connection: without it, a response's last segment can
    // wait for the client's delayed ACK (~40 ms per request on Linux).
    socket.set_option(Tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket)), [](std::exception_ptr) {
      // Only allocation failures get here (every I/O error is redirected): that connection is lost.
    });
  }
}

asio::awaitable<void> HttpsListener::session(Tcp::socket socket) {
  auto self = shared_from_this();
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  const std::string remote_address = ec ? std::string() : peer.address().to_string();
  // The context of the moment: a reloaded certificate applies from the next connection on.
  const std::shared_ptr<asio::ssl::context> tls = certificate_->current();
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);

  tcp.expires_after(limits_.handshake_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, redirect_error(use_awaitable, ec));
  if (ec) {
    counters_->tls_handshake_failures.fetch_add(1);
    co_return;
  }
  // The chain the client presented (accepted at the handshake whatever it is): each authenticator
  // verifies it against its own CA for every request.
  const auth::PeerCertificates peer_certificates = access_ ? auth::PeerCertificates::from_ssl(stream.native_handle())
                                              : auth::PeerCertificates();

  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    // Idle until the next request's first byte (a new connection gets the header's time instead).
    if (buffer.size() == 0) {
      tcp.expires_after(first ? limits_.read_header_timeout : limits_.idle_timeout);
      const std::size_t n = co_await stream.async_read_some(buffer.prepare(4096), redirect_error(use_awaitable, ec));
      if (ec) co_return;  // closed, or idle too long
      buffer.commit(n);
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits_.max_header_bytes);
    parser.body_limit(limits_.max_body_bytes);
    tcp.expires_after(limits_.read_header_timeout);
    co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));

    mpf::ServerResponse response;
    bool keep_alive = false;
    bool client_accepts_gzip = false;
    std::string method_text;
    if (ec == http::error::header_limit) {
      set_status(response, 431, "RequestHeaderFieldsTooLarge", "request header fields too large");
    } else if (ec == http::error::body_limit) {
      set_status(response, 413, "RequestEntityTooLarge", "request body too large");
    } else if (ec && ec.category() == boost::system::error_code(http::error::bad_method).category()  // an http::error: not HTTP/1.1
               && ec != http::error::end_of_stream && ec != http::error::partial_message) {
      set_status(response, 400, "BadRequest", "malformed HTTP request");
    } else if (ec) {
      co_return;  // closed, reset or too slow in the middle of a request: nobody to answer
    }
    const bool head = !ec && parser.get().method() == http::verb::head;
    const bool malformed = static_cast<bool>(ec);  // answered 400, 413 or 431, then closed
    if (ec) {
      counters_->malformed_requests.fetch_add(1);
    } else {
      counters_->requests.fetch_add(1);
      const auto& message = parser.get();
      keep_alive = message.keep_alive();  // honours Connection: close, and HTTP/1.0's default
      mpf::ServerRequest request;
      request.method = view(message.method_string());
      request.target = view(message.target());
      const std::size_t question = request.target.find('?');
      request.path = request.target.substr(0, question);
      if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
      request.remote_address = remote_address;
      request.headers.reserve(16);
      for (const auto& field : message) request.headers.emplace_back(view(field.name_string()), view(field.value()));
      client_accepts_gzip = mpf::accepts_gzip(request);
      if (access_) {
        co_await answer_with_access_control(request, peer_certificates, response);
      } else {
        dispatch(request, response);
      }
    }
    if (compress_response(response, client_accepts_gzip)) counters_->compressed_responses.fetch_add(1);
    const int status_class = std::clamp(response.status / 100, 0, 5);
    counters_->responses[static_cast<std::size_t>(status_class)].fetch_add(1);

    // The body goes out from where it lives: the handler's string, or the shared snapshot.
    const std::string& body = response.shared_body ? *response.shared_body : response.body;
    http::response<http::span_body<const char>> out{static_cast<http::status>(response.status), 11};
    if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) out.set(name, value);
    if (!head) out.body() = beast::span<const char>(body.data(), body.size());
    out.content_length(body.size());  // HEAD: what a GET would have sent
    out.keep_alive(keep_alive);
    // --request-timeout bounds the response too, when it is shorter than the write limit.
    auto write_limit = limits_.write_timeout;
    if (options_.request_timeout.count() > 0) {
      write_limit = std::min<std::chrono::steady_clock::duration>(
          write_limit, std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.request_timeout));
    }
    tcp.expires_after(write_limit);
    co_await http::async_write(stream, out, redirect_error(use_awaitable, ec));
    if (ec) co_return;
    if (malformed) {
      // As Go's closeWriteAndWait: read and drop what the client is still sending (up to 256 KiB, for
      // half a second), so that closing with unread data does not reset the connection before the
      // client has read the answer (curl would report "Broken pipe" instead of the 431).
      tcp.expires_after(std::chrono::milliseconds(500));
      std::array<char, 16384> discard;
      for (std::size_t drained = 0; drained < (256u << 10);) {
        const std::size_t n = co_await stream.async_read_some(asio::buffer(discard), redirect_error(use_awaitable, ec));
        if (ec) break;
        drained += n;
      }
    }
    if (!keep_alive) {
      // close_notify, so the client sees a clean end; bounded, since the client may not answer.
      tcp.expires_after(std::chrono::seconds(1));
      co_await stream.async_shutdown(redirect_error(use_awaitable, ec));
      co_return;
    }
  }
}

}  // namespace mpf::core
