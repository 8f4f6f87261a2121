#pragma once

// Delegated authentication and authorization of one listener, as a Kubernetes aggregated API server
// does them (metrics-server's --authentication-* / --requestheader-* / --authorization-* flags):
//   authenticate (request_authenticator.h): 401 with the Unauthorized Status when credentials were
//   presented and failed; otherwise a user, anonymous at worst;
//   authorize: group system:masters (always-allow groups) and --authorization-always-allow-paths
//   pass; everything else asks SubjectAccessReview (webhook_authorizer.h); not allowed is 403 with the
//   API server's Forbidden Status, a failed review 500.
// It talks to the kube-apiserver on an HTTP engine of its own, so that stopping it (before the serving
// threads stop) completes every pending review.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/auth/authentication_settings_source.h"
#include "core/auth/request_attributes.h"
#include "core/auth/request_authenticator.h"
#include "core/auth/token_authenticator.h"
#include "core/auth/webhook_authorizer.h"
#include "core/discovery/api_connection.h"
#include "core/net/http_engine.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"

namespace mpf::core::auth {

// A refused request's answer.
struct Refusal {
  int status = 0;  // 401, 403 or 500
  std::string content_type;
  std::string body;
};

struct AuthorizationResult {
  bool allowed = false;
  Refusal refusal;  // when not allowed
};

class AccessControl {
 public:
  // Resolves the API server connections (the kubeconfig options, else `fallback_kubeconfig`, else
  // in-cluster), reads the CA files, looks the authentication ConfigMap up (unless skipped) and makes
  // the webhooks. Errors read like the API server's start-up errors ("failed to get delegated
  // authentication kubeconfig: ...").
  static Result<std::unique_ptr<AccessControl>> create(const mpf::DelegatedAuthOptions& options, const EnvGetter& env,
                                                       Logger& logger, SelfMetrics& metrics);
  ~AccessControl();
  AccessControl(const AccessControl&) = delete;
  AccessControl& operator=(const AccessControl&) = delete;

  // Completes every pending review (with an error) and stops talking to the API server. Idempotent.
  void stop();

  // Calls `done` once, possibly before returning, else on an engine thread. Refused requests
  // (kFailed) are logged ("Unable to authenticate the request") and counted.
  void authenticate(const HeaderList& headers, const PeerCertificates& peer,
                    std::function<void(AuthenticationResult)> done) const;
  // Removes the credentials and front-proxy identity headers authentication consumed.
  void strip_identity_headers(HeaderList& headers) const;
  // Calls `done` once, possibly before returning, else on an engine thread.
  void authorize(const mpf::RequestUser& user, std::string_view method, std::string_view path, std::string_view query,
                 std::function<void(AuthorizationResult)> done) const;

  // The authentication settings in force (tests).
  std::shared_ptr<const AuthenticationSettings> settings() const { return settings_->current(); }

 private:
  AccessControl(const mpf::DelegatedAuthOptions& options, Logger& logger, SelfMetrics& metrics);
  bool always_allowed_path(const RequestAttributes& attributes) const;
  void log_failure(const std::string& error) const;

  const mpf::DelegatedAuthOptions options_;
  Logger& logger_;
  SelfMetrics& metrics_;
  std::shared_ptr<HttpEngine> engine_;
  std::unique_ptr<AuthenticationSettingsSource> settings_;
  std::shared_ptr<TokenAuthenticator> tokens_;
  std::unique_ptr<RequestAuthenticator> authenticator_;
  std::unique_ptr<WebhookAuthorizer> authorizer_;  // null without an API server for authorization

  std::shared_ptr<Counter> authenticated_requestheader_, authenticated_x509_, authenticated_token_, anonymous_,
      authentication_failed_;
  std::shared_ptr<Counter> allowed_by_group_, allowed_by_path_, allowed_by_webhook_, forbidden_, authorization_errors_;
  // Failure logs are limited to one a second, so that a client retrying bad credentials cannot flood
  // the log; the counter still counts each.
  mutable std::mutex log_mutex_;
  mutable std::chrono::steady_clock::time_point last_failure_log_{};
  mutable std::uint64_t failures_not_logged_ = 0;
};

}  // namespace mpf::core::auth
