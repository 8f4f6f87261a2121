#pragma once

// Bearer tokens checked by TokenReview against the kube-apiserver, with the answers cached for
// --authentication-token-webhook-cache-ttl (both "authenticated" and "not authenticated", as the API
// server's cached token authenticator does; failed calls are not cached). Cache keys are SHA-256
// digests, so the cache holds no token.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/auth/review_webhook.h"
#include "core/auth/ttl_cache.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/self_metrics.h"

namespace mpf::core::auth {

struct TokenVerdict {
  bool authenticated = false;
  mpf::RequestUser user;
  std::string error;  // not authenticated: status.error, or "invalid bearer token"
};

class TokenAuthenticator {
 public:
  using Done = std::function<void(Result<TokenVerdict>)>;

  TokenAuthenticator(std::shared_ptr<const ReviewWebhook> webhook, std::chrono::nanoseconds ttl, std::size_t capacity,
                     SelfMetrics& metrics);

  // Calls `done` once: at once on a cache hit, else from the webhook's completion.
  void authenticate(const std::string& token, Done done);

  std::uint64_t cache_evictions() const { return cache_.evictions(); }

 private:
  std::shared_ptr<const ReviewWebhook> webhook_;
  std::chrono::nanoseconds ttl_;
  TtlCache<TokenVerdict> cache_;
  std::shared_ptr<Counter> hits_, misses_;
};

}  // namespace mpf::core::auth
