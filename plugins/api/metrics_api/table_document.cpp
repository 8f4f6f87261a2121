#include "metrics_api/table_document.h"

#include <functional>
#include <vector>

#include "metrics_api/go_format.h"
#include "metrics_api/quantity.h"

namespace mpf::api::metrics {
namespace {

// A Go ResourceList's key set: keys sort as cpu < memory < swap, the bit order.
enum Resource : unsigned { kCpu = 1, kMemory = 2, kSwap = 4 };

// One row's usage: a node's, or the sum of a pod's containers (Quantity.Add keeps each operand's
// scale and format, so the sum prints exactly as cpu_quantity / memory_quantity of the total).
struct RowUsage {
  unsigned resources = 0;
  std::uint64_t cpu = 0;
  std::uint64_t memory = 0;
  std::uint64_t swap = 0;

  void add(const MetricsUsage& u) {
    resources |= kCpu | kMemory;
    cpu += u.cpu_nanocores;
    memory += u.memory_bytes;
    if (u.swap_bytes) resources |= kSwap, swap += *u.swap_bytes;
  }
};

RowUsage usage_of(const NodeMetricsItem& node) {
  RowUsage u;
  u.add(node.usage);
  return u;
}

RowUsage usage_of(const PodMetricsItem& pod) {
  RowUsage u;
  for (const ContainerItem& c : pod.containers) u.add(c.usage);
  return u;
}

void column(JsonWriter& w, std::string_view name, std::string_view format, std::string_view description) {
  // TableColumnDefinition in Go field order; none of its fields is omitempty.
  w.begin_object();
  w.member("name", name);
  w.member("type", "string");
  w.member("format", format);
  w.member("description", description);
  w.key("priority");
  w.int64(0);
  w.end_object();
}

void write_columns(JsonWriter& w, unsigned resources) {
  w.key("columnDefinitions");
  w.begin_array();
  column(w, "Name", "name", "Name of the resource");
  if (resources & kCpu) column(w, "cpu", "quantity", "");
  if (resources & kMemory) column(w, "memory", "quantity", "");
  if (resources & kSwap) column(w, "swap", "quantity", "");
  column(w, "Window", "duration", "");
  w.end_array();
}

// A resource the row lacks reads as the zero Quantity, "0".
void write_cells(JsonWriter& w, std::string_view name, unsigned columns, const RowUsage& u, std::int64_t window_ns) {
  w.key("cells");
  w.begin_array();
  w.string(name);
  if (columns & kCpu) {
    append_cpu_quantity(w.begin_raw_string(), (u.resources & kCpu) ? u.cpu : 0);
    w.end_raw_string();
  }
  if (columns & kMemory) {
    append_memory_quantity(w.begin_raw_string(), (u.resources & kMemory) ? u.memory : 0);
    w.end_raw_string();
  }
  if (columns & kSwap) {
    append_memory_quantity(w.begin_raw_string(), (u.resources & kSwap) ? u.swap : 0);
    w.end_raw_string();
  }
  w.string(go_duration(window_ns));
  w.end_array();
}

void write_partial_object_metadata(JsonWriter& w, std::string_view api_version, std::string_view namespace_name,
                                   std::string_view name, const Labels* labels, std::int64_t now_ns) {
  w.begin_object();
  w.member("kind", "PartialObjectMetadata");
  w.member("apiVersion", api_version);
  write_object_meta(w, namespace_name, name, labels, now_ns);
  w.end_object();
}

// metrics-server's addNodeMetricsToTable / addPodMetricsToTable: the column set is fixed by the first
// item with a non-empty usage (its `names == nil` test re-runs until then).
template <typename Item>
void write_table(JsonWriter& w, std::span<const Item> items, const TableOptions& options,
                 const std::function<void(const Item&)>& write_object,
                 const std::function<void(const Item&)>& write_metadata) {
  std::vector<RowUsage> usages;
  usages.reserve(items.size());
  for (const Item& item : items) usages.push_back(usage_of(item));
  unsigned columns = 0;
  for (const RowUsage& u : usages) {
    if (u.resources != 0) {
      columns = u.resources;
      break;
    }
  }

  w.begin_object();
  w.member("kind", "Table");
  w.member("apiVersion", options.table_api_version);
  w.key("metadata");
  w.begin_object();  // the list's resourceVersion/selfLink/continue, all empty
  w.end_object();
  if (items.empty()) {
    w.key("columnDefinitions");
    w.null();
    w.key("rows");
    w.null();
    w.end_object();
    return;
  }
  write_columns(w, columns);
  w.key("rows");
  w.begin_array();
  bool columns_fixed = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    columns_fixed = columns_fixed || usages[i].resources != 0;
    w.begin_object();
    write_cells(w, items[i].name, columns_fixed ? columns : 0, usages[i], items[i].window_ns);
    w.key("object");
    switch (options.include_object) {
      case IncludeObject::kNone: w.null(); break;
      case IncludeObject::kMetadata: write_metadata(items[i]); break;
      case IncludeObject::kObject: write_object(items[i]); break;
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

void write_node_metrics_table(JsonWriter& w, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                              const TableOptions& options) {
  write_table<NodeMetricsItem>(
      w, nodes, options,
      [&](const NodeMetricsItem& n) { write_node_metrics(w, n, now_ns, true, options.object_api_version); },
      [&](const NodeMetricsItem& n) {
        write_partial_object_metadata(w, options.table_api_version, {}, n.name, n.labels, now_ns);
      });
}

void write_pod_metrics_table(JsonWriter& w, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                             const TableOptions& options) {
  write_table<PodMetricsItem>(
      w, pods, options,
      [&](const PodMetricsItem& p) { write_pod_metrics(w, p, now_ns, true, options.object_api_version); },
      [&](const PodMetricsItem& p) {
        write_partial_object_metadata(w, options.table_api_version, p.namespace_name, p.name, p.labels, now_ns);
      });
}

}  // namespace mpf::api::metrics
