#pragma once

// The streaming engine behind k8s_objects.h: one SAX pass of RapidJSON's reader over a copy of the
// text, a small state machine that knows where in a list, watch event or Status it is, and that
// writes the few fields it reads straight into the caller's objects. Separate from the public
// functions so that they stay one call each.

#include <cstdint>
#include <string_view>

#include "core/discovery/k8s_objects.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// What the text's root is.
enum class K8sDocument : std::uint8_t {
  kList,    // {"kind":"NodeList","metadata":{...},"items":[...]}
  kEvent,   // {"type":"ADDED","object":{...}}
  kStatus,  // {"kind":"Status","code":410,...}
};

// Where the decoded values go; the pointer matching `document` must be set.
template <class T>
struct K8sDecodeTarget {
  K8sDocument document = K8sDocument::kList;
  ListPage<T>* page = nullptr;
  WatchEvent<T>* event = nullptr;
  ApiStatus* status = nullptr;
  // Names the text in failure messages: "node list", "pod watch event", ...
  std::string_view what;
};

// Decodes `json` into the target (T is mpf::ClusterNode or mpf::ClusterPod; a Status document
// ignores T). On failure the target holds partial values the caller must drop.
template <class T>
Status decode_k8s_document(std::string_view json, const K8sDecodeTarget<T>& target);

extern template Status decode_k8s_document(std::string_view, const K8sDecodeTarget<mpf::ClusterNode>&);
extern template Status decode_k8s_document(std::string_view, const K8sDecodeTarget<mpf::ClusterPod>&);

}  // namespace mpf::core
