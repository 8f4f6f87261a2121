#pragma once

// Decoders for the kube-apiserver JSON the cluster view reads: Node and Pod lists (one page each),
// watch event lines, and Status error bodies. Each keeps only what mpf::ClusterNode / mpf::ClusterPod
// hold; everything else (spec, status.images, managedFields, ...) is skipped while streaming, with
// RapidJSON's SAX reader, never a DOM. Pure functions: no I/O, thread-safe, no state between calls.
//
// What is read (paths relative to one object; key order is free everywhere):
//   metadata.name, metadata.labels              -> name, labels (both kinds)
//   metadata.namespace, .uid, .creationTimestamp -> ClusterPod (RFC 3339 -> Unix seconds, floored)
//   metadata.annotations["metrics.k8s.io/resource-metrics-path"] -> ClusterNode::metrics_path
//   status.addresses[].{type,address}           -> ClusterNode::addresses, in order
//   status.daemonEndpoints.kubeletEndpoint.Port -> ClusterNode::kubelet_port (0..65535)
//   status.conditions[] type "Ready"            -> ClusterNode::ready = its status is "True" (the first
//                                                  Ready condition counts, as client-go's helpers)
//   list metadata.{resourceVersion,continue}; event type / object; Status code, reason, message.
//
// Decisions, mostly Go's encoding/json behaviour (what the API server and client-go agree on):
// - null at a read key means absent; a null label value is the empty string (Go's map decoding).
// - creationTimestamp absent, null or "" is 0; any other text must be RFC 3339, as metav1.Time.
// - A key repeated in one object: the last value wins; repeated "labels" objects merge, and labels
//   end up sorted by key with the last value of a repeated key. Repeated "items", "addresses" or
//   "conditions" arrays: the last one wins.
// - A Node object without metadata.name, or a Pod without namespace or name, fails the whole call: a
//   list page is all or nothing (the caller relists).
// - kind, when present, must fit: NodeList/List and Node for nodes; PodList, PartialObjectMetadataList
//   or List and Pod or PartialObjectMetadata for pods (list items and ADDED/MODIFIED/DELETED objects;
//   BOOKMARK and ERROR objects are not checked). A list body that is a Status fails with the Status'
//   code, reason and message in the text.
// - The object strings kept (names, namespace, uid, labels, addresses, metrics path) must be valid
//   UTF-8; the API server never sends anything else. resourceVersion, continue and a Status' texts
//   are opaque or only logged, and taken as they are.
//
// Failures are StatusCode::kPermanent, "<what>: byte <offset>: <reason>": syntax errors (RapidJSON's
// text; NaN/Infinity are syntax errors, and so is a number beyond the range of a double anywhere, even
// in skipped fields), wrong types at read keys, the rules above, an event without type or object or of
// an unknown type, nesting deeper than kMaxJsonDepth, a NUL byte, a body of 4 GiB or more. Input is
// never trusted: no crash, no exception, memory bounded by the input size (one copy of it plus what
// is kept).

#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// Objects and arrays nested deeper than this fail the decode. Real objects stay under 20 levels
// (managedFields are the deepest part).
inline constexpr int kMaxJsonDepth = 64;

// Kubernetes' metav1.Status as found in error bodies and ERROR watch events.
struct ApiStatus {
  int code = 0;  // the HTTP status code it stands for (410 for an expired resourceVersion)
  std::string reason;
  std::string message;

  bool operator==(const ApiStatus&) const = default;
};

// One page of a list. continue_token is empty on the last page.
template <class T>
struct ListPage {
  std::vector<T> items;
  std::string resource_version;
  std::string continue_token;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

template <class T>
struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  T object;                       // ADDED/MODIFIED/DELETED; empty for BOOKMARK and ERROR
  std::string resource_version;   // the object's metadata.resourceVersion (also for BOOKMARK)
  ApiStatus status;               // ERROR
  // BOOKMARK with the annotation k8s.io/initial-events-end: "true": the initial events of a watch
  // with sendInitialEvents=true are complete.
  bool initial_events_end = false;
};

// A typed Node list (kind NodeList) or a NodeList page.
Result<ListPage<mpf::ClusterNode>> decode_node_list(std::string_view json);
// One line of a watch stream on nodes: {"type":"ADDED","object":{...Node...}}
Result<WatchEvent<mpf::ClusterNode>> decode_node_event(std::string_view json);
// A PartialObjectMetadataList of pods (metadata only, as returned with
// Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1), or a plain PodList of
// full Pod objects, of which only the metadata is kept.
Result<ListPage<mpf::ClusterPod>> decode_pod_list(std::string_view json);
// One line of a watch stream on pods, full or metadata-only objects.
Result<WatchEvent<mpf::ClusterPod>> decode_pod_event(std::string_view json);
// A Status body (non-200 responses). Fails when the text is not a JSON object of kind "Status".
Result<ApiStatus> decode_status(std::string_view json);

}  // namespace mpf::core
