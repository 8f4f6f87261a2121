#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "core/net/failure_classification.h"
#include "core/net/tls_client_stream.h"

namespace mpf::core {

using IoExecutor = boost::asio::io_context::executor_type;
// What serializes the handlers of one connection or pool: a strand when several threads run the
// engine, the io_context's own executor when one does (the default). A strand there would only add a
// trip through the event loop to every completion, and a scrape has dozens.
using SerialExecutor = boost::asio::any_io_executor;

// One TCP (optionally TLS) connection to one host:port. Everything on it runs on its serial executor
// (its own strand on a multi-threaded engine, so connections to different targets progress in
// parallel; the io_context itself on a single-threaded one). A connection is used by one exchange at
// a time; between exchanges it sits idle in a ConnectionPool, holding no transfer buffers.
class Connection {
 public:
  // `tls` null: plain HTTP. The context is shared by every connection of a client and outlives them.
  // `serial`: from ConnectionPool::make_serial_executor().
  Connection(SerialExecutor serial, std::shared_ptr<boost::asio::ssl::context> tls, std::string key);

  const SerialExecutor& strand() const { return strand_; }
  // "host:port" as dialled (Go's JoinHostPort), the pool's key.
  const std::string& key() const { return key_; }
  bool is_tls() const { return secure_.has_value(); }
  boost::beast::tcp_stream& tcp();
  TlsClientStream& secure() { return *secure_; }
  // Calls f with the stream HTTP reads and writes go through: the TLS stream or the plain TCP one.
  template <class F>
  void visit(F&& f) {
    if (secure_) {
      f(*secure_);
    } else {
      f(*plain_);
    }
  }
  // Bounds name resolution, which runs off the strand and has no deadline of its own.
  boost::asio::steady_timer& resolve_timer() { return resolve_timer_; }
  // Bytes read past the last response; a connection with leftovers is not reused.
  boost::beast::flat_buffer& buffer() { return buffer_; }
  // Frees the transfer buffers before the connection goes idle: thousands of parked connections
  // should cost their sockets and TLS state, not a buffer each. They come back with the next use.
  void release_buffers() noexcept;

  // Verification of the server's certificate against the address dialled (DNS name or IP literal, as
  // Go does), and SNI for DNS names. Records the first verification error in verify_failure().
  void prepare_tls(const std::string& host, bool host_is_ip, bool verify);
  const VerifyFailure& verify_failure() const { return verify_failure_; }
  // Fills verify_failure() from SSL_get_verify_result when the callback saw nothing (a failure found
  // outside the chain walk); a no-op otherwise.
  void capture_verify_result();

  // Whether the server closed (or wrote to) the connection while it was idle: a non-blocking peek,
  // which saves a doomed request on most connections the server timed out.
  bool unusable_after_idle();
  // Closes the socket and cancels the resolve timer; pending operations complete with an error.
  void close() noexcept;

  std::chrono::steady_clock::time_point idle_since;

 private:
  // OpenSSL's verify callback: records the first failure of the chain walk in verify_failure().
  static int on_verify(int preverified, X509_STORE_CTX* store);

  SerialExecutor strand_;
  std::string key_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsClientStream> secure_;
  boost::asio::steady_timer resolve_timer_;
  boost::beast::flat_buffer buffer_;
  VerifyFailure verify_failure_;
};

struct ConnectionPoolOptions {
  std::size_t max_idle_per_host = 2;                 // Default: 2 (Go's DefaultMaxIdleConnsPerHost).
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(90);  // Default: 90s (Go's).
  // Exactly one thread runs the io_context: handlers need no strands to stay serial.
  bool single_threaded = false;
};

// The idle kept-alive connections of one client, by host:port. Every member function must run on
// strand(); the pool is shared by the client and its in-flight exchanges and dies with the last.
class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  ConnectionPool(const IoExecutor& io, ConnectionPoolOptions options);

  const IoExecutor& io() const { return io_; }
  const SerialExecutor& strand() const { return strand_; }
  // A new strand, or the io_context's executor when single-threaded.
  SerialExecutor make_serial_executor() const;

  // The most recently used healthy idle connection to `key`, or null; stale ones are closed on the way.
  std::shared_ptr<Connection> take(const std::string& key);
  // Parks a connection whose last response left it reusable; beyond the per-host limit, or after
  // close_all(), it is closed instead.
  void put(std::shared_ptr<Connection> connection);
  // Closes every idle connection and keeps no more (engine shutdown).
  void close_all();
  std::size_t idle_count() const;

 private:
  void arm_sweep();
  void sweep();

  IoExecutor io_;
  ConnectionPoolOptions options_;  // before strand_, which is made from it
  SerialExecutor strand_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
  boost::asio::steady_timer sweep_timer_;
  bool sweep_armed_ = false;
  bool closed_ = false;
};

}  // namespace mpf::core
