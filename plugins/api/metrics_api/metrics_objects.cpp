#include "metrics_api/metrics_objects.h"

#include "metrics_api/go_format.h"
#include "metrics_api/quantity.h"

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
                       const Labels* labels, std::int64_t now_ns) {
  w.key("metadata");
  w.begin_object();
  w.member("name", name);
  if (!namespace_name.empty()) w.member("namespace", namespace_name);
  time_member(w, "creationTimestamp", now_ns);
  if (labels != nullptr && !labels->empty()) {
    w.key("labels");
    w.begin_object();
    for (const auto& [key, value] : *labels) w.member(key, value);
    w.end_object();
  }
  w.end_object();
}

void write_node_metrics(JsonWriter& w, const NodeMetricsItem& node, std::int64_t now_ns, bool top_level,
                        std::string_view api_version) {
  w.begin_object();
  if (top_level) write_type_meta(w, "NodeMetrics", api_version);
  write_object_meta(w, {}, node.name, node.labels, now_ns);
  write_sample_window(w, node.timestamp_ns, node.window_ns);
  write_usage(w, node.usage);
  w.end_object();
}

void write_pod_metrics(JsonWriter& w, const PodMetricsItem& pod, std::int64_t now_ns, bool top_level,
                       std::string_view api_version) {
  w.begin_object();
  if (top_level) write_type_meta(w, "PodMetrics", api_version);
  write_object_meta(w, pod.namespace_name, pod.name, pod.labels, now_ns);
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

void write_node_metrics_list(JsonWriter& w, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                             std::string_view api_version) {
  w.begin_object();
  write_list_head(w, "NodeMetricsList", api_version);
  for (const NodeMetricsItem& node : nodes) write_node_metrics(w, node, now_ns, false, api_version);
  w.end_array();
  w.end_object();
}

void write_pod_metrics_list(JsonWriter& w, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                            std::string_view api_version) {
  w.begin_object();
  write_list_head(w, "PodMetricsList", api_version);
  for (const PodMetricsItem& pod : pods) write_pod_metrics(w, pod, now_ns, false, api_version);
  w.end_array();
  w.end_object();
}

}  // namespace mpf::api::metrics
