// Fuzzes what the Metrics API parses from a request before answering it: the Accept header (object,
// Table and protobuf negotiation, aggregated discovery), Accept-Encoding, and the query string
// (labelSelector, fieldSelector, watch, pretty, includeObject). Any bytes give an answer or a Status
// error, never a crash, and the answers stay consistent with each other.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics_api/aggregated_discovery.h"
#include "metrics_api/request_query.h"
#include "mpf/sdk/http_server.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using mpf::api::metrics::ResponseShape;

  const auto without_protobuf = mpf::api::metrics::negotiate_response(text, false);
  const auto with_protobuf = mpf::api::metrics::negotiate_response(text, true);
  check(without_protobuf != ResponseShape::kProtobuf);
  // Allowing protobuf only ever changes the answer to protobuf.
  check(with_protobuf == without_protobuf || with_protobuf == ResponseShape::kProtobuf);
  check(mpf::api::metrics::accepts_json(text) == (without_protobuf == ResponseShape::kJson));
  (void)mpf::api::metrics::wanted_aggregated_discovery(text, true);
  if (mpf::api::metrics::wanted_aggregated_discovery(text, false)) {
    check(mpf::api::metrics::wanted_aggregated_discovery(text, true).has_value());
  }

  mpf::ServerRequest request;
  request.method = "GET";
  request.path = "/apis/metrics.k8s.io/v1beta1/pods";
  request.query = text;
  request.headers.emplace_back("Accept-Encoding", text);
  request.headers.emplace_back("User-Agent", text);
  (void)mpf::accepts_gzip(request);
  mpf::api::metrics::RequestQuery query;
  if (auto error = mpf::api::metrics::parse_request_query(request, query)) {
    check(error->code == 400 && !error->message.empty());
  } else {
    (void)query.fields_match("name", "namespace");
    const std::vector<std::pair<std::string, std::string>> labels = {{"app", "web"}, {"tier", "x"}};
    (void)query.labels.matches(labels);
  }
  return 0;
}
