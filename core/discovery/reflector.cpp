#include "core/discovery/reflector.h"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace mpf::core {
namespace {

namespace asio = boost::asio;

// Query values: unreserved characters stay, everything else is %XX (continue tokens are base64 and
// selectors hold '=', '!' and ',').
std::string url_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

// "the server rejected our request (410 Gone): too old resource version" from a Status body when
// there is one, else the code alone.
std::string describe_http_failure(int status_code, const std::string& body) {
  std::string text = "HTTP " + std::to_string(status_code);
  if (auto status = decode_status(body); status && !status->message.empty()) text += ": " + status->message;
  return text;
}

}  // namespace

Reflector::Reflector(asio::io_context& io, std::shared_ptr<StreamingHttpClient> client,
                     const ApiServerConnection& connection, ReflectorOptions options, ResourceStore& store,
                     ChangeCallback changed, Logger& logger, SelfMetrics& metrics)
    : io_(io),
      client_(std::move(client)),
      connection_(connection),
      options_(std::move(options)),
      store_(store),
      changed_(std::move(changed)),
      logger_(logger),
      backoff_timer_(io),
      random_(std::random_device{}()) {
  const MetricLabels resource{{"resource", options_.resource}};
  auto with = [&](std::string key, std::string value) {
    MetricLabels labels = resource;
    labels.emplace_back(std::move(key), std::move(value));
    return labels;
  };
  const char* lists_help = "Complete lists of a resource from the kube-apiserver, by result.";
  metrics_.list_ok = metrics.counter("mpf_discovery_lists_total", lists_help, with("result", "ok"));
  metrics_.list_failed = metrics.counter("mpf_discovery_lists_total", lists_help, with("result", "error"));
  metrics_.watch_started =
      metrics.counter("mpf_discovery_watches_total", "Watch requests sent to the kube-apiserver.", resource);
  metrics_.events = metrics.counter("mpf_discovery_watch_events_total", "Watch events applied.", resource);
  const char* relists_help = "Relists after a watch could not resume, by reason.";
  metrics_.relists_expired = metrics.counter("mpf_discovery_relists_total", relists_help, with("reason", "expired"));
  metrics_.relists_error = metrics.counter("mpf_discovery_relists_total", relists_help, with("reason", "error"));
  metrics_.objects = metrics.gauge("mpf_discovery_objects", "Objects kept of a watched resource.", resource);
}

template <class Step>
void Reflector::post_from_engine(Step step) {
  std::lock_guard lock(post_mutex_);
  if (!accepting_) return;
  asio::post(io_, [weak = weak_from_this(), step = std::move(step)]() mutable {
    if (auto self = weak.lock()) step(*self);
  });
}

void Reflector::start() {
  asio::post(io_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->list_from_start();
  });
}

void Reflector::stop() {
  {
    std::lock_guard lock(post_mutex_);
    accepting_ = false;
  }
  cancel_stream();
  asio::post(io_, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->stopped_ = true;
      self->backoff_timer_.cancel();
    }
  });
}

Status Reflector::health() const {
  std::lock_guard lock(health_mutex_);
  return health_;
}

std::string Reflector::resource_version() const {
  std::lock_guard lock(health_mutex_);
  return health_resource_version_;
}

void Reflector::set_health(Status status) {
  std::lock_guard lock(health_mutex_);
  health_ = std::move(status);
  health_resource_version_ = resource_version_;
}

std::string Reflector::query(bool watch, const std::string& continue_token) {
  std::string target = connection_.path_prefix + options_.path + "?";
  if (!options_.field_selector.empty()) target += "fieldSelector=" + url_escape(options_.field_selector) + "&";
  if (watch) {
    // client-go spreads watch timeouts over [min, 2 min) so that watches of many clients do not all
    // end together.
    std::uniform_int_distribution<std::int64_t> spread(0, std::max<std::int64_t>(0, options_.min_watch_timeout.count()));
    const auto timeout_ms = options_.min_watch_timeout.count() + spread(random_);
    target += "watch=true&allowWatchBookmarks=true&resourceVersion=" + url_escape(resource_version_) +
              "&timeoutSeconds=" + std::to_string(std::max<std::int64_t>(1, timeout_ms / 1000));
  } else {
    target += "limit=" + std::to_string(options_.page_size);
    if (!continue_token.empty()) target += "&continue=" + url_escape(continue_token);
  }
  return target;
}

std::chrono::milliseconds Reflector::next_backoff() {
  const auto now = std::chrono::steady_clock::now();
  // A failure after two quiet minutes starts over at the initial delay (client-go's backoff manager).
  if (backoff_.count() == 0 || now - last_failure_ > std::chrono::minutes(2)) {
    backoff_ = options_.backoff_initial;
  } else {
    backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  }
  last_failure_ = now;
  std::uniform_real_distribution<double> jitter(1.0, 2.0);
  auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(backoff_.count()) * jitter(random_)));
  return std::min(delay, options_.backoff_max);
}

// ---- list ----

void Reflector::list_page(std::string continue_token) {
  if (stopped_) return;
  const std::uint64_t attempt = ++attempt_;
  HttpRequest request;
  request.host = connection_.host;
  request.port = connection_.port;
  request.target = query(false, continue_token);
  request.headers = {{"Accept", options_.list_accept}};
  request.deadline = std::chrono::steady_clock::now() + options_.list_timeout;
  auto weak = weak_from_this();
  client_->get(std::move(request), [weak, attempt, continue_token](const Status& transport, FailureReason,
                                                                   const HttpResponse& response) {
    auto self = weak.lock();
    if (!self) return;
    // The page is copied: the engine's buffer lives only during this callback, and decoding belongs on
    // the reflector's thread with the store.
    self->post_from_engine([attempt, transport, code = response.status_code, body = std::string(response.body),
                            continue_token](Reflector& r) { r.on_list_page(attempt, transport, code, body, continue_token); });
  });
}

void Reflector::on_list_page(std::uint64_t attempt, const Status& transport, int status_code,
                             const std::string& body, const std::string& continue_token) {
  if (!current(attempt)) return;
  if (!transport.is_ok()) {
    metrics_.list_failed->inc();
    return relist_after_backoff(Status::retryable("listing " + options_.resource + ": " + transport.message()));
  }
  if (status_code == 410 && !continue_token.empty()) {
    // The continue token outlived the server's compaction window: start the list over.
    return relist_now("continue token expired");
  }
  if (status_code != 200) {
    metrics_.list_failed->inc();
    return relist_after_backoff(
        Status::retryable("listing " + options_.resource + ": " + describe_http_failure(status_code, body)));
  }
  Result<ListPageMeta> page = store_.stage_page(body);
  if (!page) {
    metrics_.list_failed->inc();
    return relist_after_backoff(
        Status::permanent("listing " + options_.resource + ": undecodable response: " + page.status().message()));
  }
  if (!page->continue_token.empty()) return list_page(std::move(page->continue_token));

  resource_version_ = std::move(page->resource_version);
  store_.commit_list();
  metrics_.list_ok->inc();
  metrics_.objects->set(static_cast<double>(store_.size()));
  const bool first = !synced_.exchange(true, std::memory_order_acq_rel);
  set_health(Status::ok());
  if (first) {
    logger_.info("Listed from the kube-apiserver",
                 {{"resource", options_.resource}, {"count", std::to_string(store_.size())},
                  {"resourceVersion", resource_version_}});
  }
  changed_(true);
  watch();
}

// ---- watch ----

void Reflector::watch() {
  if (stopped_) return;
  const std::uint64_t attempt = ++attempt_;
  metrics_.watch_started->inc();
  HttpRequest request;
  request.host = connection_.host;
  request.port = connection_.port;
  request.target = query(true, {});
  request.headers = {{"Accept", options_.watch_accept}};
  // The server ends the watch at timeoutSeconds; the deadline only catches a server that does not.
  request.deadline = std::chrono::steady_clock::now() + 2 * options_.min_watch_timeout + std::chrono::seconds(30);

  // Splits the stream into lines on the engine thread; only the engine thread touches it.
  struct LineSplitter {
    std::string partial;
    bool overflow = false;
  };
  auto splitter = std::make_shared<LineSplitter>();
  auto weak = weak_from_this();
  const std::size_t max_line = options_.max_event_bytes;
  auto on_body = [weak, attempt, splitter, max_line](std::string_view piece) -> bool {
    auto self = weak.lock();
    if (!self) return false;
    splitter->partial.append(piece);
    std::size_t start = 0;
    for (std::size_t end; (end = splitter->partial.find('\n', start)) != std::string::npos; start = end + 1) {
      std::string line = splitter->partial.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      self->post_from_engine([attempt, line = std::move(line)](Reflector& r) { r.on_watch_line(attempt, line); });
    }
    splitter->partial.erase(0, start);
    if (splitter->partial.size() > max_line) {
      splitter->overflow = true;
      return false;
    }
    return true;
  };
  auto done = [weak, attempt, splitter, max_line](const Status& transport, FailureReason,
                                                  const HttpResponse& response) {
    auto self = weak.lock();
    if (!self) return;
    Status why = transport;
    if (splitter->overflow) {
      why = Status::permanent("a watch event exceeds " + std::to_string(max_line) + " bytes");
    }
    self->post_from_engine([attempt, why, code = response.status_code, body = std::string(response.body)](Reflector& r) {
      r.on_watch_end(attempt, why, code, body);
    });
  };
  auto handle = client_->stream(std::move(request), std::move(on_body), std::move(done));
  std::lock_guard lock(post_mutex_);
  stream_ = std::move(handle);
}

void Reflector::on_watch_line(std::uint64_t attempt, const std::string& line) {
  if (!current(attempt)) return;
  bool changed = false;
  Result<WatchEventMeta> event = store_.apply_event(line, changed);
  if (!event) {
    return relist_after_backoff(
        Status::permanent("watching " + options_.resource + ": undecodable event: " + event.status().message()));
  }
  if (event->type == WatchEventType::kError) {
    const std::string message = "watching " + options_.resource + ": " + event->status.message;
    if (event->status.code == 410) return relist_now(message);
    return relist_after_backoff(Status::retryable(message));
  }
  metrics_.events->inc();
  if (!event->resource_version.empty()) resource_version_ = std::move(event->resource_version);
  if (!health().is_ok()) set_health(Status::ok());
  if (changed) {
    metrics_.objects->set(static_cast<double>(store_.size()));
    changed_(false);
  }
}

void Reflector::on_watch_end(std::uint64_t attempt, const Status& transport, int status_code,
                             const std::string& body) {
  if (!current(attempt)) return;
  {
    std::lock_guard lock(post_mutex_);
    stream_.reset();
  }
  if (!transport.is_ok()) {
    // The connection broke (API server restarting, network): resume the watch after a backoff; if the
    // resourceVersion is gone by then, the server says 410 and we relist.
    const Status why = Status::retryable("watching " + options_.resource + ": " + transport.message());
    set_health(why);
    logger_.warn("Watch failed; resuming after backoff", {{"resource", options_.resource}, {"err", why.message()}});
    after_backoff(next_backoff(), &Reflector::watch);
    return;
  }
  if (status_code == 200) {  // timeoutSeconds reached: resume where it ended
    if (!health().is_ok()) set_health(Status::ok());
    return watch();
  }
  if (status_code == 410) return relist_now("watch expired: " + describe_http_failure(status_code, body));
  relist_after_backoff(
      Status::retryable("watching " + options_.resource + ": " + describe_http_failure(status_code, body)));
}

// ---- recovery ----

void Reflector::cancel_stream() {
  std::shared_ptr<StreamHandle> stream;
  {
    std::lock_guard lock(post_mutex_);
    stream = std::move(stream_);
  }
  if (stream) stream->cancel();
}

void Reflector::after_backoff(std::chrono::milliseconds delay, void (Reflector::*step)()) {
  const std::uint64_t waiting = ++attempt_;  // whatever is in flight is now stale
  backoff_timer_.expires_after(delay);
  backoff_timer_.async_wait([weak = weak_from_this(), waiting, step](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self && self->current(waiting)) ((*self).*step)();
  });
}

void Reflector::relist_after_backoff(Status why) {
  cancel_stream();
  store_.discard_staged();
  metrics_.relists_error->inc();
  const auto delay = next_backoff();
  logger_.warn("Failed to list or watch; relisting after backoff",
               {{"resource", options_.resource}, {"err", why.message()},
                {"backoff", std::to_string(delay.count()) + "ms"}});
  set_health(std::move(why));
  after_backoff(delay, &Reflector::list_from_start);
}

void Reflector::relist_now(std::string_view why) {
  cancel_stream();
  store_.discard_staged();
  metrics_.relists_expired->inc();
  logger_.info_v(1, "Relisting", {{"resource", options_.resource}, {"reason", std::string(why)}});
  list_from_start();
}

}  // namespace mpf::core
