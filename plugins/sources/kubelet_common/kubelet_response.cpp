#include "kubelet_common/kubelet_response.h"

namespace mpf::sources::kubelet {

std::string http_status_text(int code) {
  const char* phrase = "";
  switch (code) {
    case 200: phrase = "OK"; break;
    case 301: phrase = "Moved Permanently"; break;
    case 302: phrase = "Found"; break;
    case 400: phrase = "Bad Request"; break;
    case 401: phrase = "Unauthorized"; break;
    case 403: phrase = "Forbidden"; break;
    case 404: phrase = "Not Found"; break;
    case 405: phrase = "Method Not Allowed"; break;
    case 429: phrase = "Too Many Requests"; break;
    case 500: phrase = "Internal Server Error"; break;
    case 502: phrase = "Bad Gateway"; break;
    case 503: phrase = "Service Unavailable"; break;
    case 504: phrase = "Gateway Timeout"; break;
    default: break;
  }
  std::string text = std::to_string(code);
  if (*phrase != '\0') text += std::string(" ") + phrase;
  return text;
}

ScrapeOutcome classify_response(const Status& transport, FailureReason reason, const HttpResponse& response) {
  if (!transport.is_ok()) {
    return ScrapeOutcome::failure(reason == FailureReason::kNone ? FailureReason::kInternal : reason, transport);
  }
  if (response.status_code == 200) return ScrapeOutcome::success();
  // 5xx and 429 may pass; other statuses (401/403/404) will repeat until someone fixes something.
  bool transient = response.status_code >= 500 || response.status_code == 429;
  std::string message = "request failed, status: \"" + http_status_text(response.status_code) + "\"";
  return ScrapeOutcome::failure(failure_reason_for_status(response.status_code),
                                transient ? Status::retryable(message) : Status::permanent(message));
}

}  // namespace mpf::sources::kubelet
