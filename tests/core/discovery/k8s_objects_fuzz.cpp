// Fuzzes the Kubernetes object decoders: any bytes go through all five; each either fails with a
// permanent, non-empty message or gives objects that keep the decoders' promises (names present,
// labels sorted without duplicates, ports in range). Crashes, sanitizer reports and hangs are bugs.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/discovery/k8s_objects.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

template <class T>
void check_failure(const mpf::Result<T>& result) {
  if (result.is_ok()) return;
  check(result.status().code() == mpf::StatusCode::kPermanent);
  check(!result.status().message().empty());
}

void check_labels(const mpf::Labels& labels) {
  for (std::size_t i = 1; i < labels.size(); ++i) check(labels[i - 1].first < labels[i].first);
}

void check_node(const mpf::ClusterNode& node) {
  check(!node.name.empty());
  check(node.kubelet_port >= 0 && node.kubelet_port <= 65535);
  check_labels(node.labels);
}

void check_pod(const mpf::ClusterPod& pod) {
  check(!pod.namespace_name.empty() && !pod.name.empty());
  check_labels(pod.labels);
}

template <class T, class CheckObject>
void check_event(const mpf::Result<mpf::core::WatchEvent<T>>& event, CheckObject check_object) {
  check_failure(event);
  if (!event.is_ok()) return;
  switch (event->type) {
    case mpf::core::WatchEventType::kAdded:
    case mpf::core::WatchEventType::kModified:
    case mpf::core::WatchEventType::kDeleted: check_object(event->object); break;
    case mpf::core::WatchEventType::kBookmark:
    case mpf::core::WatchEventType::kError: check(event->object == T{}); break;
  }
  check(event->type == mpf::core::WatchEventType::kBookmark || !event->initial_events_end);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto nodes = mpf::core::decode_node_list(text);
  check_failure(nodes);
  if (nodes.is_ok()) {
    for (const auto& node : nodes->items) check_node(node);
  }
  auto pods = mpf::core::decode_pod_list(text);
  check_failure(pods);
  if (pods.is_ok()) {
    for (const auto& pod : pods->items) check_pod(pod);
  }
  check_event(mpf::core::decode_node_event(text), check_node);
  check_event(mpf::core::decode_pod_event(text), check_pod);
  check_failure(mpf::core::decode_status(text));
  return 0;
}
