#pragma once

// The authentication settings in force: the fixed parts from the flags, completed from ConfigMap
// kube-system/extension-apiserver-authentication, which is listed and watched so that a rotated
// front-proxy or client CA applies to the next request.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "core/auth/authentication_settings.h"
#include "core/discovery/api_connection.h"
#include "core/discovery/reflector.h"
#include "core/discovery/resource_store.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"

namespace mpf::core::auth {

// Keeps AuthenticationSettings current: fixed parts, plus the ConfigMap's when looking up, watched on a
// thread of its own with the cluster view's reflector (list, then watch, relist on expiry).
class AuthenticationSettingsSource {
 public:
  // `client` and `connection` reach the kube-apiserver; unused when nothing is looked up.
  AuthenticationSettingsSource(FixedAuthenticationParts fixed, std::shared_ptr<StreamingHttpClient> client,
                               ApiServerConnection connection, Logger& logger, SelfMetrics& metrics);
  ~AuthenticationSettingsSource();

  // Starts the watch when something is looked up, and waits up to `timeout` for the first list. A
  // failed lookup is an error (the API server's "unable to load configmap based
  // request-header-client-ca-file: ..."), unless `tolerate_failure`, when it logs the API server's
  // warnings and goes on with the fixed parts (requests may then be anonymous) while the watch keeps
  // retrying.
  Status start(std::chrono::milliseconds timeout, bool tolerate_failure);
  void stop();

  // The settings now; never null after start().
  std::shared_ptr<const AuthenticationSettings> current() const noexcept { return current_.load(); }

 private:
  void on_change();  // io thread

  const FixedAuthenticationParts fixed_;
  const std::shared_ptr<StreamingHttpClient> client_;
  const ApiServerConnection connection_;
  Logger& logger_;
  SelfMetrics& metrics_;
  std::atomic<std::shared_ptr<const AuthenticationSettings>> current_;

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  TypedStore<ConfigMapData> store_;
  std::shared_ptr<Reflector> reflector_;
  std::atomic<bool> listed_{false};
  std::string last_error_;  // io thread: the last ConfigMap problem logged, to log each once
};

}  // namespace mpf::core::auth
