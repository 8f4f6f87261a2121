#pragma once

/// @file
/// NodeMetrics / PodMetrics and their lists (metrics.k8s.io v1beta1 and v1) written field for field
/// as metrics-server's JSON: views over the caller's data, no copies.

#include <cstdint>
#include <optional>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics_api/json_writer.h"

namespace mpf::api::metrics {

inline constexpr std::string_view kApiVersionV1beta1 = "metrics.k8s.io/v1beta1";
inline constexpr std::string_view kApiVersionV1 = "metrics.k8s.io/v1";

/// Object labels, sorted by key (Go marshals map keys in sorted order; we do not re-sort).
using Labels = std::vector<std::pair<std::string, std::string>>;

struct MetricsUsage {
  std::uint64_t cpu_nanocores = 0;
  std::uint64_t memory_bytes = 0;
  std::optional<std::uint64_t> swap_bytes;  // written as "swap" only when set
};

struct NodeMetricsItem {
  std::string_view name;
  const Labels* labels = nullptr;  // null or empty: "labels" omitted
  std::int64_t timestamp_ns = 0;
  std::int64_t window_ns = 0;
  MetricsUsage usage;
};

struct ContainerItem {
  std::string_view name;
  MetricsUsage usage;
};

struct PodMetricsItem {
  std::string_view namespace_name;
  std::string_view name;
  const Labels* labels = nullptr;  // null or empty: "labels" omitted
  std::int64_t timestamp_ns = 0;
  std::int64_t window_ns = 0;
  std::span<const ContainerItem> containers;  // empty is written as [] (never null)
};

/// Where a body holds the request time: the offset of each creationTimestamp's 20 characters
/// ("2026-11-24T15:04:05Z"), so a list rendered once can be re-issued for another second by
/// overwriting them (see patch_now_json).
using JsonNowSlots = std::vector<std::size_t>;
inline constexpr std::size_t kNowJsonWidth = 20;

/// ObjectMeta as metrics-server fills it, in Go field order: "metadata": {name, namespace (pods
/// only), creationTimestamp (the request time), labels (omitted when empty)}. Written as a member.
void write_object_meta(JsonWriter& w, std::string_view namespace_name, std::string_view name, const Labels* labels,
                       std::int64_t now_ns, JsonNowSlots* now_slots = nullptr);

/// One NodeMetrics. `now_ns` is the request time, which metrics-server reports as
/// metadata.creationTimestamp. `top_level` adds kind/apiVersion (list items carry no TypeMeta).
void write_node_metrics(JsonWriter& w, const NodeMetricsItem& node, std::int64_t now_ns, bool top_level,
                        std::string_view api_version);

/// One PodMetrics; as write_node_metrics, plus metadata.namespace and containers instead of usage.
void write_pod_metrics(JsonWriter& w, const PodMetricsItem& pod, std::int64_t now_ns, bool top_level,
                       std::string_view api_version);

/// NodeMetricsList: kind, apiVersion, "metadata": {}, "items": [...] in the given order (the caller
/// sorts nodes by name, as metrics-server does).
void write_node_metrics_list(JsonWriter& w, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                             std::string_view api_version, JsonNowSlots* now_slots = nullptr);

/// PodMetricsList; the caller sorts pods by (namespace, name).
void write_pod_metrics_list(JsonWriter& w, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                            std::string_view api_version, JsonNowSlots* now_slots = nullptr);

/// Writes `now_ns` as the request time into every slot of `body` (compact or pretty). False, with
/// nothing changed, when a slot is out of range or the time is not 20 characters (years 1000-9999).
bool patch_now_json(std::span<char> body, std::span<const std::size_t> slots, std::int64_t now_ns);

}  // namespace mpf::api::metrics
