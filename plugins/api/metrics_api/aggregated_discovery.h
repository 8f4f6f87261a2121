#pragma once

/// @file
/// Aggregated discovery (apidiscovery.k8s.io APIGroupDiscoveryList) for `GET /apis`, as
/// k8s.io/apiserver's aggregated discovery handler serves it (pkg/endpoints/discovery/aggregated).

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "metrics_api/json_writer.h"

namespace mpf::api::metrics {

enum class AggregatedDiscoveryVersion { kV2, kV2Beta1 };

/// The response Content-Type (writers.go generateMediaTypeWithGVK), e.g.
/// "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList". The apiserver also sends
/// `ETag: "<upper-case hex SHA-512 of the list JSON without kind/apiVersion>"` and `Vary: Accept`, and
/// answers 304 when If-None-Match equals that quoted ETag (etag.go ServeHTTPWithETag).
std::string aggregated_discovery_content_type(AggregatedDiscoveryVersion version);

/// Writes the APIGroupDiscoveryList holding metrics.k8s.io with `versions` in the given order
/// (preferred first). `with_type_meta` = false gives the object the apiserver hashes for its ETag.
void write_aggregated_discovery(JsonWriter& w, AggregatedDiscoveryVersion version,
                                std::span<const std::string_view> versions, bool with_type_meta = true);

/// Reads an Accept header the way the apiserver's negotiation does (ranges ordered by q, then by
/// specificity; the first range a JSON/YAML/protobuf serializer accepts with acceptable parameters
/// wins). Returns the aggregated version when that range asks for
/// g=apidiscovery.k8s.io;v=<v2|v2beta1>;as=APIGroupDiscoveryList, nullopt when the legacy
/// APIGroupList is to be served. `allow_v2beta1` mirrors the AggregatedDiscoveryRemoveBetaType gate:
/// k8s.io/apiserver >= 1.33 (metrics-server on v0.36 libraries) treats v2beta1 ranges as not
/// aggregated. Default: false.
std::optional<AggregatedDiscoveryVersion> wanted_aggregated_discovery(std::string_view accept_header,
                                                                      bool allow_v2beta1 = false);

}  // namespace mpf::api::metrics
