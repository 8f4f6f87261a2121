#include "core/serve/serving_service.h"

#include <iterator>

#include "core/serve/https_listener.h"
#include "core/serve/serving_certificate.h"

namespace mpf::core {
namespace {

class ListenerHandle final : public mpf::ServingHandle {
 public:
  explicit ListenerHandle(std::uint16_t port) : port_(port) {}
  std::uint16_t port() const noexcept override { return port_; }

 private:
  std::uint16_t port_;
};

// Names the first option in which two serve() calls for one listener differ; empty when none does.
std::string first_difference(const mpf::ServingOptions& a, const mpf::ServingOptions& b) {
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  if (a.cert_file != b.cert_file) return "tls-cert-file " + quoted(a.cert_file) + " vs " + quoted(b.cert_file);
  if (a.key_file != b.key_file) return "tls-private-key-file " + quoted(a.key_file) + " vs " + quoted(b.key_file);
  if (a.cert_file.empty() && a.cert_dir != b.cert_dir) return "cert-dir " + quoted(a.cert_dir) + " vs " + quoted(b.cert_dir);
  if (a.min_tls_version != b.min_tls_version) return "tls-min-version " + a.min_tls_version + " vs " + b.min_tls_version;
  if (a.max_in_flight != b.max_in_flight) {
    return "max-requests-inflight " + std::to_string(a.max_in_flight) + " vs " + std::to_string(b.max_in_flight);
  }
  if (a.cipher_suites != b.cipher_suites) return "tls-cipher-suites";
  if (a.curve_preferences != b.curve_preferences) return "tls-curve-preferences";
  if (a.request_timeout != b.request_timeout) return "request-timeout";
  if (a.auth != b.auth) return "authentication and authorization options";
  return {};
}

}  // namespace

ServingService::ServingService(ServingServiceOptions options, std::shared_ptr<mpf::Logger> log)
    : options_(std::move(options)), log_(std::move(log)), io_(std::make_unique<boost::asio::io_context>()) {}

ServingService::~ServingService() { stop(); }

ServingService::Key ServingService::key_of(const std::string& bind_address, std::uint16_t port) {
  // "::" and "0.0.0.0" are one listener: both mean every address of every family.
  const bool any = bind_address.empty() || bind_address == "::" || bind_address == "0.0.0.0";
  return Key{any ? std::string("0.0.0.0") : bind_address, port};
}

Result<std::shared_ptr<mpf::ServingHandle>> ServingService::serve(const mpf::ServingOptions& options,
                                                                  std::vector<mpf::Route> routes) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (stopped_) return Status::retryable("the HTTPS server is shutting down");
    // Port 0 asks for a fresh port, so it never joins an existing listener.
    if (options.port > 0 && options.port <= 65535) {
      auto found = listeners_.find(key_of(options.bind_address, static_cast<std::uint16_t>(options.port)));
      if (found != listeners_.end()) {
        HttpsListener& listener = *found->second;
        if (std::string diff = first_difference(listener.options(), options); !diff.empty()) {
          return Status::invalid_argument("serving on " + listener.address() +
                                          " with options different from those it is already served with (" + diff + ")");
        }
        if (Status st = listener.add_routes(std::move(routes)); !st.is_ok()) return st;
        return std::shared_ptr<mpf::ServingHandle>(std::make_shared<ListenerHandle>(listener.port()));
      }
    }

    auto certificate = ServingCertificate::open(options, *log_, options_.certificate_recheck_interval);
    if (!certificate) return certificate.status();
    std::shared_ptr<auth::AccessControl> access;
    if (options.auth.enabled) {
      if (!options_.make_access_control) {
        return Status::invalid_argument("delegated authentication is not available in this host");
      }
      auto made = options_.make_access_control(options.auth);
      if (!made) return made.status();
      access = std::move(*made);
    }
    auto listener = std::make_shared<HttpsListener>(*io_, options, std::move(certificate).value(), options_.limits,
                                                    counters_, std::move(access));
    // Routes first: a bad route must not leave a port bound. The host's come first and in the same
    // call, so a caller's route cannot shadow them.
    std::vector<mpf::Route> all_routes = options_.host_routes;
    all_routes.insert(all_routes.end(), std::make_move_iterator(routes.begin()), std::make_move_iterator(routes.end()));
    if (Status st = listener->add_routes(std::move(all_routes)); !st.is_ok()) return st;
    if (Status st = listener->listen(); !st.is_ok()) {
      listener->close();
      return st;
    }
    listeners_.emplace(key_of(options.bind_address, listener->port()), listener);
    if (threads_.empty()) {
      work_ = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_->get_executor());
      for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.io_threads); ++i) {
        threads_.emplace_back([io = io_.get()] { io->run(); });
      }
    }
    return std::shared_ptr<mpf::ServingHandle>(std::make_shared<ListenerHandle>(listener->port()));
  } catch (const std::exception& e) {  // allocation or thread creation
    return Status::permanent(std::string("serving HTTPS: ") + e.what());
  }
}

void ServingService::stop() noexcept {
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  stopped_ = true;
  // Pending reviews complete first, into sessions that can still be resumed.
  for (auto& [key, listener] : listeners_) listener->stop_access_control();
  io_->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  work_.reset();
  // Acceptors go before the io_context they were made on; the io_context's end then destroys every
  // suspended session, closing its connection.
  for (auto& [key, listener] : listeners_) listener->close();
  io_.reset();
}

ServingStats ServingService::stats() const noexcept {
  ServingStats stats;
  const ServingCounters& c = *counters_;
  stats.connections = c.connections.load();
  stats.tls_handshake_failures = c.tls_handshake_failures.load();
  stats.requests = c.requests.load();
  for (std::size_t i = 0; i < stats.responses.size(); ++i) stats.responses[i] = c.responses[i].load();
  stats.handler_exceptions = c.handler_exceptions.load();
  stats.too_many_requests = c.too_many_requests.load();
  stats.malformed_requests = c.malformed_requests.load();
  stats.compressed_responses = c.compressed_responses.load();
  std::lock_guard lock(mutex_);
  stats.listeners = listeners_.size();
  for (const auto& [key, listener] : listeners_) {
    stats.certificate_reloads += listener->certificate().reloads();
    stats.certificate_reload_failures += listener->certificate().reload_failures();
  }
  return stats;
}

}  // namespace mpf::core
