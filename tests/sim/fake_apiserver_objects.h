#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/sim/cluster_model.h"

// The objects fake-apiserver serves, rendered to JSON once per change (see fake_apiserver.h). Kept apart
// from the server so the rendering can be tested and timed on its own.

namespace mpf::sim::fake {

enum class Kind : uint8_t { kNode, kPod, kNamespace, kConfigMap };

// One stored object. Its JSON is split so that every form is a concatenation without re-rendering:
//   list item      {"metadata":META TAIL
//   single object  {"kind":K,"apiVersion":"v1","metadata":META TAIL
//   metadata only  {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":META}
// where TAIL is `,"spec":{...},"status":{...}}`.
struct StoredObject {
  Kind kind = Kind::kPod;
  std::string namespace_name;  // Empty for cluster-scoped objects.
  std::string name;
  std::string key;             // "ns/name" or "name": the store's (and continue tokens') order.
  std::vector<std::pair<std::string, std::string>> labels;
  std::string node_name;       // Pods: spec.nodeName.
  std::string phase;           // Pods: status.phase; namespaces: Active.
  uint64_t resource_version = 0;
  std::string meta;            // The metadata object, JSON.
  std::string tail;            // `,"spec":...}` closing the object.
};
using ObjectPtr = std::shared_ptr<const StoredObject>;

struct RenderContext {
  uint64_t seed = 1;
  uint16_t kubelet_port = 10250;
  int64_t now_unix_ns = 0;     // Heartbeat times.
};

// JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view s);
// RFC 3339 in UTC with second precision, as Kubernetes' metav1.Time.
std::string rfc3339(int64_t unix_ns);
// A deterministic UUID for `what` (nodes and owners have none in the model).
std::string stable_uid(uint64_t seed, std::string_view what);

ObjectPtr render_node(const NodeSpec& node, uint32_t index, uint64_t resource_version, const RenderContext& context);
ObjectPtr render_pod(const NodeSpec& node, uint32_t node_index, const PodSpec& pod, uint32_t pod_index,
                     uint64_t resource_version, const RenderContext& context);
ObjectPtr render_namespace(const std::string& name, int64_t created_unix_ns, uint64_t resource_version,
                           const RenderContext& context);

// A ConfigMap (kube-system/extension-apiserver-authentication): `data` as key -> value, written in
// key order as Go's encoding/json writes a map.
ObjectPtr render_configmap(const std::string& namespace_name, const std::string& name,
                           const std::map<std::string, std::string>& data, int64_t created_unix_ns,
                           uint64_t resource_version, const RenderContext& context);

std::string_view kind_name(Kind kind);      // Node, Pod, Namespace, ConfigMap
std::string_view resource_name(Kind kind);  // nodes, pods, namespaces, configmaps

// Appends the object in one of its forms.
enum class Form : uint8_t { kListItem, kObject, kMetadata };
void append_object(std::string& out, const StoredObject& object, Form form);
size_t object_size(const StoredObject& object, Form form);

}  // namespace mpf::sim::fake
