#include "core/auth/token_authenticator.h"

#include <openssl/evp.h>

#include "core/auth/review_codec.h"

namespace mpf::core::auth {
namespace {

std::string digest(const std::string& token) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), out, &length, EVP_sha256(), nullptr) != 1) return token;
  return std::string(reinterpret_cast<const char*>(out), length);
}

}  // namespace

TokenAuthenticator::TokenAuthenticator(std::shared_ptr<const ReviewWebhook> webhook, std::chrono::nanoseconds ttl,
                                       std::size_t capacity, SelfMetrics& metrics)
    : webhook_(std::move(webhook)),
      ttl_(ttl),
      cache_(capacity),
      hits_(metrics.counter("mpf_auth_cache_lookups_total", "Lookups in the caches of the review webhooks.",
                            {{"cache", "token"}, {"result", "hit"}})),
      misses_(metrics.counter("mpf_auth_cache_lookups_total", "Lookups in the caches of the review webhooks.",
                              {{"cache", "token"}, {"result", "miss"}})) {}

void TokenAuthenticator::authenticate(const std::string& token, Done done) {
  std::string key = digest(token);
  const auto now = std::chrono::steady_clock::now();
  if (ttl_.count() > 0) {
    if (auto cached = cache_.get(key, now)) {
      hits_->inc();
      done(std::move(*cached));
      return;
    }
  }
  misses_->inc();
  webhook_->post(token_review_request(token, {}),
                 [this, key = std::move(key), done = std::move(done)](Result<std::string> body) {
                   if (!body) {
                     done(body.status());
                     return;
                   }
                   auto answer = parse_token_review_response(*body);
                   if (!answer) {
                     done(answer.status());
                     return;
                   }
                   TokenVerdict verdict;
                   verdict.authenticated = answer->authenticated;
                   verdict.user = std::move(answer->user);
                   verdict.error = answer->authenticated ? std::string()
                                   : answer->error.empty() ? std::string("invalid bearer token")
                                                           : answer->error;
                   if (ttl_.count() > 0) {
                     cache_.put(key, verdict,
                                std::chrono::steady_clock::now() +
                                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(ttl_));
                   }
                   done(std::move(verdict));
                 });
}

}  // namespace mpf::core::auth
