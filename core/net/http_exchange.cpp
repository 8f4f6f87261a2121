#include "core/net/http_exchange.h"

#include <algorithm>
#include <limits>

#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/ssl.h>

namespace mpf::core {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// CR or LF in a request line or header would let a target path smuggle a second request.
bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

std::optional<asio::ip::address> parse_ip(const std::string& host) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return address;
}

std::string_view to_std(beast::string_view view) { return std::string_view(view.data(), view.size()); }

// Free space for each read of a response: Beast's own upper bound for one read.
constexpr std::size_t kReadBufferBytes = 64 * 1024;

}  // namespace

// ---- EngineState ----

void EngineState::start() {
  std::lock_guard lock(mutex_);
  accepting_.store(true, std::memory_order_release);
}

std::vector<std::shared_ptr<Exchange>> EngineState::stop_accepting() {
  std::lock_guard lock(mutex_);
  accepting_.store(false, std::memory_order_release);
  std::vector<std::shared_ptr<Exchange>> out;
  out.reserve(in_flight_.size());
  for (auto& entry : in_flight_) out.push_back(entry.second);
  return out;
}

void EngineState::stop_resolvers() {
  {
    std::lock_guard lock(mutex_);
    if (resolvers_stopped_) return;
    resolvers_stopped_ = true;  // from here on nobody posts or creates, so the pool can be used unlocked
    if (!resolvers_) return;
  }
  resolvers_->stop();
  resolvers_->join();
  resolvers_.reset();  // drops queued jobs and the exchanges they hold
}

bool EngineState::add_in_flight(const std::shared_ptr<Exchange>& exchange) {
  std::lock_guard lock(mutex_);
  if (!accepting_.load(std::memory_order_relaxed)) return false;
  in_flight_.emplace(exchange.get(), exchange);
  return true;
}

void EngineState::remove_in_flight(const Exchange* exchange) {
  std::shared_ptr<Exchange> last;  // released outside the lock: it may run the exchange's destructor
  std::lock_guard lock(mutex_);
  if (auto it = in_flight_.find(exchange); it != in_flight_.end()) {
    last = std::move(it->second);
    in_flight_.erase(it);
  }
}

std::vector<std::shared_ptr<Exchange>> EngineState::in_flight() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Exchange>> out;
  for (const auto& entry : in_flight_) out.push_back(entry.second);
  return out;
}

void EngineState::add_pool(const std::shared_ptr<ConnectionPool>& pool) {
  std::lock_guard lock(mutex_);
  std::erase_if(pools_, [](const std::weak_ptr<ConnectionPool>& p) { return p.expired(); });
  pools_.push_back(pool);
}

std::vector<std::shared_ptr<ConnectionPool>> EngineState::pools() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ConnectionPool>> out;
  for (const auto& weak : pools_) {
    if (auto pool = weak.lock()) out.push_back(std::move(pool));
  }
  return out;
}

bool EngineState::post_resolve(std::function<void()> job) {
  std::lock_guard lock(mutex_);
  if (resolvers_stopped_ || !accepting_.load(std::memory_order_relaxed)) return false;
  // Made on first use: clusters addressed by InternalIP (the shipped manifests) never resolve a name.
  if (!resolvers_) resolvers_.emplace(std::max<std::size_t>(1, options_.resolver_threads));
  asio::post(*resolvers_, std::move(job));
  return true;
}

HttpEngineStats EngineState::stats() const {
  HttpEngineStats s;
  s.requests = counters.requests.load();
  s.responses = counters.responses.load();
  s.connections_opened = counters.connections_opened.load();
  s.connections_reused = counters.connections_reused.load();
  s.retries = counters.retries.load();
  s.shutdown_aborts = counters.shutdown_aborts.load();
  s.token_file_errors = counters.token_file_errors.load();
  s.callback_exceptions = counters.callback_exceptions.load();
  for (std::size_t i = 0; i < kHttpStageCount; ++i) s.stage_failures[i] = counters.stage_failures[i].load();
  for (std::size_t i = 0; i < kFailureReasonCount; ++i) s.reason_failures[i] = counters.reason_failures[i].load();
  std::lock_guard lock(mutex_);
  s.in_flight = in_flight_.size();
  return s;
}

std::string ClientState::authorization() {
  if (token_file) {
    const std::uint64_t errors_before = token_file->read_errors();
    const std::string& token = token_file->token();
    engine->counters.token_file_errors += token_file->read_errors() - errors_before;
    return "Bearer " + token;
  }
  if (!options.bearer_token.empty()) return "Bearer " + options.bearer_token;
  return {};
}

// ---- Exchange: start and completion ----

Exchange::Exchange(std::shared_ptr<ClientState> client, mpf::HttpRequest request, mpf::HttpCallback done,
                   std::optional<BodyChunkCallback> on_body, std::optional<PostBody> post)
    : client_(std::move(client)),
      request_(std::move(request)),
      done_(std::move(done)),
      on_body_(std::move(on_body)),
      post_(std::move(post)),
      url_(make_url(client_->options.tls, request_.host, request_.port, request_.target)),
      op_(post_ ? "Post" : "Get"),
      key_(join_host_port(request_.host, request_.port)),
      ip_(parse_ip(request_.host)) {}

Exchange::~Exchange() {
  // Unreachable by design (the in-flight set holds every exchange until it completes), but the
  // "exactly once" promise must not depend on that.
  if (!finished() && done_) {
    claimed_.store(true);
    try {
      done_(shutdown_failure(url_, op_).status, FailureReason::kInternal, mpf::HttpResponse{});
    } catch (...) {
      client_->engine->counters.callback_exceptions++;
    }
  }
}

Status Exchange::validate() const {
  if (request_.host.empty()) return Status::invalid_argument("HTTP request without a host");
  if (request_.port == 0) return Status::invalid_argument("HTTP request to " + request_.host + " without a port");
  if (request_.target.empty() || request_.target[0] != '/' || has_line_break(request_.target)) {
    return Status::invalid_argument("HTTP request target \"" + request_.target + "\" must be a path starting with /");
  }
  if (has_line_break(request_.host)) return Status::invalid_argument("HTTP request host contains a line break");
  for (const auto& header : request_.headers) {
    if (header.first.empty() || has_line_break(header.first) || has_line_break(header.second)) {
      return Status::invalid_argument("HTTP request header \"" + header.first + "\" is malformed");
    }
  }
  if (request_.deadline == std::chrono::steady_clock::time_point{}) {
    return Status::invalid_argument("HTTP request to " + url_ + " has no deadline");
  }
  if (on_body_ && !*on_body_) return Status::invalid_argument("HTTP stream from " + url_ + " without a body callback");
  return Status::ok();
}

bool Exchange::deadline_passed() const { return std::chrono::steady_clock::now() >= request_.deadline; }

void Exchange::finish(const Status& status, FailureReason reason, const mpf::HttpResponse& response) {
  if (claimed_.exchange(true, std::memory_order_acq_rel)) return;
  auto keep_alive = shared_from_this();  // the in-flight set may hold the last other reference
  EngineState& engine = *client_->engine;
  // Out of the set before the callback, so that the callback sees itself completed in stats(). stop()
  // still waits for this callback: it joins the thread running it.
  engine.remove_in_flight(this);
  if (!status.is_ok()) engine.counters.reason_failures[static_cast<std::size_t>(reason)]++;
  try {
    done_(status, reason, response);
  } catch (...) {
    // A callback must not throw; if one does, the engine thread survives and the count says so.
    engine.counters.callback_exceptions++;
  }
  done_ = nullptr;  // whatever the callback captured goes now, not when the last handler lets go
}

void Exchange::abort() { interrupt(true); }

void Exchange::cancel() {
  // Once stopping, stop() fails the request itself (and a post might never run).
  if (client_->engine->accepting()) interrupt(false);
}

void Exchange::interrupt(bool shutdown) {
  asio::post(client_->pool->strand(), [self = shared_from_this(), shutdown] {
    if (self->finished()) return;
    auto connection = self->connection_;
    auto fail = [self, shutdown] {
      if (!shutdown) {
        return self->finish(Status::retryable(self->op_ + std::string(" \"") + self->url_ + "\": stream cancelled"),
                            FailureReason::kInternal, mpf::HttpResponse{});
      }
      self->client_->engine->counters.shutdown_aborts++;
      self->finish(shutdown_failure(self->url_, self->op_).status, FailureReason::kInternal, mpf::HttpResponse{});
    };
    if (!connection) return fail();
    asio::post(connection->strand(), [connection, fail] {
      connection->close();
      fail();
    });
  });
}

void Exchange::abort_now() {
  if (finished()) return;
  client_->engine->counters.shutdown_aborts++;
  finish(shutdown_failure(url_, op_).status, FailureReason::kInternal, mpf::HttpResponse{});
}

void Exchange::start() {
  if (Status st = validate(); !st.is_ok()) return finish(st, FailureReason::kInternal, mpf::HttpResponse{});
  if (!client_->engine->accepting()) return abort_now();
  try {
    authorization_ = client_->authorization();
    acquire(true);
  } catch (const std::exception& e) {
    finish(Status::retryable(op_ + std::string(" \"") + url_ + "\": " + e.what()), FailureReason::kInternal, mpf::HttpResponse{});
  }
}

void Exchange::acquire(bool allow_reuse) {
  if (finished()) return;
  ConnectionPool& pool = *client_->pool;
  std::shared_ptr<Connection> connection = allow_reuse ? pool.take(key_) : nullptr;
  reused_ = connection != nullptr;
  if (reused_) {
    client_->engine->counters.connections_reused++;
    connection_ = std::move(connection);
    asio::post(connection_->strand(), [self = shared_from_this()] { self->send(); });
    return;
  }
  try {
    connection_ = std::make_shared<Connection>(pool.make_serial_executor(), client_->tls, key_);
  } catch (const std::exception& e) {  // SSL_new failing under memory pressure
    return finish(Status::retryable(op_ + std::string(" \"") + url_ + "\": " + e.what()), FailureReason::kInternal,
                  mpf::HttpResponse{});
  }
  asio::post(connection_->strand(), [self = shared_from_this()] { self->resolve(); });
}

// ---- Exchange: the steps, on the connection's strand ----

void Exchange::resolve() {
  if (finished()) return connection_->close();
  stage_ = HttpStage::kResolve;
  if (deadline_passed()) return fail_timeout();
  if (ip_) {
    endpoints_ = {Tcp::endpoint(*ip_, request_.port)};
    return connect();
  }
  auto self = shared_from_this();
  auto& timer = connection_->resolve_timer();
  timer.expires_at(request_.deadline);
  timer.async_wait([self](const boost::system::error_code& ec) {
    if (!ec && !self->finished() && self->stage_ == HttpStage::kResolve) self->fail_timeout();
  });
  auto strand = connection_->strand();
  const bool posted = client_->engine->post_resolve([self, strand, io = client_->pool->io()] {
    boost::system::error_code ec;
    std::vector<Tcp::endpoint> endpoints;
    try {
      Tcp::resolver resolver(io);
      for (const auto& entry : resolver.resolve(self->request_.host, std::to_string(self->request_.port), ec)) {
        endpoints.push_back(entry.endpoint());
      }
    } catch (const std::exception&) {
      ec = asio::error::no_memory;
    }
    asio::post(strand, [self, ec, endpoints = std::move(endpoints)]() mutable {
      self->on_resolved(ec, std::move(endpoints));
    });
  });
  if (!posted) {
    connection_->close();
    abort_now();
  }
}

void Exchange::on_resolved(const boost::system::error_code& error, std::vector<Tcp::endpoint> endpoints) {
  connection_->resolve_timer().cancel();
  if (finished()) return connection_->close();
  if (error) return fail(error);
  if (endpoints.empty()) return fail(asio::error::host_not_found);
  endpoints_ = std::move(endpoints);
  connect();
}

void Exchange::connect() {
  stage_ = HttpStage::kConnect;
  dialled_ = join_host_port(endpoints_.front().address().to_string(), request_.port);
  if (deadline_passed()) return fail_timeout();
  beast::tcp_stream& tcp = connection_->tcp();
  tcp.expires_at(request_.deadline);
  tcp.async_connect(endpoints_, [self = shared_from_this()](const boost::system::error_code& ec,
                                                            const Tcp::endpoint& endpoint) {
    if (self->finished()) return self->connection_->close();
    if (ec) return self->fail(ec);
    self->client_->engine->counters.connections_opened++;
    self->dialled_ = join_host_port(endpoint.address().to_string(), endpoint.port());
    boost::system::error_code ignored;
    self->connection_->tcp().socket().set_option(Tcp::no_delay(true), ignored);  // as Go does
    if (self->connection_->is_tls()) return self->handshake();
    self->send();
  });
}

void Exchange::handshake() {
  stage_ = HttpStage::kHandshake;
  if (deadline_passed()) return fail_timeout();
  connection_->prepare_tls(request_.host, ip_.has_value(), !client_->options.insecure_skip_verify);
  connection_->tcp().expires_at(request_.deadline);
  connection_->secure().async_handshake(
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
        if (self->finished()) return self->connection_->close();
        if (ec) {
          self->connection_->capture_verify_result();
          return self->fail(ec);
        }
        self->send();
      });
}

void Exchange::send() {
  if (finished()) return connection_->close();
  stage_ = HttpStage::kWrite;
  if (deadline_passed()) return fail_timeout();
  if (!http_request_) {
    auto& req = http_request_.emplace(post_ ? http::verb::post : http::verb::get, request_.target, 11);
    // Go leaves the port out of Host only when it is the scheme's default.
    const bool default_port = request_.port == (client_->options.tls ? 443 : 80);
    const bool v6 = request_.host.find(':') != std::string::npos;
    req.set(http::field::host, default_port ? (v6 ? "[" + request_.host + "]" : request_.host) : key_);
    if (!client_->options.user_agent.empty()) req.set(http::field::user_agent, client_->options.user_agent);
    if (!authorization_.empty()) req.set(http::field::authorization, authorization_);
    for (const auto& header : request_.headers) req.set(header.first, header.second);
    if (post_) {
      req.set(http::field::content_type, post_->content_type);
      // Built once and kept for a resend on a fresh connection, so the content can move in.
      req.body() = std::move(post_->content);
      req.prepare_payload();
    }
  }
  connection_->tcp().expires_at(request_.deadline);
  connection_->visit([this](auto& stream) {
    http::async_write(stream, *http_request_,
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        if (self->finished()) return self->connection_->close();
                        if (ec) return self->retry_or_fail(ec);
                        self->read();
                      });
  });
}

void Exchange::read() {
  stage_ = HttpStage::kRead;
  auto& parser = parser_.emplace();
  parser.get().body().limit = client_->options.max_response_bytes;
  // A stream's 200 body has no cap, but the parser would hold a Content-Length against its limit while
  // parsing the header, before the status code is known: for streams the body reader alone caps. Not
  // boost::none, which Beast 1.74 offers for "no limit": its Content-Length check compares
  // `len_ > body_limit_`, and any number is greater than an empty boost::optional.
  if (on_body_) {
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  } else {
    parser.body_limit(client_->options.max_response_bytes);
  }
  parser.header_limit(client_->engine->options().max_response_header_bytes);
  // Beast reads into the buffer's free capacity, at least 512 bytes: an empty buffer would take a
  // 47 kB kubelet response in ~90 reads, each a trip through the event loop. (Parked connections free
  // it, so this costs memory only while a response is read.)
  connection_->buffer().reserve(kReadBufferBytes);
  connection_->tcp().expires_at(request_.deadline);
  // Header first, then body. Beast 1.74 loses the Content-Length vs body_limit error when a whole
  // response is parsed in one eager pass (basic_parser::put ignores finish_header's error code and goes
  // on to the body). async_read_header parses non-eagerly, so the limit check holds; chunked and
  // read-to-EOF bodies are checked as they arrive. Stopping after the header also lets read_body()
  // choose between collecting and streaming before the body reader is initialised.
  connection_->visit([this](auto& stream) {
    http::async_read_header(stream, connection_->buffer(), *parser_,
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              if (self->finished()) return self->connection_->close();
                              if (ec) return self->retry_or_fail(ec);
                              self->read_body();
                            });
  });
}

void Exchange::read_body() {
  // The header is in and the body reader not yet initialised: it takes the sink from here on.
  if (on_body_ && parser_->get().result_int() == 200) {
    parser_->get().body().sink = [this](std::string_view piece) { return deliver(piece); };
  }
  if (parser_->is_done()) return succeed();
  connection_->visit([this](auto& stream) {
    http::async_read(stream, connection_->buffer(), *parser_,
                     [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                       if (self->finished()) return self->connection_->close();
                       if (self->stream_stop_ != StreamStop::kNone) return self->fail_stopped_stream();
                       if (ec) return self->retry_or_fail(ec);
                       self->succeed();
                     });
  });
}

bool Exchange::deliver(std::string_view piece) {
  if (finished()) return false;  // cancelled or aborted meanwhile: nothing goes out after `done`
  try {
    if ((*on_body_)(piece)) return true;
    stream_stop_ = StreamStop::kDeclined;
  } catch (const std::exception& e) {
    stream_stop_ = StreamStop::kThrew;
    stream_stop_detail_ = e.what();
  } catch (...) {
    stream_stop_ = StreamStop::kThrew;
    stream_stop_detail_ = "unknown exception";
  }
  if (stream_stop_ == StreamStop::kThrew) client_->engine->counters.callback_exceptions++;
  return false;
}

void Exchange::fail_stopped_stream() {
  connection_->close();
  std::string message = op_ + std::string(" \"") + url_ + "\": stream cancelled";
  message += stream_stop_ == StreamStop::kThrew ? ": the body callback threw: " + stream_stop_detail_
                                                : " by the body callback";
  finish(Status::retryable(message), FailureReason::kInternal, mpf::HttpResponse{});
}

void Exchange::succeed() {
  EngineState& engine = *client_->engine;
  engine.counters.responses++;
  auto& message = parser_->get();
  // Released before the callback so that a request the callback triggers finds the connection idle.
  // Streams are few and long, so reusing their connections would save next to nothing: they close.
  const bool reusable = !message.body().streamed && parser_->keep_alive() && connection_->buffer().size() == 0 &&
                        engine.accepting();
  if (reusable) {
    connection_->release_buffers();
    asio::post(client_->pool->strand(), [pool = client_->pool, connection = connection_] { pool->put(connection); });
  } else {
    connection_->close();
  }
  mpf::HttpResponse response;
  response.status_code = static_cast<int>(message.result_int());
  response.content_type = to_std(message[http::field::content_type]);
  response.body = message.body().data;  // empty when streamed
  finish(Status::ok(), FailureReason::kNone, response);
}

void Exchange::retry_or_fail(const boost::system::error_code& error) {
  // A kept-alive connection the server closed while it sat idle fails on first use. If not one byte of
  // a response came back the GET cannot have been half-processed, so it is sent again, once, on a new
  // connection (Go's transport does the same).
  const bool nothing_received = connection_->buffer().size() == 0 && (!parser_ || !parser_->got_some());
  const bool stale = reused_ && !retried_ && nothing_received && error != beast::error::timeout &&
                     error != asio::error::operation_aborted && !deadline_passed();
  if (!stale) return fail(error);
  retried_ = true;
  client_->engine->counters.retries++;
  connection_->close();
  parser_.reset();
  // Last action here: from now on the pool strand owns connection_.
  asio::post(client_->pool->strand(), [self = shared_from_this()] { self->acquire(false); });
}

FailureContext Exchange::failure_context() const {
  FailureContext context;
  context.url = url_;
  context.op = op_;
  context.host = request_.host;
  context.dialled = dialled_.empty() ? key_ : dialled_;
  context.stage = stage_;
  context.body_limit = client_->options.max_response_bytes;
  context.got_response_bytes = (parser_ && parser_->got_some()) || (connection_ && connection_->buffer().size() > 0);
  if (connection_ && connection_->verify_failure().x509_error != X509_V_OK) {
    context.verify = &connection_->verify_failure();
  }
  return context;
}

void Exchange::fail(const boost::system::error_code& error) {
  client_->engine->counters.stage_failures[static_cast<std::size_t>(stage_)]++;
  const TransportFailure failure = classify_failure(error, failure_context());
  connection_->close();
  finish(failure.status, failure.reason, mpf::HttpResponse{});
}

void Exchange::fail_timeout() {
  client_->engine->counters.stage_failures[static_cast<std::size_t>(stage_)]++;
  const TransportFailure failure = timeout_failure(failure_context());
  connection_->close();
  finish(failure.status, failure.reason, mpf::HttpResponse{});
}

}  // namespace mpf::core
