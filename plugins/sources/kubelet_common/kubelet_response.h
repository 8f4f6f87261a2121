#pragma once

#include <string>

#include "mpf/sdk/http_client.h"
#include "mpf/sdk/source.h"

namespace mpf::sources::kubelet {

/// Turns a transport failure or a non-200 answer into a classified outcome, with metrics-server's
/// messages (`request failed, status: "403 Forbidden"`). Returns success for a 200 response: the body
/// is then the caller's to decode.
ScrapeOutcome classify_response(const Status& transport, FailureReason reason, const HttpResponse& response);

/// "403 Forbidden", "500 Internal Server Error", ... (Go's http.Response.Status form).
std::string http_status_text(int status_code);

}  // namespace mpf::sources::kubelet
