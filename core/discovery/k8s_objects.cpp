#include "core/discovery/k8s_objects.h"

#include <utility>

#include "core/discovery/k8s_sax_decoder.h"

namespace mpf::core {
namespace {

template <class T>
Result<ListPage<T>> decode_list(std::string_view json, std::string_view what) {
  ListPage<T> page;
  K8sDecodeTarget<T> target;
  target.document = K8sDocument::kList;
  target.page = &page;
  target.what = what;
  if (Status status = decode_k8s_document(json, target); !status.is_ok()) return status;
  return page;
}

template <class T>
Result<WatchEvent<T>> decode_event(std::string_view json, std::string_view what) {
  WatchEvent<T> event;
  K8sDecodeTarget<T> target;
  target.document = K8sDocument::kEvent;
  target.event = &event;
  target.what = what;
  if (Status status = decode_k8s_document(json, target); !status.is_ok()) return status;
  return event;
}

}  // namespace

Result<ListPage<ClusterNode>> decode_node_list(std::string_view json) {
  return decode_list<ClusterNode>(json, "node list");
}

Result<WatchEvent<ClusterNode>> decode_node_event(std::string_view json) {
  return decode_event<ClusterNode>(json, "node watch event");
}

Result<ListPage<ClusterPod>> decode_pod_list(std::string_view json) {
  return decode_list<ClusterPod>(json, "pod list");
}

Result<WatchEvent<ClusterPod>> decode_pod_event(std::string_view json) {
  return decode_event<ClusterPod>(json, "pod watch event");
}

Result<ApiStatus> decode_status(std::string_view json) {
  ApiStatus status;
  K8sDecodeTarget<ClusterPod> target;  // a Status has no object; the pod decoder skips the most
  target.document = K8sDocument::kStatus;
  target.status = &status;
  target.what = "Status body";
  if (Status failed = decode_k8s_document(json, target); !failed.is_ok()) return failed;
  return status;
}

}  // namespace mpf::core
