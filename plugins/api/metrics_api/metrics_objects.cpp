#include "metrics_api/metrics_objects.h"

#include "metrics_api/go_format.h"
#include "metrics_api/quantity.h"

#include <cstring>

namespace mpf::api::metrics {
namespace {

// Quantities, times and durations never need escaping, so they are appended straight into the body.
void time_member(JsonWriter& w, std::string_view name, std::int64_t unix_ns) {
  w.key(name);
  append_rfc3339_seconds(w.begin_raw_string(), unix_ns);
  w.end_raw_string();
}

void write_usage(JsonWriter& w, const MetricsUsage& usage) {
  // A Go ResourceList is a map: keys come out sorted, which is cpu, memory, swap.
  w.key("usage");
  w.begin_object();
  w.key("cpu");
  append_cpu_quantity(w.begin_raw_string(), usage.cpu_nanocores);
  w.end_raw_string();
  w.key("memory");
  append_memory_quantity(w.begin_raw_string(), usage.memory_bytes);
  w.end_raw_string();
  if (usage.swap_bytes) {
    w.key("swap");
    append_memory_quantity(w.begin_raw_string(), *usage.swap_bytes);
    w.end_raw_string();
  }
  w.end_object();
}

void write_type_meta(JsonWriter& w, std::string_view kind, std::string_view api_version) {
  w.member("kind", kind);
  w.member("apiVersion", api_version);
}

void write_sample_window(JsonWriter& w, std::int64_t timestamp_ns, std::int64_t window_ns) {
  time_member(w, "timestamp", timestamp_ns);
  w.member("window", go_duration(window_ns));
}

void write_list_head(JsonWriter& w, std::string_view kind, std::string_view api_version) {
  write_type_meta(w, kind, api_version);
  w.key("metadata");
  w.begin_object();  // ListMeta with nothing set: metrics-server sends no resourceVersion/continue.
  w.end_object();
  w.key("items");
  w.begin_array();
}

}  // namespace

void write_object_meta(JsonWriter& w, std::string_view namespace_name, std::string_view name,
                       const Labels* labels, std::int64_t now_ns, JsonNowSlots* now_slots) {
  w.key("metadata");
  w.begin_object();
  w.member("name", name);
  if (!namespace_name.empty()) w.member("namespace", namespace_name);
  w.key("creationTimestamp");
  std::string& out = w.begin_raw_string();
  if (now_slots != nullptr) now_slots->push_back(out.size());
  append_rfc3339_seconds(out, now_ns);
  w.end_raw_string();
  if (labels != nullptr && !labels->empty()) {
    w.key("labels");
    w.begin_object();
    for (const auto& [key, value] : *labels) w.member(key, value);
    w.end_object();
  }
  w.end_object();
}

namespace {

void write_node(JsonWriter& w, const NodeMetricsItem& node, std::int64_t now_ns, bool top_level,
                std::string_view api_version, JsonNowSlots* now_slots) {
  w.begin_object();
  if (top_level) write_type_meta(w, "NodeMetrics", api_version);
  write_object_meta(w, {}, node.name, node.labels, now_ns, now_slots);
  write_sample_window(w, node.timestamp_ns, node.window_ns);
  write_usage(w, node.usage);
  w.end_object();
}

void write_pod(JsonWriter& w, const PodMetricsItem& pod, std::int64_t now_ns, bool top_level,
               std::string_view api_version, JsonNowSlots* now_slots) {
  w.begin_object();
  if (top_level) write_type_meta(w, "PodMetrics", api_version);
  write_object_meta(w, pod.namespace_name, pod.name, pod.labels, now_ns, now_slots);
  write_sample_window(w, pod.timestamp_ns, pod.window_ns);
  w.key("containers");
  w.begin_array();
  for (const ContainerItem& container : pod.containers) {
    w.begin_object();
    w.member("name", container.name);
    write_usage(w, container.usage);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

void write_node_metrics(JsonWriter& w, const NodeMetricsItem& node, std::int64_t now_ns, bool top_level,
                        std::string_view api_version) {
  write_node(w, node, now_ns, top_level, api_version, nullptr);
}

void write_pod_metrics(JsonWriter& w, const PodMetricsItem& pod, std::int64_t now_ns, bool top_level,
                       std::string_view api_version) {
  write_pod(w, pod, now_ns, top_level, api_version, nullptr);
}

void write_node_metrics_list(JsonWriter& w, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                             std::string_view api_version, JsonNowSlots* now_slots) {
  w.begin_object();
  write_list_head(w, "NodeMetricsList", api_version);
  for (const NodeMetricsItem& node : nodes) write_node(w, node, now_ns, false, api_version, now_slots);
  w.end_array();
  w.end_object();
}

void write_pod_metrics_list(JsonWriter& w, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                            std::string_view api_version, JsonNowSlots* now_slots) {
  w.begin_object();
  write_list_head(w, "PodMetricsList", api_version);
  for (const PodMetricsItem& pod : pods) write_pod(w, pod, now_ns, false, api_version, now_slots);
  w.end_array();
  w.end_object();
}

bool patch_now_json(std::span<char> body, std::span<const std::size_t> slots, std::int64_t now_ns) {
  std::string text;
  append_rfc3339_seconds(text, now_ns);
  if (text.size() != kNowJsonWidth) return false;
  for (std::size_t slot : slots) {
    if (slot > body.size() || body.size() - slot < kNowJsonWidth) return false;
  }
  for (std::size_t slot : slots) std::memcpy(body.data() + slot, text.data(), kNowJsonWidth);
  return true;
}

}  // namespace mpf::api::metrics
