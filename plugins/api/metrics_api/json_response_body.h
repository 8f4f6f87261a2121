#pragma once

/// @file
/// The apiserver's framing of a JSON body: json.Encoder ends a compact body with "\n", MarshalIndent
/// (pretty output) adds nothing. Shared by every JSON answer of this plugin.

#include "metrics_api/json_writer.h"
#include "mpf/sdk/http_server.h"

namespace mpf::api::metrics {

/// Writes into `response.body` through writer(); the framing newline is added when it goes out of scope.
class JsonResponseBody {
 public:
  JsonResponseBody(ServerResponse& response, bool pretty)
      : response_(response), writer_(response.body, pretty ? JsonStyle::kPretty : JsonStyle::kCompact) {}
  ~JsonResponseBody() {
    if (writer_.style() == JsonStyle::kCompact) response_.body += '\n';
  }
  JsonResponseBody(const JsonResponseBody&) = delete;
  JsonResponseBody& operator=(const JsonResponseBody&) = delete;

  JsonWriter& writer() { return writer_; }

 private:
  ServerResponse& response_;
  JsonWriter writer_;
};

}  // namespace mpf::api::metrics
