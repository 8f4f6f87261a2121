#pragma once

/// @file
/// meta/v1 Status error bodies (reference §1.8) and the exact messages metrics-server's errors carry.

#include <optional>
#include <string>
#include <string_view>

#include "metrics_api/json_writer.h"

namespace mpf::api::metrics {

/// StatusDetails; empty fields are omitted, and an all-empty one is still written as "details": {}
/// (the apiserver's generic 404 does exactly that).
struct StatusDetails {
  std::string_view name;
  std::string_view group;
  std::string_view kind;
};

/// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":...,"reason":...,
///  "details":{...},"code":N}; message and reason are omitted when empty, details when nullopt.
void write_status(JsonWriter& w, int code, std::string_view reason, std::string_view message,
                  const std::optional<StatusDetails>& details);

/// A ready-to-write error: the HTTP code, reason, message and details of one situation of §1.8.
/// Self-contained (owns its strings; reason/group/kind are literals), so it can be copied freely.
struct StatusError {
  int code = 0;
  std::string_view reason;
  std::string message;
  bool has_details = false;
  std::string details_name;  // as it appears in details: "ns/name" for podmetrics
  std::string_view details_group;
  std::string_view details_kind;
};

void write_status(JsonWriter& w, const StatusError& error);

/// 404 `node "foo" not found`, details {name, kind "node"}: the node is unknown.
StatusError node_not_found(std::string_view name);
/// 404 `nodemetrics.metrics.k8s.io "foo" not found`: the node exists but has no metrics.
StatusError node_metrics_not_found(std::string_view name);
/// 404 `pods "foo" not found`, details {name, kind "pods"}: no such Running pod.
StatusError pod_not_found(std::string_view name);
/// 404 `podmetrics.metrics.k8s.io "ns/foo" not found`: the pod is Running but has no metrics.
StatusError pod_metrics_not_found(std::string_view namespace_name, std::string_view name);
/// 400 `"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"`.
StatusError unknown_field_selector(std::string_view field);
/// 405 `watch is not supported on resources of kind "nodes.metrics.k8s.io"`; resource is "nodes"/"pods".
StatusError watch_not_supported(std::string_view resource);
/// 404 `the server could not find the requested resource`, details {}.
StatusError unknown_path();

/// Appends `text` quoted as Go's %q / strconv.Quote does for the names in these messages: printable
/// ASCII as is, \" \\ \a \b \f \n \r \t \v, other ASCII controls and invalid UTF-8 bytes as \xNN.
/// Valid non-ASCII text is kept as is except C1 controls and U+2028/U+2029 (\u escapes); Go's full
/// unicode.IsPrint table is not reproduced (Kubernetes names are ASCII DNS labels).
void append_go_quoted(std::string& out, std::string_view text);

}  // namespace mpf::api::metrics
