#include "core/auth/access_control.h"

#include <algorithm>

#include "core/auth/review_codec.h"

namespace mpf::core::auth {
namespace {

constexpr std::size_t kCacheCapacity = 8192;  // the API server's webhook caches hold this many
constexpr std::chrono::milliseconds kReviewTimeout{10000};     // TokenRequestTimeout / ClientTimeout
constexpr std::chrono::milliseconds kLookupTimeout{10000};

Result<ApiServerConnection> connection_for(const std::string& kubeconfig, const std::string& fallback,
                                           const EnvGetter& env, std::string_view purpose) {
  auto connection = resolve_api_connection(kubeconfig.empty() ? fallback : kubeconfig, env);
  if (!connection) {
    return Status::invalid_argument("failed to get delegated " + std::string(purpose) +
                                    " kubeconfig: " + connection.status().message());
  }
  return connection;
}

bool is_privileged(const mpf::RequestUser& user, const std::vector<std::string>& groups) {
  for (const std::string& group : user.groups) {
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) return true;
  }
  return false;
}

}  // namespace

AccessControl::AccessControl(const mpf::DelegatedAuthOptions& options, Logger& logger, SelfMetrics& metrics)
    : options_(options), logger_(logger), metrics_(metrics) {
  const char* authn_help = "Requests by how delegated authentication identified them.";
  authenticated_requestheader_ = metrics.counter("mpf_authentication_requests_total", authn_help, {{"result", "requestheader"}});
  authenticated_x509_ = metrics.counter("mpf_authentication_requests_total", authn_help, {{"result", "x509"}});
  authenticated_token_ = metrics.counter("mpf_authentication_requests_total", authn_help, {{"result", "token"}});
  anonymous_ = metrics.counter("mpf_authentication_requests_total", authn_help, {{"result", "anonymous"}});
  authentication_failed_ = metrics.counter("mpf_authentication_requests_total", authn_help, {{"result", "failed"}});
  const char* authz_help = "Requests by the authorization decision and who took it.";
  allowed_by_group_ = metrics.counter("mpf_authorization_decisions_total", authz_help, {{"decision", "allowed"}, {"by", "group"}});
  allowed_by_path_ = metrics.counter("mpf_authorization_decisions_total", authz_help, {{"decision", "allowed"}, {"by", "path"}});
  allowed_by_webhook_ = metrics.counter("mpf_authorization_decisions_total", authz_help, {{"decision", "allowed"}, {"by", "webhook"}});
  forbidden_ = metrics.counter("mpf_authorization_decisions_total", authz_help, {{"decision", "forbidden"}, {"by", "webhook"}});
  authorization_errors_ = metrics.counter("mpf_authorization_decisions_total", authz_help, {{"decision", "error"}, {"by", "webhook"}});
}

Result<std::unique_ptr<AccessControl>> AccessControl::create(const mpf::DelegatedAuthOptions& options,
                                                              const EnvGetter& env, Logger& logger,
                                                              SelfMetrics& metrics) {
  std::unique_ptr<AccessControl> control(new AccessControl(options, logger, metrics));
  auto fixed = fixed_authentication_parts(options);
  if (!fixed) return fixed.status();
  auto authn_connection = connection_for(options.authentication_kubeconfig, options.fallback_kubeconfig, env, "authentication");
  if (!authn_connection) return authn_connection.status();
  auto authz_connection = connection_for(options.authorization_kubeconfig, options.fallback_kubeconfig, env, "authorization");
  if (!authz_connection) return authz_connection.status();
  for (const auto* connection : {&*authn_connection, &*authz_connection}) {
    for (const std::string& warning : connection->warnings) logger.warn(warning);
  }

  HttpEngineOptions engine_options;
  engine_options.io_threads = 1;
  engine_options.max_idle_connections_per_host = 16;  // reviews come in bursts
  control->engine_ = std::make_shared<HttpEngine>(engine_options);
  if (Status st = control->engine_->start(); !st.is_ok()) return st;
  auto authn_client = control->engine_->make_streaming_client(authn_connection->http);
  if (!authn_client) return Status::invalid_argument("delegated authentication: " + authn_client.status().message());
  auto authz_client = control->engine_->make_streaming_client(authz_connection->http);
  if (!authz_client) return Status::invalid_argument("delegated authorization: " + authz_client.status().message());

  control->settings_ = std::make_unique<AuthenticationSettingsSource>(std::move(*fixed), *authn_client,
                                                                       *authn_connection, logger, metrics);
  if (Status st = control->settings_->start(kLookupTimeout, options.tolerate_lookup_failure); !st.is_ok()) return st;

  auto token_webhook = std::make_shared<const ReviewWebhook>(
      *authn_client, *authn_connection, "tokenreviews.authentication.k8s.io", "/apis/authentication.k8s.io/v1/tokenreviews",
      kReviewTimeout, metrics, "apiserver_delegated_authn_request_total",
      "Number of HTTP requests partitioned by status code.");
  control->tokens_ = std::make_shared<TokenAuthenticator>(token_webhook, options.token_cache_ttl, kCacheCapacity, metrics);
  control->authenticator_ = std::make_unique<RequestAuthenticator>(*control->settings_, control->tokens_);
  auto access_webhook = std::make_shared<const ReviewWebhook>(
      *authz_client, *authz_connection, "subjectaccessreviews.authorization.k8s.io",
      "/apis/authorization.k8s.io/v1/subjectaccessreviews", kReviewTimeout, metrics,
      "apiserver_delegated_authz_request_total", "Number of HTTP requests partitioned by status code.");
  control->authorizer_ = std::make_unique<WebhookAuthorizer>(access_webhook, options.authorized_ttl,
                                                             options.unauthorized_ttl, kCacheCapacity, metrics);
  logger.info("Delegated authentication and authorization",
              {{"authentication", authn_connection->description}, {"authorization", authz_connection->description},
               {"requestheader", control->settings_->current()->request_header ? "on" : "off"},
               {"client-ca", control->settings_->current()->client_ca ? "on" : "off"}});
  return control;
}

AccessControl::~AccessControl() { stop(); }

void AccessControl::stop() {
  if (engine_) engine_->stop();
  if (settings_) settings_->stop();
}

void AccessControl::log_failure(const std::string& error) const {
  std::lock_guard lock(log_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_failure_log_ < std::chrono::seconds(1)) {
    ++failures_not_logged_;
    return;
  }
  last_failure_log_ = now;
  if (failures_not_logged_ > 0) {
    logger_.error("Unable to authenticate the request",
                  {{"err", error}, {"suppressed", std::to_string(failures_not_logged_)}});
  } else {
    logger_.error("Unable to authenticate the request", {{"err", error}});
  }
  failures_not_logged_ = 0;
}

void AccessControl::authenticate(const HeaderList& headers, const PeerCertificates& peer,
                                 std::function<void(AuthenticationResult)> done) const {
  authenticator_->authenticate(headers, peer, [this, done = std::move(done)](AuthenticationResult result) {
    switch (result.outcome) {
      case AuthenticationResult::Outcome::kFailed:
        authentication_failed_->inc();
        log_failure(result.error);
        break;
      case AuthenticationResult::Outcome::kAnonymous:
        anonymous_->inc();
        break;
      case AuthenticationResult::Outcome::kAuthenticated:
        (result.method == "requestheader" ? authenticated_requestheader_
         : result.method == "x509"        ? authenticated_x509_
                                          : authenticated_token_)
            ->inc();
        break;
    }
    done(std::move(result));
  });
}

void AccessControl::strip_identity_headers(HeaderList& headers) const {
  std::erase_if(headers, [this](const auto& header) { return authenticator_->is_identity_header(header.first); });
}

bool AccessControl::always_allowed_path(const RequestAttributes& attributes) const {
  if (attributes.resource_request) return false;
  for (const std::string& pattern : options_.always_allow_paths) {
    if (!pattern.empty() && pattern.back() == '*') {
      if (attributes.path.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0) return true;
    } else if (attributes.path == pattern) {
      return true;
    }
  }
  return false;
}

void AccessControl::authorize(const mpf::RequestUser& user, std::string_view method, std::string_view path,
                              std::string_view query, std::function<void(AuthorizationResult)> done) const {
  if (is_privileged(user, options_.always_allow_groups)) {
    allowed_by_group_->inc();
    done(AuthorizationResult{true, {}});
    return;
  }
  RequestAttributes attributes = request_attributes(method, path, query);
  if (always_allowed_path(attributes)) {
    allowed_by_path_->inc();
    done(AuthorizationResult{true, {}});
    return;
  }
  authorizer_->authorize(user, attributes, [this, user, attributes, path = std::string(path),
                                            done = std::move(done)](Result<AccessVerdict> verdict) {
    if (!verdict) {
      authorization_errors_->inc();
      // responsewriters.InternalError: plain text, as the API server writes it.
      AuthorizationResult result;
      result.refusal = Refusal{500, "text/plain; charset=utf-8",
                               "Internal Server Error: \"" + path + "\": " + verdict.status().message() + "\n"};
      done(std::move(result));
      return;
    }
    if (verdict->allowed) {
      allowed_by_webhook_->inc();
      done(AuthorizationResult{true, {}});
      return;
    }
    forbidden_->inc();
    logger_.info_v(4, "Forbidden", {{"URI", path}, {"reason", verdict->reason}});
    AuthorizationResult result;
    result.refusal = Refusal{403, "application/json", forbidden_body(user, attributes, verdict->reason)};
    done(std::move(result));
  });
}

}  // namespace mpf::core::auth
