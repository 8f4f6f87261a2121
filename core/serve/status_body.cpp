#include "core/serve/status_body.h"

#include "mpf/sdk/go_strings.h"

namespace mpf::core {

std::string status_body(int code, std::string_view reason, std::string_view message, std::string_view details) {
  // Field order as Go's encoding/json writes metav1.Status, so bodies compare equal to the real ones.
  std::string out = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)";
  go::append_json_string(out, message);
  out += R"(,"reason":)";
  go::append_json_string(out, reason);
  out += R"(,"details":)";
  out += details;
  out += R"(,"code":)";
  out += std::to_string(code);
  out += '}';
  return out;
}

const std::string& not_found_body() {
  static const std::string kBody = status_body(404, "NotFound", "the server could not find the requested resource");
  return kBody;
}

}  // namespace mpf::core
