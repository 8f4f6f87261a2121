#pragma once

// The vocabulary of the SAX decoder (k8s_sax_decoder.cpp): the objects and arrays it interprets
// (frames), the keys each of them reads (fields), and how to name a field in an error. Every key not
// listed here is skipped with its whole value.

#include <cstdint>
#include <string_view>

#include "core/discovery/k8s_sax_decoder.h"

namespace mpf::core::k8s_sax {

enum class Frame : std::uint8_t {
  kListRoot,         // {"kind","metadata","items", and a Status' code/reason/message}
  kListMeta,         // list metadata {"resourceVersion","continue"}
  kItems,            // items[]
  kEventRoot,        // {"type","object"}
  kObject,           // a Node, Pod, PartialObjectMetadata or Status
  kMeta,             // its metadata
  kLabels,           // metadata.labels: every key is read
  kAnnotations,      // metadata.annotations: two keys are read
  kNodeStatus,       // a Node's status
  kAddresses,        // status.addresses[]
  kAddress,          // one address
  kConditions,       // status.conditions[]
  kCondition,        // one condition
  kDaemonEndpoints,  // status.daemonEndpoints
  kKubeletEndpoint,  // status.daemonEndpoints.kubeletEndpoint
};

inline bool is_array(Frame frame) {
  return frame == Frame::kItems || frame == Frame::kAddresses || frame == Frame::kConditions;
}

enum class Field : std::uint8_t {
  kNone,  // skip the value
  // List and event roots.
  kRootKind,
  kListMetadata,
  kItems,
  kListResourceVersion,
  kContinue,
  kType,
  kObject,
  // An object (kCode, kReason, kMessage also at a list root, for a Status body).
  kKind,
  kMetadata,
  kStatus,
  kCode,
  kReason,
  kMessage,
  kName,
  kNamespace,
  kUid,
  kResourceVersion,
  kCreationTimestamp,
  kLabels,
  kLabelValue,
  kAnnotations,
  kMetricsPath,
  kInitialEventsEnd,
  // A Node's status.
  kAddresses,
  kAddressType,
  kAddressValue,
  kConditions,
  kConditionType,
  kConditionStatus,
  kDaemonEndpoints,
  kKubeletEndpoint,
  kPort,
};

// The annotations read.
inline constexpr std::string_view kMetricsPathAnnotation = "metrics.k8s.io/resource-metrics-path";
inline constexpr std::string_view kInitialEventsEndAnnotation = "k8s.io/initial-events-end";

// The field `key` names in `frame`, or kNone. kLabels is not asked: all its keys are labels.
Field field_of(Frame frame, std::string_view key, K8sDocument document, bool node);

// The field's path from the root or from its object, for errors: "metadata.name".
std::string_view field_path(Field field);

// What a field's value must be, for errors: "a string", "an object", "an array", "an integer".
std::string_view field_type(Field field);

}  // namespace mpf::core::k8s_sax
