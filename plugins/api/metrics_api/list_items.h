#pragma once

/// @file
/// Which nodes and pods a request sees (reference §3.5): the snapshot's metrics joined with the
/// cluster view's objects, filtered by selectors. The items are views into both snapshots, valid while
/// the caller holds them.

#include <string_view>
#include <vector>

#include "metrics_api/metrics_objects.h"
#include "metrics_api/pod_label_index.h"
#include "metrics_api/request_query.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/label_selector.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::api::metrics {

struct NodeItems {
  std::vector<NodeMetricsItem> items;  // by name
};

struct PodItems {
  std::vector<ContainerItem> containers;  // every item's containers, items hold spans into it
  std::vector<PodMetricsItem> items;      // by namespace, then name
};

/// Swap only when asked for: metrics-server serves cpu and memory alone.
MetricsUsage usage_of(const Usage& usage, bool show_swap);

NodeMetricsItem node_item(const Snapshot& s, const NodeMetrics& node, const ClusterNode& meta, bool show_swap);

/// Appends the pod's containers to `containers`, which the caller reserved for every container so
/// that spans handed out earlier stay valid.
PodMetricsItem pod_item(const Snapshot& s, const PodMetrics& pod, const ClusterPod& meta,
                        std::vector<ContainerItem>& containers, bool show_swap);

/// Nodes with metrics that the cluster view knows, inside `node_selector`, passing `query`'s label and
/// field selectors (none when `query` is null).
void collect_node_items(const Snapshot& s, const ClusterSnapshot& cluster, const LabelSelector& node_selector,
                        const RequestQuery* query, bool show_swap, NodeItems& out);

/// Pods with metrics that the cluster view lists as Running, in `namespace_name` ("" for all),
/// passing `query`'s selectors (none when `query` is null). With `index` (of `cluster`), a namespaced
/// query with an equality requirement reads only that requirement's pods; the items are the same.
void collect_pod_items(const Snapshot& s, const ClusterSnapshot& cluster, std::string_view namespace_name,
                       const RequestQuery* query, bool show_swap, PodItems& out,
                       const PodLabelIndex* index = nullptr);

const NodeMetrics* find_node_metrics(const Snapshot& s, std::string_view name);
const PodMetrics* find_pod_metrics(const Snapshot& s, std::string_view namespace_name, std::string_view name);

}  // namespace mpf::api::metrics
