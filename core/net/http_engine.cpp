#include "core/net/http_engine.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "core/net/http_exchange.h"
#include "core/net/tls_context_factory.h"

namespace mpf::core {

namespace asio = boost::asio;

// The io_context and its threads. Clients hold it too, so sockets never outlive the io_context they
// were made on, whatever order the host drops things in.
class EngineCore {
 public:
  explicit EngineCore(HttpEngineOptions options) : state(std::make_shared<EngineState>(options)) {}
  ~EngineCore() { stop(); }

  Status start();
  void stop();

  asio::io_context io;
  const std::shared_ptr<EngineState> state;

 private:
  void run_thread();

  std::mutex mutex_;  // guards the lifecycle fields below (start/stop are rare)
  std::condition_variable threads_exited_;
  std::size_t running_threads_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

namespace {

// Cancels through a weak reference: a handle the caller keeps must not keep the exchange, and with it
// a socket, alive past the engine's io_context. While the request is in flight the engine holds it.
class ExchangeHandle final : public StreamHandle {
 public:
  void attach(const std::shared_ptr<Exchange>& exchange) noexcept { exchange_ = exchange; }
  void cancel() noexcept override {
    try {
      if (auto exchange = exchange_.lock()) exchange->cancel();
    } catch (const std::exception&) {
      // Posting the cancellation failed to allocate; the deadline still ends the request.
    }
  }

 private:
  std::weak_ptr<Exchange> exchange_;
};

class HttpClientImpl final : public StreamingHttpClient {
 public:
  HttpClientImpl(std::shared_ptr<EngineCore> core, std::shared_ptr<ClientState> state)
      : core_(std::move(core)), state_(std::move(state)) {}

  void get(mpf::HttpRequest request, mpf::HttpCallback done) noexcept override {
    if (!done) return;
    std::shared_ptr<Exchange> exchange;
    try {
      state_->engine->counters.requests++;
      exchange = std::make_shared<Exchange>(state_, std::move(request), std::move(done));
    } catch (const std::exception& e) {
      // Nothing was moved from `done` unless the Exchange exists.
      if (done) done(Status::retryable(std::string("http request: ") + e.what()), FailureReason::kInternal, {});
      return;
    }
    submit(exchange);
  }

  void post(mpf::HttpRequest request, PostBody body, mpf::HttpCallback done) noexcept override {
    if (!done) return;
    std::shared_ptr<Exchange> exchange;
    try {
      state_->engine->counters.requests++;
      exchange = std::make_shared<Exchange>(state_, std::move(request), std::move(done), std::nullopt, std::move(body));
    } catch (const std::exception& e) {
      if (done) done(Status::retryable(std::string("http request: ") + e.what()), FailureReason::kInternal, {});
      return;
    }
    submit(exchange);
  }

  std::shared_ptr<StreamHandle> stream(mpf::HttpRequest request, BodyChunkCallback on_body,
                                       mpf::HttpCallback done) noexcept override {
    if (!done) return detached_handle();
    std::shared_ptr<ExchangeHandle> handle;
    std::shared_ptr<Exchange> exchange;
    try {
      state_->engine->counters.requests++;
      handle = std::make_shared<ExchangeHandle>();  // first: once the exchange exists, nothing may throw
      exchange = std::make_shared<Exchange>(state_, std::move(request), std::move(done), std::move(on_body));
    } catch (const std::exception& e) {
      if (done) done(Status::retryable(std::string("http request: ") + e.what()), FailureReason::kInternal, {});
      return detached_handle();
    }
    handle->attach(exchange);
    submit(exchange);
    return handle;
  }

 private:
  // For requests that never started: cancel() has nothing to do. Aliases a static object, so that
  // handing it out never allocates.
  static std::shared_ptr<StreamHandle> detached_handle() noexcept {
    class Detached final : public StreamHandle {
     public:
      void cancel() noexcept override {}
    };
    static Detached detached;
    return std::shared_ptr<StreamHandle>(std::shared_ptr<void>(), &detached);
  }

  void submit(const std::shared_ptr<Exchange>& exchange) noexcept {
    // Not running: fail here and now, since no engine thread will ever pick it up.
    if (!state_->engine->add_in_flight(exchange)) return exchange->abort_now();
    asio::post(state_->pool->strand(), [exchange] { exchange->start(); });
  }

  std::shared_ptr<EngineCore> core_;  // first: destroyed last, after the pool's sockets
  std::shared_ptr<ClientState> state_;
};

}  // namespace

Status EngineCore::start() {
  std::lock_guard lock(mutex_);
  if (stopped_) return Status::invalid_argument("the HTTP engine was stopped and cannot be restarted");
  if (started_) return Status::ok();
  started_ = true;
  state->start();
  work_.emplace(io.get_executor());
  const std::size_t count = std::max<std::size_t>(1, state->options().io_threads);
  try {
    for (std::size_t i = 0; i < count; ++i) {
      threads_.emplace_back([this] { run_thread(); });
      ++running_threads_;
    }
  } catch (const std::system_error& e) {
    if (threads_.empty()) return Status::permanent(std::string("cannot start HTTP engine threads: ") + e.what());
    // Fewer threads than asked still work.
  }
  return Status::ok();
}

void EngineCore::run_thread() {
  for (;;) {
    try {
      io.run();
      break;
    } catch (const std::exception&) {
      // A handler threw (allocation failure); keep serving the others.
    }
  }
  std::lock_guard lock(mutex_);
  --running_threads_;
  threads_exited_.notify_all();
}

void EngineCore::stop() {
  std::unique_lock lock(mutex_);
  if (!started_ || stopped_) {
    stopped_ = true;
    return;
  }
  stopped_ = true;
  lock.unlock();

  // 1. Refuse new requests and cancel the ones in flight: each calls back "shutting down" on an engine
  //    thread. 2. Close idle connections. 3. Let the threads run out of work.
  for (auto& exchange : state->stop_accepting()) exchange->abort();
  for (auto& pool : state->pools()) asio::post(pool->strand(), [pool] { pool->close_all(); });
  work_.reset();

  lock.lock();
  const bool drained =
      threads_exited_.wait_for(lock, state->options().stop_grace, [this] { return running_threads_ == 0; });
  lock.unlock();
  if (!drained) io.stop();  // something did not unwind in time; its handlers die with the io_context
  for (auto& thread : threads_) {
    if (thread.get_id() == std::this_thread::get_id()) {
      thread.detach();  // stop() from a callback: documented as wrong, but never a self-join
    } else if (thread.joinable()) {
      thread.join();
    }
  }
  state->stop_resolvers();
  // Whatever did not get its callback on an engine thread gets it here.
  for (auto& exchange : state->in_flight()) exchange->abort_now();
}

HttpEngine::HttpEngine(HttpEngineOptions options) : core_(std::make_shared<EngineCore>(options)) {}

HttpEngine::~HttpEngine() { stop(); }

Status HttpEngine::start() noexcept {
  try {
    return core_->start();
  } catch (const std::exception& e) {
    return Status::permanent(std::string("cannot start the HTTP engine: ") + e.what());
  }
}

void HttpEngine::stop() noexcept {
  try {
    core_->stop();
  } catch (const std::exception&) {
    // Only thread::join can throw here, and only for a thread that is not joinable: nothing to undo.
  }
}

Result<std::shared_ptr<mpf::HttpClient>> HttpEngine::make_client(const mpf::HttpClientOptions& options) noexcept {
  auto client = make_streaming_client(options);
  if (!client) return client.status();
  return std::shared_ptr<mpf::HttpClient>(std::move(client).value());
}

Result<std::shared_ptr<StreamingHttpClient>> HttpEngine::make_streaming_client(
    const mpf::HttpClientOptions& options) noexcept {
  try {
    if (options.max_response_bytes == 0) return Status::invalid_argument("max_response_bytes must be positive");
    auto state = std::make_shared<ClientState>();
    state->engine = core_->state;
    state->options = options;
    if (options.tls) {
      auto context = make_tls_client_context(options);
      if (!context) return context.status();
      state->tls = std::move(context).value();
    }
    if (!options.bearer_token_file.empty()) {
      auto file = BearerTokenFile::open(options.bearer_token_file, core_->state->options().token_recheck_interval);
      if (!file) return file.status();
      state->token_file.emplace(std::move(file).value());
    }
    const HttpEngineOptions& engine = core_->state->options();
    ConnectionPoolOptions pool_options;
    pool_options.max_idle_per_host = engine.max_idle_connections_per_host;
    pool_options.idle_timeout = engine.idle_connection_timeout;
    pool_options.single_threaded = engine.io_threads <= 1;
    state->pool = std::make_shared<ConnectionPool>(core_->io.get_executor(), pool_options);
    core_->state->add_pool(state->pool);
    return std::shared_ptr<StreamingHttpClient>(std::make_shared<HttpClientImpl>(core_, std::move(state)));
  } catch (const std::exception& e) {
    return Status::permanent(std::string("creating an HTTP client: ") + e.what());
  }
}

HttpEngineStats HttpEngine::stats() const noexcept { return core_->state->stats(); }

}  // namespace mpf::core
