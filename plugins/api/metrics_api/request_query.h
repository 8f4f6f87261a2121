#pragma once

/// @file
/// What a Metrics API request asks for beyond its path: the query parameters metrics-server honours
/// (reference §1.4) and the response encoding it negotiated (§1.5). Pure parsing, no I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics_api/status_document.h"
#include "metrics_api/table_document.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/label_selector.h"

namespace mpf::api::metrics {

/// One term of a fieldSelector, e.g. metadata.name!=foo. Only metadata.name and metadata.namespace
/// are known fields, as in metrics-server (default field-label conversion).
struct FieldRequirement {
  std::string field;
  std::string value;
  bool equals = true;  // false for "!="
};

struct RequestQuery {
  LabelSelector labels;
  std::vector<FieldRequirement> fields;
  bool watch = false;
  /// ?pretty=true, or a User-Agent the apiserver pretty-prints for (curl, Wget, browsers).
  bool pretty = false;
  /// ?includeObject= as given ("" when absent). Checked only when a Table is written, as the
  /// apiserver does: see parse_include_object.
  std::string include_object;

  /// Whether an object with this name and namespace ("" for nodes, whose field set has no namespace)
  /// passes every field requirement.
  bool fields_match(std::string_view name, std::string_view namespace_name) const;
};

/// Parses the request's query and User-Agent. On a bad labelSelector or fieldSelector returns the 400
/// the apiserver gives. limit, continue, resourceVersion and the rest are accepted and ignored.
std::optional<StatusError> parse_request_query(const ServerRequest& request, RequestQuery& out);

/// The representations the sink serves: the objects as JSON or protobuf, or a meta.k8s.io Table of
/// them (JSON only, as Table has no protobuf form).
enum class ResponseShape { kJson, kTableV1, kTableV1beta1, kProtobuf };

/// The apiserver's output negotiation (§1.5): the Accept clauses ordered as goautoneg orders them (by
/// q, then specific types before wildcards, otherwise as written), and the first one that names a
/// representation we serve wins: application/json, application/* or */* with no "as" parameter for the
/// object, as=Table;g=meta.k8s.io;v=v1|v1beta1 for a Table, application/vnd.kubernetes.protobuf
/// (without "as") for protobuf when `protobuf` is true (the resources; discovery is served as JSON).
/// kubectl top sends "application/vnd.kubernetes.protobuf, */*"; kubectl get sends
/// "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json".
/// An empty header is JSON; nothing acceptable is nullopt (406).
std::optional<ResponseShape> negotiate_response(std::string_view accept, bool protobuf = false);

/// includeObject for a Table: "" and "Metadata" are kMetadata, "None" and "Object" as named; any other
/// value is the apiserver's 400 `unrecognized includeObject value: "<v>"`.
std::optional<IncludeObject> parse_include_object(std::string_view value, StatusError& error);

/// Whether the Accept header allows plain JSON: empty, application/json, application/*, */*, or a
/// list holding one of them (kubectl top sends "application/vnd.kubernetes.protobuf, */*"). Media
/// ranges asking for another shape (as=Table, as=PartialObjectMetadata) do not count.
bool accepts_json(std::string_view accept);

/// 406 NotAcceptable, as the apiserver answers an Accept it cannot serve; the message lists the media
/// types we serve (the apiserver also lists application/yaml, which we do not serve).
StatusError not_acceptable();

/// The query value's percent-decoding ('+' is a space), as Go's url.ParseQuery does; malformed
/// escapes are kept as written.
std::string query_unescape(std::string_view text);

}  // namespace mpf::api::metrics
