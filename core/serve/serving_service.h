#pragma once

#include <chrono>
#include <functional>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "core/auth/access_control.h"
#include "core/serve/serving_limits.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

class HttpsListener;

struct ServingServiceOptions {
  std::size_t io_threads = 2;  // Default: 2. Handlers run on these, so a slow one holds one of them.
  ServingLimits limits;
  // How often a new connection may stat() the certificate files for a reload.
  std::chrono::steady_clock::duration certificate_recheck_interval = std::chrono::seconds(1);  // Default: 1s.
  // Routes of the host itself (e.g. metrics_server_host_routes()), added to every listener when it is
  // created, so a serve() route with one of their prefixes is refused as already served. Default: none.
  std::vector<mpf::Route> host_routes;
  // Makes the access control of a listener served with auth.enabled (the runtime passes one with the
  // process environment, its logger and self-metrics). Unset: such a serve() call fails.
  std::function<Result<std::unique_ptr<auth::AccessControl>>(const mpf::DelegatedAuthOptions&)> make_access_control;
};

// The host's HTTPS server (PluginContext::serve): one listener per bind address and port, all on one
// io_context whose threads start with the first listener. Lifecycle: construct, serve() any number of
// times, stop() (or destroy). stop() closes every listener and connection at once, without draining:
// it runs after the scheduler, when nothing worth serving is left. Thread-safe; stop() must not be
// called from a handler.
class ServingService {
 public:
  // `log` receives certificate events (generation, reloads, broken pairs).
  ServingService(ServingServiceOptions options, std::shared_ptr<mpf::Logger> log);
  ~ServingService();  // stops
  ServingService(const ServingService&) = delete;
  ServingService& operator=(const ServingService&) = delete;

  // See PluginContext::serve. Fails after stop().
  Result<std::shared_ptr<mpf::ServingHandle>> serve(const mpf::ServingOptions& options,
                                                    std::vector<mpf::Route> routes) noexcept;
  // Idempotent. Waits for handlers running now to return.
  void stop() noexcept;

  ServingStats stats() const noexcept;

 private:
  using Key = std::pair<std::string, std::uint16_t>;  // normalised bind address, bound port
  static Key key_of(const std::string& bind_address, std::uint16_t port);

  const ServingServiceOptions options_;
  const std::shared_ptr<mpf::Logger> log_;
  const std::shared_ptr<ServingCounters> counters_ = std::make_shared<ServingCounters>();

  mutable std::mutex mutex_;
  bool stopped_ = false;                                      // guarded by mutex_
  std::unique_ptr<boost::asio::io_context> io_;               // guarded by mutex_; reset by stop()
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;                          // guarded by mutex_; empty until the first listener
  std::map<Key, std::shared_ptr<HttpsListener>> listeners_;   // guarded by mutex_
};

}  // namespace mpf::core
