#include "metrics_api/api_handler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "metrics_api/aggregated_discovery.h"
#include "metrics_api/api_documents.h"
#include "metrics_api/json_response_body.h"
#include "metrics_api/json_writer.h"
#include "metrics_api/list_items.h"
#include "metrics_api/metrics_objects.h"
#include "metrics_api/metrics_protobuf.h"
#include "metrics_api/request_query.h"
#include "metrics_api/status_document.h"
#include "metrics_api/table_document.h"

namespace mpf::api::metrics {
namespace {

constexpr std::string_view kV1beta1 = "v1beta1";
constexpr std::string_view kV1 = "v1";

// The route a path names, with the names it carries.
struct Route {
  enum Kind { kUnknown, kGroupList, kGroup, kResourceList, kNodeList, kNodeGet, kPodList, kPodGet };
  Kind kind = kUnknown;
  std::string_view version;
  std::string_view namespace_name;  // pods: "" lists every namespace
  std::string_view name;
};

Route resolve(std::string_view path) {
  if (path == "/apis") return {Route::kGroupList, {}, {}, {}};
  if (!path.starts_with("/apis/")) return {};
  std::vector<std::string_view> s;
  for (std::string_view rest = path.substr(6);;) {
    std::size_t slash = rest.find('/');
    s.push_back(rest.substr(0, slash));
    if (s.back().empty()) return {};  // "//" and trailing slashes name nothing
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (s[0] != kGroupName) return {};
  if (s.size() == 1) return {Route::kGroup, {}, {}, {}};
  Route r{Route::kUnknown, s[1], {}, {}};
  if (r.version != kV1beta1 && r.version != kV1) return {};
  if (s.size() == 2) r.kind = Route::kResourceList;
  else if (s.size() == 3 && s[2] == "nodes") r.kind = Route::kNodeList;
  else if (s.size() == 4 && s[2] == "nodes") r.kind = Route::kNodeGet, r.name = s[3];
  else if (s.size() == 3 && s[2] == "pods") r.kind = Route::kPodList;
  else if (s.size() == 5 && s[2] == "namespaces" && s[4] == "pods") r.kind = Route::kPodList, r.namespace_name = s[3];
  else if (s.size() == 6 && s[2] == "namespaces" && s[4] == "pods")
    r.kind = Route::kPodGet, r.namespace_name = s[3], r.name = s[5];
  return r;
}

using Body = JsonResponseBody;

// An error in the negotiated encoding: protobuf for a client that asked for it, JSON otherwise
// (Tables included: a Status is not a Table).
void fail(ServerResponse& response, const StatusError& error, bool pretty, bool protobuf = false) {
  response.status = error.code;
  response.body.clear();
  response.shared_body.reset();
  response.headers.clear();
  if (protobuf) {
    response.content_type = std::string(kProtobufContentType);
    append_status_pb(response.body, error);
    return;
  }
  response.content_type = "application/json";
  Body body(response, pretty);
  write_status(body.writer(), error);
}


StatusError status_error(int code, std::string_view reason, std::string message) {
  StatusError error;
  error.code = code;
  error.reason = reason;
  error.message = std::move(message);
  return error;
}

}  // namespace

ApiHandler::ApiHandler(LabelSelector node_selector, std::string preferred_version, bool show_swap,
                       std::shared_ptr<const MetricFreshness> freshness)
    : node_selector_(std::move(node_selector)),
      preferred_version_(std::move(preferred_version)),
      show_swap_(show_swap),
      lists_(std::make_shared<WholeListBodies>(node_selector_, show_swap)),
      freshness_(std::move(freshness)),
      label_index_(std::make_shared<PodLabelIndexCache>()) {}

void ApiHandler::handle(const ServerRequest& request, const ApiState& state, std::int64_t now_ns,
                        ServerResponse& response) const {
  response.content_type = "application/json";
  RequestQuery query;
  std::optional<StatusError> bad_query = parse_request_query(request, query);
  const bool pretty = query.pretty;
  const Route route = resolve(request.path);
  if (route.kind == Route::kUnknown) return fail(response, unknown_path(), pretty);
  if (request.method != "GET") {
    StatusError error =
        status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    error.has_details = true;
    return fail(response, error, pretty);
  }
  const std::string_view accept = request.header("Accept");
  const std::array<std::string_view, 2> versions =
      preferred_version_ == kV1 ? std::array{kV1, kV1beta1} : std::array{kV1beta1, kV1};

  // Discovery documents are served as JSON (and /apis also in the aggregated form), never as a Table.
  if (route.kind <= Route::kResourceList) {
    if (route.kind == Route::kGroupList) {
      if (auto aggregated = wanted_aggregated_discovery(accept, /*allow_v2beta1=*/true)) {
        response.content_type = aggregated_discovery_content_type(*aggregated);
        response.headers.emplace_back("Vary", "Accept");
        Body body(response, pretty);
        return write_aggregated_discovery(body.writer(), *aggregated, versions);
      }
    }
    if (negotiate_response(accept) != ResponseShape::kJson) return fail(response, not_acceptable(), pretty);
    Body body(response, pretty);
    if (route.kind == Route::kGroupList) return write_api_group_list(body.writer(), versions, preferred_version_);
    if (route.kind == Route::kGroup) return write_api_group(body.writer(), versions, preferred_version_);
    return write_api_resource_list(body.writer(), route.version);
  }

  const std::optional<ResponseShape> shape = negotiate_response(accept, /*protobuf=*/true);
  if (!shape) return fail(response, not_acceptable(), pretty);
  const bool protobuf = *shape == ResponseShape::kProtobuf;
  const bool table = *shape == ResponseShape::kTableV1 || *shape == ResponseShape::kTableV1beta1;
  const bool nodes = route.kind == Route::kNodeList || route.kind == Route::kNodeGet;
  if (bad_query) return fail(response, *bad_query, pretty, protobuf);
  if (query.watch) return fail(response, watch_not_supported(nodes ? "nodes" : "pods"), pretty, protobuf);
  if (!state.cluster) {
    return fail(response, status_error(503, "ServiceUnavailable", "the cluster view has not synced yet"), pretty,
                protobuf);
  }
  static const Snapshot kNoMetrics;
  const Snapshot& s = state.metrics ? *state.metrics : kNoMetrics;
  const ClusterSnapshot& cluster = *state.cluster;
  const bool v1 = route.version == kV1;
  const std::string_view api_version = v1 ? kApiVersionV1 : kApiVersionV1beta1;
  if (protobuf) response.content_type = std::string(kProtobufContentType);

  // The whole list, unfiltered: re-issued from the pre-rendered body of these snapshots.
  const bool whole_list = (route.kind == Route::kNodeList || (route.kind == Route::kPodList &&
                                                              route.namespace_name.empty())) &&
                          !table && !pretty && query.labels.empty() && query.fields.empty();
  if (whole_list) {
    ListBody list = lists_->get(nodes ? ListResource::kNodes : ListResource::kPods, v1,
                                protobuf ? ListEncoding::kProtobuf : ListEncoding::kJson, accepts_gzip(request),
                                state.metrics, state.cluster, now_ns);
    if (list.body) {
      if (freshness_) freshness_->observe_sorted(*list.item_timestamps, now_ns);
      response.shared_body = std::move(list.body);
      if (list.gzipped) {
        response.headers.emplace_back("Content-Encoding", "gzip");
        response.headers.emplace_back("Vary", "Accept-Encoding");
      }
      return;
    }
  }

  // A Table's rows: includeObject is checked only when there is a row to fill, as in the apiserver.
  TableOptions table_options;
  table_options.table_api_version =
      *shape == ResponseShape::kTableV1beta1 ? kTableApiVersionV1beta1 : kTableApiVersionV1;
  table_options.object_api_version = api_version;
  auto bad_include_object = [&](std::size_t rows) {
    if (!table || rows == 0) return false;
    StatusError error;
    std::optional<IncludeObject> include = parse_include_object(query.include_object, error);
    if (!include) {
      fail(response, error, pretty);
      return true;
    }
    table_options.include_object = *include;
    return false;
  };

  auto observe = [&](auto&& items) {
    if (!freshness_) return;
    std::vector<std::int64_t> timestamps;
    timestamps.reserve(items.size());
    for (const auto& item : items) timestamps.push_back(item.timestamp_ns);
    freshness_->observe(timestamps, now_ns);
  };

  switch (route.kind) {
    case Route::kNodeList: {
      NodeItems items;
      collect_node_items(s, cluster, node_selector_, &query, show_swap_, items);
      observe(items.items);
      if (bad_include_object(items.items.size())) return;
      if (protobuf) return append_node_metrics_list_pb(response.body, items.items, now_ns, api_version);
      Body body(response, pretty);
      if (table) return write_node_metrics_table(body.writer(), items.items, now_ns, table_options);
      return write_node_metrics_list(body.writer(), items.items, now_ns, api_version);
    }
    case Route::kNodeGet: {
      const ClusterNode* meta = cluster.find_node(route.name);
      if (meta == nullptr) return fail(response, node_not_found(route.name), pretty, protobuf);
      // metrics-server never scrapes a node outside --node-selector, so it has no metrics for it.
      const NodeMetrics* node = node_selector_.matches(meta->labels) ? find_node_metrics(s, route.name) : nullptr;
      if (node == nullptr) return fail(response, node_metrics_not_found(route.name), pretty, protobuf);
      if (bad_include_object(1)) return;
      const NodeMetricsItem item = node_item(s, *node, *meta, show_swap_);
      observe(std::span(&item, 1));
      if (protobuf) return append_node_metrics_pb(response.body, item, now_ns, api_version);
      Body body(response, pretty);
      if (table) return write_node_metrics_table(body.writer(), std::span(&item, 1), now_ns, table_options);
      return write_node_metrics(body.writer(), item, now_ns, true, api_version);
    }
    case Route::kPodList: {
      PodItems items;
      // An HPA's query (namespace + equality selector) reads its pods through the label index.
      std::shared_ptr<const PodLabelIndex> index;
      if (!route.namespace_name.empty() && !query.labels.empty()) index = label_index_->get(state.cluster);
      collect_pod_items(s, cluster, route.namespace_name, &query, show_swap_, items, index.get());
      observe(items.items);
      if (bad_include_object(items.items.size())) return;
      if (protobuf) return append_pod_metrics_list_pb(response.body, items.items, now_ns, api_version);
      Body body(response, pretty);
      if (table) return write_pod_metrics_table(body.writer(), items.items, now_ns, table_options);
      return write_pod_metrics_list(body.writer(), items.items, now_ns, api_version);
    }
    case Route::kPodGet: {
      const ClusterPod* meta = cluster.find_pod(route.namespace_name, route.name);
      if (meta == nullptr) return fail(response, pod_not_found(route.name), pretty, protobuf);
      const PodMetrics* pod = find_pod_metrics(s, route.namespace_name, route.name);
      if (pod == nullptr) {
        return fail(response, pod_metrics_not_found(route.namespace_name, route.name), pretty, protobuf);
      }
      std::vector<ContainerItem> containers;
      containers.reserve(pod->container_count);
      if (bad_include_object(1)) return;
      const PodMetricsItem item = pod_item(s, *pod, *meta, containers, show_swap_);
      observe(std::span(&item, 1));
      if (protobuf) return append_pod_metrics_pb(response.body, item, now_ns, api_version);
      Body body(response, pretty);
      if (table) return write_pod_metrics_table(body.writer(), std::span(&item, 1), now_ns, table_options);
      return write_pod_metrics(body.writer(), item, now_ns, true, api_version);
    }
    default: return fail(response, unknown_path(), pretty);
  }
}

}  // namespace mpf::api::metrics
