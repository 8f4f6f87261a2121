#include "metrics_api/api_handler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "metrics_api/api_documents.h"
#include "metrics_api/json_writer.h"
#include "metrics_api/metrics_objects.h"
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

// The apiserver's body framing: json.Encoder ends a compact body with "\n", MarshalIndent adds nothing.
class Body {
 public:
  Body(ServerResponse& response, bool pretty)
      : response_(response), writer_(response.body, pretty ? JsonStyle::kPretty : JsonStyle::kCompact) {}
  ~Body() {
    if (writer_.style() == JsonStyle::kCompact) response_.body += '\n';
  }
  JsonWriter& writer() { return writer_; }

 private:
  ServerResponse& response_;
  JsonWriter writer_;
};

void fail(ServerResponse& response, const StatusError& error, bool pretty) {
  response.status = error.code;
  response.body.clear();
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

// Swap only when asked for: metrics-server serves cpu and memory alone.
MetricsUsage usage_of(const Usage& u, bool show_swap) {
  MetricsUsage out{u.cpu_nanocores, u.memory_working_set_bytes, std::nullopt};
  if (show_swap && (u.present & kHasSwap) != 0) out.swap_bytes = u.swap_usage_bytes;
  return out;
}

const NodeMetrics* find_node_metrics(const Snapshot& s, std::string_view name) {
  auto it = std::lower_bound(s.nodes.begin(), s.nodes.end(), name,
                             [&](const NodeMetrics& n, std::string_view key) { return s.names.name(n.name) < key; });
  return it != s.nodes.end() && s.names.name(it->name) == name ? &*it : nullptr;
}

using PodKey = std::pair<std::string_view, std::string_view>;

const PodMetrics* find_pod_metrics(const Snapshot& s, std::string_view namespace_name, std::string_view name) {
  auto key_of = [&](const PodMetrics& p) { return PodKey(s.names.name(p.namespace_name), s.names.name(p.name)); };
  auto it = std::lower_bound(s.pods.begin(), s.pods.end(), PodKey(namespace_name, name),
                             [&](const PodMetrics& p, const PodKey& key) { return key_of(p) < key; });
  return it != s.pods.end() && key_of(*it) == PodKey(namespace_name, name) ? &*it : nullptr;
}

// Appends the pod's containers to `containers` (reserved by the caller, so earlier spans stay valid).
PodMetricsItem pod_item(const Snapshot& s, const PodMetrics& pod, const ClusterPod& meta,
                        std::vector<ContainerItem>& containers, bool show_swap) {
  const std::size_t first = containers.size();
  for (std::uint32_t i = 0; i < pod.container_count; ++i) {
    const ContainerMetrics& c = s.containers[pod.first_container + i];
    containers.push_back({s.names.name(c.name), usage_of(c.usage, show_swap)});
  }
  return {meta.namespace_name, meta.name, &meta.labels, pod.usage.timestamp_ns, pod.usage.window_ns,
          std::span<const ContainerItem>(containers.data() + first, pod.container_count)};
}

NodeMetricsItem node_item(const Snapshot& s, const NodeMetrics& node, const ClusterNode& meta, bool show_swap) {
  return {s.names.name(node.name), &meta.labels, node.usage.timestamp_ns, node.usage.window_ns,
          usage_of(node.usage, show_swap)};
}

}  // namespace

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
  const std::optional<ResponseShape> shape = negotiate_response(request.header("Accept"));
  if (!shape) return fail(response, not_acceptable(), pretty);

  // Discovery documents have no Table form.
  if (route.kind <= Route::kResourceList && *shape != ResponseShape::kJson) {
    return fail(response, not_acceptable(), pretty);
  }

  const std::array<std::string_view, 2> versions =
      preferred_version_ == kV1 ? std::array{kV1, kV1beta1} : std::array{kV1beta1, kV1};
  const std::string_view api_version = route.version == kV1 ? kApiVersionV1 : kApiVersionV1beta1;
  switch (route.kind) {
    case Route::kGroupList: {
      Body body(response, pretty);
      return write_api_group_list(body.writer(), versions, preferred_version_);
    }
    case Route::kGroup: {
      Body body(response, pretty);
      return write_api_group(body.writer(), versions, preferred_version_);
    }
    case Route::kResourceList: {
      Body body(response, pretty);
      return write_api_resource_list(body.writer(), route.version);
    }
    default: break;
  }

  const bool nodes = route.kind == Route::kNodeList || route.kind == Route::kNodeGet;
  if (bad_query) return fail(response, *bad_query, pretty);
  if (query.watch) return fail(response, watch_not_supported(nodes ? "nodes" : "pods"), pretty);
  if (!state.cluster) {
    return fail(response, status_error(503, "ServiceUnavailable", "the cluster view has not synced yet"), pretty);
  }
  static const Snapshot kNoMetrics;
  const Snapshot& s = state.metrics ? *state.metrics : kNoMetrics;
  const ClusterSnapshot& cluster = *state.cluster;
  // A Table's rows: includeObject is checked only when there is a row to fill, as in the apiserver.
  const bool table = *shape != ResponseShape::kJson;
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

  switch (route.kind) {
    case Route::kNodeList: {
      std::vector<NodeMetricsItem> items;
      for (const NodeMetrics& node : s.nodes) {
        const std::string_view name = s.names.name(node.name);
        const ClusterNode* meta = cluster.find_node(name);
        if (meta == nullptr || !node_selector_.matches(meta->labels) || !query.labels.matches(meta->labels) ||
            !query.fields_match(name, "")) {
          continue;
        }
        items.push_back(node_item(s, node, *meta, show_swap_));
      }
      if (bad_include_object(items.size())) return;
      Body body(response, pretty);
      if (table) return write_node_metrics_table(body.writer(), items, now_ns, table_options);
      return write_node_metrics_list(body.writer(), items, now_ns, api_version);
    }
    case Route::kNodeGet: {
      const ClusterNode* meta = cluster.find_node(route.name);
      if (meta == nullptr) return fail(response, node_not_found(route.name), pretty);
      // metrics-server never scrapes a node outside --node-selector, so it has no metrics for it.
      const NodeMetrics* node = node_selector_.matches(meta->labels) ? find_node_metrics(s, route.name) : nullptr;
      if (node == nullptr) return fail(response, node_metrics_not_found(route.name), pretty);
      if (bad_include_object(1)) return;
      const NodeMetricsItem item = node_item(s, *node, *meta, show_swap_);
      Body body(response, pretty);
      if (table) return write_node_metrics_table(body.writer(), std::span(&item, 1), now_ns, table_options);
      return write_node_metrics(body.writer(), item, now_ns, true, api_version);
    }
    case Route::kPodList: {
      std::vector<ContainerItem> containers;
      containers.reserve(s.containers.size());
      std::vector<PodMetricsItem> items;
      for (const PodMetrics& pod : s.pods) {
        const std::string_view ns = s.names.name(pod.namespace_name);
        if (!route.namespace_name.empty() && ns != route.namespace_name) continue;
        const ClusterPod* meta = cluster.find_pod(ns, s.names.name(pod.name));
        if (meta == nullptr || !query.labels.matches(meta->labels) || !query.fields_match(meta->name, ns)) continue;
        items.push_back(pod_item(s, pod, *meta, containers, show_swap_));
      }
      if (bad_include_object(items.size())) return;
      Body body(response, pretty);
      if (table) return write_pod_metrics_table(body.writer(), items, now_ns, table_options);
      return write_pod_metrics_list(body.writer(), items, now_ns, api_version);
    }
    case Route::kPodGet: {
      const ClusterPod* meta = cluster.find_pod(route.namespace_name, route.name);
      if (meta == nullptr) return fail(response, pod_not_found(route.name), pretty);
      const PodMetrics* pod = find_pod_metrics(s, route.namespace_name, route.name);
      if (pod == nullptr) return fail(response, pod_metrics_not_found(route.namespace_name, route.name), pretty);
      std::vector<ContainerItem> containers;
      containers.reserve(pod->container_count);
      if (bad_include_object(1)) return;
      const PodMetricsItem item = pod_item(s, *pod, *meta, containers, show_swap_);
      Body body(response, pretty);
      if (table) return write_pod_metrics_table(body.writer(), std::span(&item, 1), now_ns, table_options);
      return write_pod_metrics(body.writer(), item, now_ns, true, api_version);
    }
    default: return fail(response, unknown_path(), pretty);
  }
}

}  // namespace mpf::api::metrics
