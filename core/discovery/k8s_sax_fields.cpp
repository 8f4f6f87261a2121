#include "core/discovery/k8s_sax_fields.h"

namespace mpf::core::k8s_sax {

Field field_of(Frame frame, std::string_view key, K8sDocument document, bool node) {
  // A frame reads at most seven keys; comparing std::string_views checks the length first, so a
  // miss (most keys: spec, apiVersion, managedFields, ...) costs a few integer comparisons.
  switch (frame) {
    case Frame::kListRoot:
      if (key == "items") return Field::kItems;
      if (key == "metadata") return Field::kListMetadata;
      if (key == "kind") return Field::kRootKind;
      if (key == "code") return Field::kCode;
      if (key == "reason") return Field::kReason;
      if (key == "message") return Field::kMessage;
      return Field::kNone;
    case Frame::kListMeta:
      if (key == "resourceVersion") return Field::kListResourceVersion;
      if (key == "continue") return Field::kContinue;
      return Field::kNone;
    case Frame::kEventRoot:
      if (key == "type") return Field::kType;
      if (key == "object") return Field::kObject;
      return Field::kNone;
    case Frame::kObject:
      if (key == "metadata") return Field::kMetadata;
      if (key == "kind") return Field::kKind;
      if (key == "status" && node) return Field::kStatus;  // a Pod's status holds nothing we keep
      if (document != K8sDocument::kList) {                // an ERROR event's or a body's Status
        if (key == "code") return Field::kCode;
        if (key == "reason") return Field::kReason;
        if (key == "message") return Field::kMessage;
      }
      return Field::kNone;
    case Frame::kMeta:
      if (key == "name") return Field::kName;
      if (key == "labels") return Field::kLabels;
      if (key == "annotations") return Field::kAnnotations;
      if (key == "resourceVersion" && document == K8sDocument::kEvent) return Field::kResourceVersion;
      if (!node) {
        if (key == "namespace") return Field::kNamespace;
        if (key == "uid") return Field::kUid;
        if (key == "creationTimestamp") return Field::kCreationTimestamp;
      }
      return Field::kNone;
    case Frame::kAnnotations:
      if (node && key == kMetricsPathAnnotation) return Field::kMetricsPath;
      if (document == K8sDocument::kEvent && key == kInitialEventsEndAnnotation) return Field::kInitialEventsEnd;
      return Field::kNone;
    case Frame::kNodeStatus:
      if (key == "addresses") return Field::kAddresses;
      if (key == "conditions") return Field::kConditions;
      if (key == "daemonEndpoints") return Field::kDaemonEndpoints;
      return Field::kNone;
    case Frame::kAddress:
      if (key == "type") return Field::kAddressType;
      if (key == "address") return Field::kAddressValue;
      return Field::kNone;
    case Frame::kCondition:
      if (key == "type") return Field::kConditionType;
      if (key == "status") return Field::kConditionStatus;
      return Field::kNone;
    case Frame::kDaemonEndpoints: return key == "kubeletEndpoint" ? Field::kKubeletEndpoint : Field::kNone;
    case Frame::kKubeletEndpoint: return key == "Port" ? Field::kPort : Field::kNone;  // capital P, as Go emits
    case Frame::kLabels:
    case Frame::kItems:
    case Frame::kAddresses:
    case Frame::kConditions: break;
  }
  return Field::kNone;
}

std::string_view field_path(Field field) {
  switch (field) {
    case Field::kNone: return "";
    case Field::kRootKind: return "kind";
    case Field::kListMetadata: return "metadata";
    case Field::kItems: return "items";
    case Field::kListResourceVersion: return "metadata.resourceVersion";
    case Field::kContinue: return "metadata.continue";
    case Field::kType: return "type";
    case Field::kObject: return "object";
    case Field::kKind: return "kind";
    case Field::kMetadata: return "metadata";
    case Field::kStatus: return "status";
    case Field::kCode: return "code";
    case Field::kReason: return "reason";
    case Field::kMessage: return "message";
    case Field::kName: return "metadata.name";
    case Field::kNamespace: return "metadata.namespace";
    case Field::kUid: return "metadata.uid";
    case Field::kResourceVersion: return "metadata.resourceVersion";
    case Field::kCreationTimestamp: return "metadata.creationTimestamp";
    case Field::kLabels: return "metadata.labels";
    case Field::kLabelValue: return "a metadata.labels value";
    case Field::kAnnotations: return "metadata.annotations";
    case Field::kMetricsPath: return "the annotation metrics.k8s.io/resource-metrics-path";
    case Field::kInitialEventsEnd: return "the annotation k8s.io/initial-events-end";
    case Field::kAddresses: return "status.addresses";
    case Field::kAddressType: return "status.addresses[].type";
    case Field::kAddressValue: return "status.addresses[].address";
    case Field::kConditions: return "status.conditions";
    case Field::kConditionType: return "status.conditions[].type";
    case Field::kConditionStatus: return "status.conditions[].status";
    case Field::kDaemonEndpoints: return "status.daemonEndpoints";
    case Field::kKubeletEndpoint: return "status.daemonEndpoints.kubeletEndpoint";
    case Field::kPort: return "status.daemonEndpoints.kubeletEndpoint.Port";
  }
  return "";
}

std::string_view field_type(Field field) {
  switch (field) {
    case Field::kListMetadata:
    case Field::kObject:
    case Field::kMetadata:
    case Field::kStatus:
    case Field::kLabels:
    case Field::kAnnotations:
    case Field::kDaemonEndpoints:
    case Field::kKubeletEndpoint: return "an object";
    case Field::kItems:
    case Field::kAddresses:
    case Field::kConditions: return "an array";
    case Field::kCode:
    case Field::kPort: return "an integer";
    default: return "a string";
  }
}

}  // namespace mpf::core::k8s_sax
