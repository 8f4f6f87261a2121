#pragma once

// An in-process HTTP/1.1 server on a loopback address (port 0), TLS or plain, for client tests. Header
// only because tests/CMakeLists.txt builds *_test.cpp files alone. The handler decides, per request,
// what the server does: answer (plain or chunked, after a delay, or a body sent piece by piece over
// time), hang, close without answering, or write raw bytes (malformed or truncated responses). Options
// cover what happens around requests: requiring a client certificate, stalling before the TLS
// handshake, closing idle kept-alive connections. It counts accepted connections and records every
// request.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "mpf/sdk/status.h"

namespace mpf::test {

struct LoopbackRequest {
  std::string method;
  std::string target;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
  // 1-based: which accepted connection, and which request on it.
  std::size_t connection = 0;
  std::size_t sequence = 0;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One part of a body sent over time (LoopbackResponse::pieces).
struct LoopbackPiece {
  std::string data;
  // Waited (without blocking the server) before sending.
  std::chrono::milliseconds delay{0};
  // When set, the piece goes out only once this returns true (polled every few milliseconds): a test
  // holds the rest of a body back until it has seen the start, with no timing involved. Called on a
  // server thread.
  std::function<bool()> gate;
};

struct LoopbackResponse {
  int status = 200;
  std::string content_type = "text/plain; version=0.0.4";
  std::string body;
  bool chunked = false;
  // Waited (without blocking the server) before answering.
  std::chrono::milliseconds delay{0};
  // Non-empty: the body, sent piece by piece instead of `body`: one chunk per piece when `chunked`
  // (empty pieces are skipped), else under one Content-Length covering them all, or, with until_eof,
  // with neither, ending when the server closes the connection (after a TLS close_notify).
  std::vector<LoopbackPiece> pieces;
  bool until_eof = false;
  // Read the request, never answer (until the server stops). With pieces: send them, then nothing
  // more, the body never ending.
  bool hang = false;
  // Close the connection without writing anything.
  bool close_without_response = false;
  // Written verbatim instead of a response.
  std::string raw;
  // Close the connection after writing.
  bool close = false;
};

struct LoopbackServerOptions {
  bool tls = true;
  // "127.0.0.1", "::1", ...
  std::string address = "127.0.0.1";
  // The server's certificate chain and key (PEM); required with tls.
  std::string certificate_pem;
  std::string private_key_pem;
  // Non-empty: require a client certificate issued by this CA.
  std::string client_ca_pem;
  // Accept TCP, then do nothing at all (no TLS handshake, no read).
  bool stall_after_accept = false;
  // Close a kept-alive connection that waited this long for its next request; zero: never.
  std::chrono::milliseconds idle_close_after{0};
  std::size_t threads = 1;
};

class LoopbackServer {
 public:
  using Handler = std::function<LoopbackResponse(const LoopbackRequest&)>;

  LoopbackServer(LoopbackServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Binds address:0 and starts serving. Fails (e.g. no IPv6 loopback) without throwing.
  Status start() {
    namespace asio = boost::asio;
    namespace ssl = asio::ssl;
    boost::system::error_code ec;
    if (options_.tls) {
      tls_.emplace(ssl::context::tls_server);
      tls_->use_certificate_chain(asio::buffer(options_.certificate_pem), ec);
      if (!ec) tls_->use_private_key(asio::buffer(options_.private_key_pem), ssl::context::pem, ec);
      if (ec) return Status::invalid_argument("server certificate: " + ec.message());
      if (!options_.client_ca_pem.empty()) {
        tls_->add_certificate_authority(asio::buffer(options_.client_ca_pem), ec);
        if (ec) return Status::invalid_argument("client CA: " + ec.message());
        tls_->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      }
    }
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec) return Status::invalid_argument("address " + options_.address + ": " + ec.message());
    acceptor_.emplace(io_);
    const asio::ip::tcp::endpoint endpoint(address, 0);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::invalid_argument("listen on " + options_.address + ": " + ec.message());
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    return Status::ok();
  }

  // Stops at once: hanging and in-progress connections are dropped without a word.
  void stop() {
    io_.stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  std::uint16_t port() const { return port_; }
  std::size_t accepted_connections() const { return accepted_.load(); }
  std::size_t request_count() const {
    std::lock_guard lock(mutex_);
    return received_.size();
  }
  std::vector<LoopbackRequest> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  LoopbackRequest last_request() const {
    std::lock_guard lock(mutex_);
    return received_.empty() ? LoopbackRequest{} : received_.back();
  }

 private:
  using Tcp = boost::asio::ip::tcp;

  boost::asio::awaitable<void> accept_loop() {
    namespace asio = boost::asio;
    for (;;) {
      boost::system::error_code ec;
      Tcp::socket socket = co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. EMFILE under a flood: keep accepting
      const std::size_t index = ++accepted_;
      asio::co_spawn(io_, session(std::move(socket), index), asio::detached);
    }
  }

  boost::asio::awaitable<void> session(Tcp::socket socket, std::size_t index) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    if (options_.stall_after_accept) {
      co_await hang();
      co_return;
    }
    if (!tls_) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, stream, index);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls_);
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // e.g. the client refused our certificate
    co_await serve(stream, beast::get_lowest_layer(stream), index);
  }

  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream, boost::beast::tcp_stream& tcp, std::size_t index) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    beast::flat_buffer buffer;
    for (std::size_t sequence = 1;; ++sequence) {
      if (sequence > 1 && options_.idle_close_after.count() > 0) {
        tcp.expires_after(options_.idle_close_after);
      } else {
        tcp.expires_after(std::chrono::seconds(60));
      }
      http::request<http::string_body> request;
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
      if (ec && ec.category() == boost::system::error_code(http::error::bad_method).category() &&
          ec != http::error::end_of_stream) {
        // Not HTTP (a TLS ClientHello on a plain port, say): answer as Go's net/http does.
        static const std::string kBadRequest = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request";
        co_await asio::async_write(stream, asio::buffer(kBadRequest), asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      if (ec) co_return;  // closed by the client, or idle too long: the stream closes with us
      tcp.expires_never();

      LoopbackRequest seen;
      seen.method = std::string(request.method_string());
      seen.target = std::string(request.target());
      seen.body = request.body();
      for (const auto& field : request) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        seen.headers[name] = std::string(field.value());
      }
      seen.connection = index;
      seen.sequence = sequence;
      {
        std::lock_guard lock(mutex_);
        received_.push_back(seen);
      }
      const LoopbackResponse answer = handler_(seen);

      if (answer.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(answer.delay);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!answer.pieces.empty()) {
        if (!co_await send_pieces(stream, tcp, answer, request.keep_alive())) co_return;
        continue;
      }
      if (answer.hang) {
        co_await hang();
        co_return;
      }
      if (answer.close_without_response) co_return;  // the stream's destructor closes the socket
      if (!answer.raw.empty()) {
        co_await asio::async_write(stream, asio::buffer(answer.raw), asio::redirect_error(asio::use_awaitable, ec));
        if (answer.close || ec) co_return;
        continue;
      }
      http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
      response.set(http::field::server, "loopback");
      if (!answer.content_type.empty()) response.set(http::field::content_type, answer.content_type);
      response.body() = answer.body;
      if (answer.chunked) {
        response.chunked(true);
      } else {
        response.prepare_payload();
      }
      response.keep_alive(request.keep_alive() && !answer.close);
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !response.keep_alive()) co_return;
    }
  }

  // Writes the header and then the pieces as they come due. True: the connection stays open for the
  // next request.
  template <class Stream>
  boost::asio::awaitable<bool> send_pieces(Stream& stream, boost::beast::tcp_stream& tcp,
                                           const LoopbackResponse& answer, bool keep_alive) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    std::size_t total = 0;
    for (const auto& piece : answer.pieces) total += piece.data.size();
    const bool close = answer.until_eof || answer.close || !keep_alive;
    std::string head = "HTTP/1.1 " + std::to_string(answer.status) + " " +
                       std::string(http::obsolete_reason(static_cast<http::status>(answer.status))) +
                       "\r\nServer: loopback\r\n";
    if (!answer.content_type.empty()) head += "Content-Type: " + answer.content_type + "\r\n";
    if (answer.chunked) {
      head += "Transfer-Encoding: chunked\r\n";
    } else if (!answer.until_eof) {
      head += "Content-Length: " + std::to_string(total) + "\r\n";
    }
    if (close) head += "Connection: close\r\n";
    head += "\r\n";
    boost::system::error_code ec;
    co_await asio::async_write(stream, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (const auto& piece : answer.pieces) {
      if (piece.delay.count() > 0) {
        timer.expires_after(piece.delay);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      while (piece.gate && !piece.gate()) {
        timer.expires_after(std::chrono::milliseconds(5));
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (answer.chunked && piece.data.empty()) continue;  // a zero-size chunk would end the body
      std::string framed = piece.data;
      if (answer.chunked) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.data.size());
        framed = size + piece.data + "\r\n";
      }
      co_await asio::async_write(stream, asio::buffer(framed), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    if (answer.hang) {
      co_await hang();
      co_return false;
    }
    if (answer.chunked) {
      static const std::string kLastChunk = "0\r\n\r\n";
      co_await asio::async_write(stream, asio::buffer(kLastChunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return false;
    }
    if (answer.until_eof) {
      // A TLS stream ends with close_notify: without one, a client rightly reports truncation.
      tcp.expires_after(std::chrono::seconds(5));
      if constexpr (std::is_same_v<Stream, boost::beast::tcp_stream>) {
        tcp.socket().shutdown(Tcp::socket::shutdown_send, ec);
      } else {
        co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    co_return !close;
  }

  boost::asio::awaitable<void> hang() {
    namespace asio = boost::asio;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(std::chrono::steady_clock::time_point::max());
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  LoopbackServerOptions options_;
  Handler handler_;
  // Before io_: the TLS streams inside abandoned sessions die with io_ and need the context until then.
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::io_context io_;
  std::optional<Tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> accepted_{0};
  mutable std::mutex mutex_;
  std::vector<LoopbackRequest> received_;
};

}  // namespace mpf::test
