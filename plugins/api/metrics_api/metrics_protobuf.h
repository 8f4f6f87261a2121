#pragma once

/// @file
/// NodeMetrics / PodMetrics (and their lists) and meta/v1 Status in the Kubernetes protobuf encoding
/// (`Accept: application/vnd.kubernetes.protobuf`), byte for byte as kube-apiserver / metrics-server
/// send them: the 4-byte magic "k8s\0" followed by a runtime.Unknown whose raw field holds the object
/// as gogo-protobuf marshals it. Pure functions, no I/O; the same inputs as the JSON writers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics_api/metrics_objects.h"
#include "metrics_api/status_document.h"

namespace mpf::api::metrics {

inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";

/// Where each metadata.creationTimestamp `seconds` varint starts, as indices into the output string
/// (including whatever it held before the call). Lets a caller render a large list once and move the
/// request time forward per request with patch_now_seconds() instead of re-encoding.
struct NowSlots {
  std::vector<std::size_t> seconds_offsets;
};

/// A whole protobuf response body for one NodeMetrics, appended to `out`. `now_ns` is the request
/// time (metadata.creationTimestamp, whole seconds); `api_version` is kApiVersionV1beta1 or
/// kApiVersionV1 (the envelope's TypeMeta.apiVersion; the object bytes do not depend on it).
/// `slots`, when non-null, receives the creationTimestamp offset.
void append_node_metrics_pb(std::string& out, const NodeMetricsItem& node, std::int64_t now_ns,
                            std::string_view api_version, NowSlots* slots = nullptr);

/// As append_node_metrics_pb, for one PodMetrics (metadata.namespace set, containers in order).
void append_pod_metrics_pb(std::string& out, const PodMetricsItem& pod, std::int64_t now_ns,
                           std::string_view api_version, NowSlots* slots = nullptr);

/// NodeMetricsList: an empty ListMeta, then the items in the given order (the caller sorts).
void append_node_metrics_list_pb(std::string& out, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                                 std::string_view api_version, NowSlots* slots = nullptr);

/// PodMetricsList: as append_node_metrics_list_pb.
void append_pod_metrics_list_pb(std::string& out, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                                std::string_view api_version, NowSlots* slots = nullptr);

/// meta/v1 Status (envelope apiVersion "v1", kind "Status"): empty ListMeta, status "Failure",
/// message, reason, details (only when set), code. Unlike JSON, empty strings are still written.
void append_status_pb(std::string& out, int code, std::string_view reason, std::string_view message,
                      const std::optional<StatusDetails>& details);
void append_status_pb(std::string& out, const StatusError& error);

/// Overwrites, at each offset of `slots`, the 5-byte creationTimestamp seconds varint with
/// `now_seconds`. Every Unix time from 1978 (2^28 s) to 3058 (2^35 - 1 s) is exactly 5 varint bytes,
/// so the body keeps its size. Returns false and changes nothing when `now_seconds` is outside that
/// range or a slot does not hold a 5-byte varint inside `body` (e.g. rendered with another time).
bool patch_now_seconds(std::span<char> body, std::span<const std::size_t> slots, std::int64_t now_seconds);

}  // namespace mpf::api::metrics
