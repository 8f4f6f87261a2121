#pragma once

// SubjectAccessReview against the kube-apiserver, with allowed answers cached for
// --authorization-webhook-cache-authorized-ttl and the others for ...-unauthorized-ttl, keyed by the
// review's JSON as the API server's webhook authorizer does. Failed calls are not cached.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/auth/request_attributes.h"
#include "core/auth/review_webhook.h"
#include "core/auth/ttl_cache.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/self_metrics.h"

namespace mpf::core::auth {

struct AccessVerdict {
  bool allowed = false;
  bool denied = false;  // an explicit deny (otherwise "no opinion")
  std::string reason;
};

class WebhookAuthorizer {
 public:
  using Done = std::function<void(Result<AccessVerdict>)>;

  WebhookAuthorizer(std::shared_ptr<const ReviewWebhook> webhook, std::chrono::nanoseconds authorized_ttl,
                    std::chrono::nanoseconds unauthorized_ttl, std::size_t capacity, SelfMetrics& metrics);

  // Calls `done` once: at once on a cache hit, else from the webhook's completion.
  void authorize(const mpf::RequestUser& user, const RequestAttributes& attributes, Done done);

  std::uint64_t cache_evictions() const { return cache_.evictions(); }

 private:
  std::shared_ptr<const ReviewWebhook> webhook_;
  std::chrono::nanoseconds authorized_ttl_, unauthorized_ttl_;
  TtlCache<AccessVerdict> cache_;
  std::shared_ptr<Counter> hits_, misses_;
};

}  // namespace mpf::core::auth
