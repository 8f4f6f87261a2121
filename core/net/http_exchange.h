#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "core/net/bearer_token_file.h"
#include "core/net/connection_pool.h"
#include "core/net/failure_classification.h"
#include "core/net/http_engine.h"
#include "core/net/http_stream.h"
#include "core/net/response_body.h"
#include "mpf/sdk/http_client.h"

namespace mpf::core {

class Exchange;

// Engine-wide state shared by the engine, its clients and every exchange. It holds no io_context: a
// handler keeping an exchange (hence this) alive must never keep the io_context that owns the handler
// alive, or neither would ever be freed.
class EngineState {
 public:
  explicit EngineState(HttpEngineOptions options) : options_(options) {}

  const HttpEngineOptions& options() const { return options_; }
  bool accepting() const { return accepting_.load(std::memory_order_acquire); }

  // Opens for requests. Resolver threads start with the first name to resolve.
  void start();
  // Stops accepting; returns the requests in flight, for the engine to abort.
  std::vector<std::shared_ptr<Exchange>> stop_accepting();
  // Joins the resolver threads and drops resolutions never started. Call after stop_accepting().
  void stop_resolvers();

  // Adds a request to the in-flight set; false (and nothing added) once stopped.
  bool add_in_flight(const std::shared_ptr<Exchange>& exchange);
  void remove_in_flight(const Exchange* exchange);
  std::vector<std::shared_ptr<Exchange>> in_flight() const;

  void add_pool(const std::shared_ptr<ConnectionPool>& pool);
  std::vector<std::shared_ptr<ConnectionPool>> pools() const;

  // Runs `job` on a resolver thread; false when the engine is stopping.
  bool post_resolve(std::function<void()> job);

  HttpEngineStats stats() const;

  struct Counters {
    std::atomic<std::uint64_t> requests{0}, responses{0}, connections_opened{0}, connections_reused{0}, retries{0},
        shutdown_aborts{0}, token_file_errors{0}, callback_exceptions{0};
    std::array<std::atomic<std::uint64_t>, kHttpStageCount> stage_failures{};
    std::array<std::atomic<std::uint64_t>, kFailureReasonCount> reason_failures{};
  };
  Counters counters;

 private:
  const HttpEngineOptions options_;
  std::atomic<bool> accepting_{false};
  // Guards the sets below and the resolver pool's existence. Taken once when a request starts and once
  // when it ends, never around I/O or callbacks: shutdown must find every request, whatever strand it is on.
  mutable std::mutex mutex_;
  bool resolvers_stopped_ = false;
  std::unordered_map<const Exchange*, std::shared_ptr<Exchange>> in_flight_;
  std::vector<std::weak_ptr<ConnectionPool>> pools_;
  std::optional<boost::asio::thread_pool> resolvers_;
};

// What the exchanges of one HttpClient share.
struct ClientState {
  std::shared_ptr<EngineState> engine;
  mpf::HttpClientOptions options;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::shared_ptr<ConnectionPool> pool;
  std::optional<BearerTokenFile> token_file;  // used on pool->strand() only

  // "Bearer <token>" or empty; on pool->strand().
  std::string authorization();
};

// One GET, from pool acquisition to callback. Steps run on the pool's strand (acquiring and releasing
// connections) and on the connection's strand (everything touching the socket, and on_body). Completion
// is claimed atomically, so whichever of success, failure, timeout, cancellation or shutdown comes first
// calls back, once.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  // With on_body (even an empty one, which fails validation): a stream, see StreamingHttpClient.
  // With `post`: a POST of that body instead of a GET.
  Exchange(std::shared_ptr<ClientState> client, mpf::HttpRequest request, mpf::HttpCallback done,
           std::optional<BodyChunkCallback> on_body = std::nullopt, std::optional<PostBody> post = std::nullopt);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // On the pool strand.
  void start();
  // Any thread, engine running: cancels the I/O and calls back with "shutting down" on an engine thread.
  void abort();
  // Engine threads gone: calls back with "shutting down" on the calling thread unless already done.
  void abort_now();
  // Any thread: like abort(), with a "cancelled" status. A no-op once the engine stopped accepting,
  // since stop() aborts every request in flight itself.
  void cancel();

 private:
  using Tcp = boost::asio::ip::tcp;

  bool finished() const { return claimed_.load(std::memory_order_acquire); }
  bool deadline_passed() const;
  Status validate() const;
  void acquire(bool allow_reuse);  // pool strand
  // Connection strand from here on.
  void resolve();
  void on_resolved(const boost::system::error_code& error, std::vector<Tcp::endpoint> endpoints);
  void connect();
  void handshake();
  void send();
  void read();
  void read_body();
  // Connection strand, from inside the parser: hands a piece of a 200 body to on_body.
  bool deliver(std::string_view piece);
  // After a read stopped because on_body declined or threw.
  void fail_stopped_stream();
  void succeed();
  void retry_or_fail(const boost::system::error_code& error);
  void fail(const boost::system::error_code& error);
  void fail_timeout();
  FailureContext failure_context() const;
  void finish(const Status& status, FailureReason reason, const mpf::HttpResponse& response);
  // abort() and cancel(): ends the exchange from outside, closing its connection if it has one.
  void interrupt(bool shutdown);

  const std::shared_ptr<ClientState> client_;
  const mpf::HttpRequest request_;
  mpf::HttpCallback done_;
  std::optional<BodyChunkCallback> on_body_;  // set: a stream
  std::optional<PostBody> post_;              // set: a POST
  std::atomic<bool> claimed_{false};
  const std::string url_;
  const char* const op_;  // "Get" or "Post", as Go's url.Error names the method
  const std::string key_;  // host:port as dialled
  std::string dialled_;    // the endpoint connected to (differs from key_ for DNS names)
  std::optional<boost::asio::ip::address> ip_;  // set when the host is an IP literal
  std::string authorization_;
  // Written on the pool strand only, while no handler of this exchange runs on a connection strand.
  std::shared_ptr<Connection> connection_;
  bool reused_ = false;
  bool retried_ = false;
  HttpStage stage_ = HttpStage::kResolve;
  std::vector<Tcp::endpoint> endpoints_;
  std::optional<boost::beast::http::request<boost::beast::http::string_body>> http_request_;
  std::optional<boost::beast::http::response_parser<ResponseBody>> parser_;
  // Why on_body stopped the read; on the connection strand.
  enum class StreamStop : std::uint8_t { kNone, kDeclined, kThrew };
  StreamStop stream_stop_ = StreamStop::kNone;
  std::string stream_stop_detail_;  // what the callback threw
};

}  // namespace mpf::core
