#include "metrics_api/core_api.h"

#include <optional>
#include <string_view>
#include <vector>

#include "metrics_api/api_documents.h"
#include "metrics_api/go_format.h"
#include "metrics_api/json_response_body.h"
#include "metrics_api/json_writer.h"
#include "metrics_api/request_query.h"
#include "metrics_api/status_document.h"

namespace mpf::api::metrics {
namespace {

// The kubelet's default --max-pods.
constexpr std::string_view kPodCapacity = "110";

enum class Kind { kUnknown, kVersions, kResources, kNodeList, kNodeGet, kPodList, kPodGet, kNamespaceList, kNamespaceGet };

struct CoreRoute {
  Kind kind = Kind::kUnknown;
  std::string_view namespace_name;  // pods: "" lists every namespace
  std::string_view name;
};

CoreRoute resolve(std::string_view path) {
  if (path == "/api") return {Kind::kVersions, {}, {}};
  if (!path.starts_with("/api/")) return {};
  std::vector<std::string_view> s;
  for (std::string_view rest = path.substr(5);;) {
    std::size_t slash = rest.find('/');
    s.push_back(rest.substr(0, slash));
    if (s.back().empty()) return {};
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (s[0] != "v1") return {};
  if (s.size() == 1) return {Kind::kResources, {}, {}};
  if (s.size() == 2 && s[1] == "nodes") return {Kind::kNodeList, {}, {}};
  if (s.size() == 3 && s[1] == "nodes") return {Kind::kNodeGet, {}, s[2]};
  if (s.size() == 2 && s[1] == "pods") return {Kind::kPodList, {}, {}};
  if (s.size() == 2 && s[1] == "namespaces") return {Kind::kNamespaceList, {}, {}};
  if (s.size() == 3 && s[1] == "namespaces") return {Kind::kNamespaceGet, {}, s[2]};
  if (s.size() == 4 && s[1] == "namespaces" && s[3] == "pods") return {Kind::kPodList, s[2], {}};
  if (s.size() == 5 && s[1] == "namespaces" && s[3] == "pods") return {Kind::kPodGet, s[2], s[4]};
  return {};
}

StatusError error(int code, std::string_view reason, std::string message) {
  StatusError e;
  e.code = code;
  e.reason = reason;
  e.message = std::move(message);
  return e;
}

// The apiserver's 404 for a named object: `nodes "foo" not found`, details {name, kind}.
StatusError not_found(std::string_view resource, std::string_view name) {
  std::string message(resource);
  message += ' ';
  append_go_quoted(message, name);  // Go's %q, as apierrors.NewNotFound quotes the name
  StatusError e = error(404, "NotFound", std::move(message) + " not found");
  e.has_details = true;
  e.details_name = std::string(name);
  e.details_kind = resource;
  return e;
}

void fail(ServerResponse& response, const StatusError& e, bool pretty) {
  response.status = e.code;
  response.body.clear();
  JsonResponseBody doc(response, pretty);
  write_status(doc.writer(), e);
}

void time_member(JsonWriter& w, std::string_view key, std::int64_t ns) {
  w.key(key);
  append_rfc3339_seconds(w.begin_raw_string(), ns);
  w.end_raw_string();
}

void object_metadata(JsonWriter& w, std::string_view name, std::string_view namespace_name, std::string_view uid,
                     std::uint64_t generation, std::int64_t created_ns, const Labels* labels) {
  w.key("metadata");
  w.begin_object();
  w.member("name", name);
  if (!namespace_name.empty()) w.member("namespace", namespace_name);
  w.member("uid", uid);
  w.member("resourceVersion", std::to_string(generation));
  time_member(w, "creationTimestamp", created_ns);
  if (labels != nullptr && !labels->empty()) {
    w.key("labels");
    w.begin_object();
    for (const auto& [key, value] : *labels) w.member(key, value);
    w.end_object();
  }
  w.end_object();
}

void list_start(JsonWriter& w, std::string_view kind, std::uint64_t generation) {
  w.begin_object();
  w.member("kind", kind);
  w.member("apiVersion", "v1");
  w.key("metadata");
  w.begin_object();
  w.member("resourceVersion", std::to_string(generation));
  w.end_object();
  w.key("items");
  w.begin_array();
}

void list_end(JsonWriter& w) {
  w.end_array();
  w.end_object();
}

void kind_header(JsonWriter& w, std::string_view kind) {
  w.member("kind", kind);
  w.member("apiVersion", "v1");
}

void write_api_versions(JsonWriter& w, std::string_view server_address) {
  w.begin_object();
  w.member("kind", "APIVersions");
  w.key("versions");
  w.begin_array();
  w.string("v1");
  w.end_array();
  write_server_address_by_client_cidrs(w, server_address);
  w.end_object();
}

void write_api_resources(JsonWriter& w) {
  w.begin_object();
  w.member("kind", "APIResourceList");
  w.member("groupVersion", "v1");
  w.key("resources");
  w.begin_array();
  write_read_only_resource(w, "namespaces", "namespace", false, "Namespace", "ns");
  write_read_only_resource(w, "nodes", "node", false, "Node", "no");
  write_read_only_resource(w, "pods", "pod", true, "Pod", "po");
  w.end_array();
  w.end_object();
}

void resource_quantities(JsonWriter& w, std::string_view key, const LocalNodeFacts& facts) {
  w.key(key);
  w.begin_object();
  w.member("cpu", std::to_string(facts.cpus));
  w.member("memory", memory_capacity_quantity(facts.memory_bytes));
  w.member("pods", kPodCapacity);
  w.end_object();
}

void write_node(JsonWriter& w, std::string_view name, const LocalNodeFacts& facts, std::uint64_t generation,
                std::int64_t now_ns, bool with_kind) {
  const Labels labels = local_node_labels(name, facts);
  w.begin_object();
  if (with_kind) kind_header(w, "Node");
  object_metadata(w, name, {}, name_based_uid("node/" + std::string(name) + "/" + facts.machine_id), generation,
                  facts.boot_time_ns, &labels);
  w.key("spec");
  w.begin_object();
  w.end_object();
  w.key("status");
  w.begin_object();
  resource_quantities(w, "capacity", facts);
  resource_quantities(w, "allocatable", facts);
  w.key("conditions");
  w.begin_array();
  w.begin_object();
  w.member("type", "Ready");
  w.member("status", "True");
  time_member(w, "lastHeartbeatTime", now_ns);
  time_member(w, "lastTransitionTime", facts.boot_time_ns);
  w.member("reason", "KubeletReady");
  w.member("message", "this host is served by metrics-server in standalone mode");
  w.end_object();
  w.end_array();
  w.key("addresses");
  w.begin_array();
  w.begin_object();
  w.member("type", "InternalIP");
  w.member("address", "127.0.0.1");
  w.end_object();
  w.begin_object();
  w.member("type", "Hostname");
  w.member("address", name);
  w.end_object();
  w.end_array();
  w.key("nodeInfo");
  w.begin_object();
  w.member("machineID", facts.machine_id);
  w.member("systemUUID", "");
  w.member("bootID", facts.boot_id);
  w.member("kernelVersion", facts.kernel_version);
  w.member("osImage", facts.os_image);
  w.member("containerRuntimeVersion", "");
  w.member("kubeletVersion", "");
  w.member("kubeProxyVersion", "");
  w.member("operatingSystem", "linux");
  w.member("architecture", facts.architecture);
  w.end_object();
  w.end_object();
  w.end_object();
}

void write_pod(JsonWriter& w, const LocalPod& pod, const LocalNodeFacts& facts, std::uint64_t generation,
               bool with_kind) {
  const std::int64_t started = pod.start_ns > 0 ? pod.start_ns : facts.boot_time_ns;
  w.begin_object();
  if (with_kind) kind_header(w, "Pod");
  object_metadata(w, pod.name, pod.namespace_name, pod.uid, generation, started, nullptr);
  w.key("spec");
  w.begin_object();
  w.key("containers");
  w.begin_array();
  for (const std::string& container : pod.containers) {
    w.begin_object();
    w.member("name", container);
    w.member("image", "");
    w.key("resources");
    w.begin_object();
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.member("nodeName", pod.node);
  w.end_object();
  w.key("status");
  w.begin_object();
  w.member("phase", "Running");
  w.member("hostIP", "127.0.0.1");
  time_member(w, "startTime", started);
  w.key("containerStatuses");
  w.begin_array();
  for (const std::string& container : pod.containers) {
    w.begin_object();
    w.member("name", container);
    w.key("state");
    w.begin_object();
    w.key("running");
    w.begin_object();
    time_member(w, "startedAt", started);
    w.end_object();
    w.end_object();
    w.key("ready");
    w.boolean(true);
    w.key("restartCount");
    w.int64(0);
    w.member("image", "");
    w.member("imageID", "");
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
}

void write_namespace(JsonWriter& w, const LocalNamespace& ns, const LocalNodeFacts& facts, std::uint64_t generation,
                     bool with_kind) {
  const Labels labels{{"kubernetes.io/metadata.name", ns.name}};
  w.begin_object();
  if (with_kind) kind_header(w, "Namespace");
  object_metadata(w, ns.name, {}, name_based_uid("namespace/" + ns.name), generation,
                  ns.start_ns > 0 ? ns.start_ns : facts.boot_time_ns, &labels);
  w.key("spec");
  w.begin_object();
  w.end_object();
  w.key("status");
  w.begin_object();
  w.member("phase", "Active");
  w.end_object();
  w.end_object();
}

}  // namespace

std::string memory_capacity_quantity(std::uint64_t bytes) {
  if (bytes != 0 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + "Ki";
  return std::to_string(bytes);
}

CoreApi::CoreApi(LocalNodeFacts facts, std::string server_address)
    : facts_(std::move(facts)), server_address_(std::move(server_address)) {}

void CoreApi::handle(const ServerRequest& request, const StandaloneInventory& inventory, std::int64_t now_ns,
                     ServerResponse& response) const {
  response.content_type = "application/json";  // every answer, errors too, whatever Accept asks
  RequestQuery query;
  const std::optional<StatusError> bad_query = parse_request_query(request, query);
  const bool pretty = query.pretty;
  const CoreRoute route = resolve(request.path);
  if (route.kind == Kind::kUnknown) return fail(response, unknown_path(), pretty);
  if (request.method != "GET") {
    StatusError e = error(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    e.has_details = true;
    return fail(response, e, pretty);
  }
  if (bad_query) return fail(response, *bad_query, pretty);
  if (query.watch) {
    return fail(response, error(405, "MethodNotAllowed", "watch is not supported in standalone mode"), pretty);
  }
  const std::uint64_t generation = inventory.generation;
  switch (route.kind) {
    case Kind::kVersions: {
      JsonResponseBody doc(response, pretty);
      return write_api_versions(doc.writer(), server_address_);
    }
    case Kind::kResources: {
      JsonResponseBody doc(response, pretty);
      return write_api_resources(doc.writer());
    }
    case Kind::kNodeList: {
      JsonResponseBody doc(response, pretty);
      list_start(doc.writer(), "NodeList", generation);
      for (const std::string& name : inventory.nodes) {
        if (!query.fields_match(name, {}) || !query.labels.matches(local_node_labels(name, facts_))) continue;
        write_node(doc.writer(), name, facts_, generation, now_ns, false);
      }
      return list_end(doc.writer());
    }
    case Kind::kNodeGet: {
      for (const std::string& name : inventory.nodes) {
        if (name != route.name) continue;
        JsonResponseBody doc(response, pretty);
        return write_node(doc.writer(), name, facts_, generation, now_ns, true);
      }
      return fail(response, not_found("nodes", route.name), pretty);
    }
    case Kind::kPodList: {
      JsonResponseBody doc(response, pretty);
      list_start(doc.writer(), "PodList", generation);
      const Labels no_labels;
      for (const LocalPod& pod : inventory.pods) {
        if (!route.namespace_name.empty() && pod.namespace_name != route.namespace_name) continue;
        if (!query.fields_match(pod.name, pod.namespace_name) || !query.labels.matches(no_labels)) continue;
        write_pod(doc.writer(), pod, facts_, generation, false);
      }
      return list_end(doc.writer());
    }
    case Kind::kPodGet: {
      if (const LocalPod* pod = inventory.find_pod(route.namespace_name, route.name)) {
        JsonResponseBody doc(response, pretty);
        return write_pod(doc.writer(), *pod, facts_, generation, true);
      }
      return fail(response, not_found("pods", route.name), pretty);
    }
    case Kind::kNamespaceList: {
      JsonResponseBody doc(response, pretty);
      list_start(doc.writer(), "NamespaceList", generation);
      for (const LocalNamespace& ns : inventory.namespaces) {
        const Labels labels{{"kubernetes.io/metadata.name", ns.name}};
        if (!query.fields_match(ns.name, {}) || !query.labels.matches(labels)) continue;
        write_namespace(doc.writer(), ns, facts_, generation, false);
      }
      return list_end(doc.writer());
    }
    case Kind::kNamespaceGet: {
      for (const LocalNamespace& ns : inventory.namespaces) {
        if (ns.name != route.name) continue;
        JsonResponseBody doc(response, pretty);
        return write_namespace(doc.writer(), ns, facts_, generation, true);
      }
      return fail(response, not_found("namespaces", route.name), pretty);
    }
    case Kind::kUnknown: break;
  }
  fail(response, unknown_path(), pretty);
}

}  // namespace mpf::api::metrics
