#include "core/auth/webhook_authorizer.h"

#include "core/auth/review_codec.h"

namespace mpf::core::auth {

WebhookAuthorizer::WebhookAuthorizer(std::shared_ptr<const ReviewWebhook> webhook,
                                     std::chrono::nanoseconds authorized_ttl, std::chrono::nanoseconds unauthorized_ttl,
                                     std::size_t capacity, SelfMetrics& metrics)
    : webhook_(std::move(webhook)),
      authorized_ttl_(authorized_ttl),
      unauthorized_ttl_(unauthorized_ttl),
      cache_(capacity),
      hits_(metrics.counter("mpf_auth_cache_lookups_total", "Lookups in the caches of the review webhooks.",
                            {{"cache", "subjectaccessreview"}, {"result", "hit"}})),
      misses_(metrics.counter("mpf_auth_cache_lookups_total", "Lookups in the caches of the review webhooks.",
                              {{"cache", "subjectaccessreview"}, {"result", "miss"}})) {}

void WebhookAuthorizer::authorize(const mpf::RequestUser& user, const RequestAttributes& attributes, Done done) {
  std::string review = subject_access_review_request(user, attributes);
  if (auto cached = cache_.get(review, std::chrono::steady_clock::now())) {
    hits_->inc();
    done(std::move(*cached));
    return;
  }
  misses_->inc();
  std::string key = review;
  webhook_->post(std::move(review), [this, key = std::move(key), done = std::move(done)](Result<std::string> body) {
    if (!body) {
      done(body.status());
      return;
    }
    auto answer = parse_subject_access_review_response(*body);
    if (!answer) {
      done(answer.status());
      return;
    }
    if (answer->allowed && answer->denied) {  // as the API server's webhook authorizer: an error, not cached
      done(Status::permanent("webhook subject access review returned both allow and deny response"));
      return;
    }
    AccessVerdict verdict{answer->allowed, answer->denied, std::move(answer->reason)};
    const auto ttl = verdict.allowed ? authorized_ttl_ : unauthorized_ttl_;
    if (ttl.count() > 0) {
      cache_.put(key, verdict,
                 std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(ttl));
    }
    done(std::move(verdict));
  });
}

}  // namespace mpf::core::auth
