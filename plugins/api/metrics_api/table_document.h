#pragma once

/// @file
/// The meta.k8s.io Table metrics-server returns for `kubectl get nodemetrics` / `get podmetrics`
/// (reference §1.7): its TableConvertor (pkg/api/table.go) followed by the apiserver's includeObject
/// handling, written field for field as the apiserver's JSON.

#include <cstdint>
#include <span>
#include <string_view>

#include "metrics_api/json_writer.h"
#include "metrics_api/metrics_objects.h"

namespace mpf::api::metrics {

inline constexpr std::string_view kTableApiVersionV1 = "meta.k8s.io/v1";
inline constexpr std::string_view kTableApiVersionV1beta1 = "meta.k8s.io/v1beta1";

/// What each row's "object" holds (?includeObject=).
enum class IncludeObject {
  kNone,      // "object": null
  kMetadata,  // the default: a PartialObjectMetadata {kind, apiVersion, metadata}
  kObject,    // the whole NodeMetrics / PodMetrics with its kind and apiVersion
};

struct TableOptions {
  /// kTableApiVersionV1 or kTableApiVersionV1beta1, as negotiated; PartialObjectMetadata rows carry
  /// the same group version.
  std::string_view table_api_version = kTableApiVersionV1;
  IncludeObject include_object = IncludeObject::kMetadata;
  /// The metrics.k8s.io version of the request, for includeObject=Object.
  std::string_view object_api_version = kApiVersionV1beta1;
};

/// Columns: Name, the resources of the first item's usage in sorted order (cpu, memory, swap), Window.
/// Rows: [name, one quantity per resource column, window]. An empty list has
/// "columnDefinitions": null and "rows": null, as metrics-server's zero Table.
void write_node_metrics_table(JsonWriter& w, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                              const TableOptions& options);

/// As write_node_metrics_table; a pod's cells are the sums of its containers' usages. metrics-server
/// takes the resource columns from the first pod whose containers report any usage: pods before it
/// (with zero containers) get rows of just [name, window], and if no pod has a container the table has
/// no resource columns at all.
void write_pod_metrics_table(JsonWriter& w, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                             const TableOptions& options);

}  // namespace mpf::api::metrics
