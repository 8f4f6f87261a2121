// Fuzzes what the authentication ConfigMap watch decodes: list pages, watch events and single objects,
// then the settings merged from a decoded ConfigMap (PEM bundles and JSON header lists). Any bytes
// either fail with a permanent, non-empty message or decode; crashes, sanitizer reports and hangs are
// bugs.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/auth/authentication_configmap.h"
#include "core/auth/authentication_settings.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

template <class T>
void check_failure(const mpf::Result<T>& result) {
  if (result.is_ok()) return;
  check(result.status().code() == mpf::StatusCode::kPermanent);
  check(!result.status().message().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mpf::core::auth;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = decode_configmap_list(text);
  check_failure(list);
  auto event = decode_configmap_event(text);
  check_failure(event);
  auto object = decode_configmap(text);
  check_failure(object);
  if (object.is_ok()) {
    FixedAuthenticationParts lookup_all;
    lookup_all.lookup_client_ca = lookup_all.lookup_request_header = true;
    auto merged = merge_authentication_settings(lookup_all, &*object);
    if (merged.is_ok() && merged->request_header) check(merged->request_header->ca != nullptr);
  }
  return 0;
}
