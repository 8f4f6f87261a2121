// Fuzzes the two review response parsers: any bytes either fail with a permanent, non-empty message
// naming the review, or give an answer whose extra keys are sorted without duplicates. A parsed answer
// then goes back through the writers, which must not crash either. Crashes, sanitizer reports and
// hangs are bugs.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/auth/review_codec.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

template <class T>
void check_failure(const mpf::Result<T>& result, std::string_view prefix) {
  if (result.is_ok()) return;
  check(result.status().code() == mpf::StatusCode::kPermanent);
  check(result.status().message().starts_with(prefix));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto token = mpf::core::auth::parse_token_review_response(text);
  check_failure(token, "TokenReview response: ");
  if (token.is_ok()) {
    const auto& extra = token->user.extra;
    for (std::size_t i = 1; i < extra.size(); ++i) check(extra[i - 1].first < extra[i].first);
    const auto attributes = mpf::core::auth::request_attributes("GET", token->user.name, token->error);
    check(!mpf::core::auth::subject_access_review_request(token->user, attributes).empty());
    check(!mpf::core::auth::forbidden_body(token->user, attributes, token->error).empty());
  }

  auto access = mpf::core::auth::parse_subject_access_review_response(text);
  check_failure(access, "SubjectAccessReview response: ");
  return 0;
}
