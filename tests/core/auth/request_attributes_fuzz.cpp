// Fuzzes RequestInfo resolution: the input is "METHOD\nPATH\nQUERY" (missing parts are empty). Every
// request resolves without crashing, keeps its path as sent, and a resource request always has an API
// prefix and version; its Forbidden message and SubjectAccessReview are written without crashing.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/auth/request_attributes.h"
#include "core/auth/review_codec.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

std::string_view next_line(std::string_view& text) {
  const std::size_t newline = text.find('\n');
  const std::string_view line = text.substr(0, newline);
  text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string_view method = next_line(text);
  const std::string_view path = next_line(text);
  const std::string_view query = text;

  const auto attributes = mpf::core::auth::request_attributes(method, path, query);
  check(attributes.path == path);
  if (attributes.resource_request) {
    check(attributes.api_prefix == "api" || attributes.api_prefix == "apis");
    check(attributes.api_prefix == "apis" || attributes.api_group.empty());
  } else {
    check(attributes.api_prefix.empty() && attributes.resource.empty() && attributes.name.empty());
  }
  mpf::RequestUser user;
  user.name = std::string(method);
  check(!mpf::core::auth::forbidden_message(user, attributes, query).empty());
  check(!mpf::core::auth::subject_access_review_request(user, attributes).empty());
  return 0;
}
