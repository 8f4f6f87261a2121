#include "series_encoder.h"

#include <algorithm>
#include <chrono>

#include "protobuf_writer.h"

namespace mpf::sinks::remote_write {
namespace {

constexpr std::string_view kMetricNames[] = {
    "k8s_node_cpu_usage_nanocores",
    "k8s_node_memory_working_set_bytes",
    "k8s_node_swap_usage_bytes",
    "k8s_node_cpu_usage_seconds_total",
    "k8s_pod_cpu_usage_nanocores",
    "k8s_pod_memory_working_set_bytes",
    "k8s_pod_swap_usage_bytes",
    "k8s_container_cpu_usage_nanocores",
    "k8s_container_memory_working_set_bytes",
    "k8s_container_cpu_usage_seconds_total",
    "k8s_namespace_cpu_usage_nanocores",
    "k8s_namespace_memory_working_set_bytes",
    "k8s_cluster_cpu_usage_nanocores",
    "k8s_cluster_memory_working_set_bytes",
};

// The entity label names of each kind, in the order their values are passed to LabelLayout::encode().
constexpr std::string_view kNodeLabels[] = {"node"};
constexpr std::string_view kPodLabels[] = {"namespace", "node", "pod"};
constexpr std::string_view kContainerLabels[] = {"container", "namespace", "node", "pod"};
constexpr std::string_view kNamespaceLabels[] = {"namespace"};

constexpr std::int64_t kNanosPerMilli = 1'000'000;

std::int64_t to_ms(std::int64_t ns) { return ns / kNanosPerMilli; }

// A Sample message: value (fixed64 double) and timestamp (varint int64; negative ones take 10 bytes).
std::size_t sample_size(std::int64_t timestamp_ms) {
  return 1 + 8 + 1 + pb::varint_size(static_cast<std::uint64_t>(timestamp_ms));
}

}  // namespace

SeriesEncoder::SeriesEncoder(const std::map<std::string, std::string>& external_labels, SeriesOptions options)
    : options_(options),
      node_layout_(kNodeLabels, external_labels),
      pod_layout_(kPodLabels, external_labels),
      container_layout_(kContainerLabels, external_labels),
      namespace_layout_(kNamespaceLabels, external_labels),
      cluster_layout_({}, external_labels) {
  options_.max_series_per_request = std::max<std::size_t>(1, options_.max_series_per_request);
  static_assert(std::size(kMetricNames) == kMetricCount);
  for (std::size_t i = 0; i < kMetricCount; ++i) append_label_field(metric_labels_[i], "__name__", kMetricNames[i]);
}

bool SeriesEncoder::encode(const Snapshot& snapshot, const RequestSink& sink) {
  sink_ = &sink;
  stopped_ = false;
  used_ = 0;
  series_ = 0;
  encode_nodes(snapshot);
  encode_pods(snapshot);
  if (options_.cumulative) encode_cumulative(snapshot);
  if (options_.totals) encode_totals(snapshot);
  if (series_ > 0) flush();
  sink_ = nullptr;
  return !stopped_;
}

void SeriesEncoder::encode_nodes(const Snapshot& snapshot) {
  for (const NodeMetrics& node : snapshot.nodes) {
    if (stopped_) return;
    const std::string_view values[] = {snapshot.names.name(node.name)};
    node_layout_.encode(values, before_, after_);
    write_usage(node.usage, to_ms(node.usage.timestamp_ns), kNodeCpu, kNodeMemory, kNodeSwap);
  }
}

void SeriesEncoder::encode_pods(const Snapshot& snapshot) {
  const std::size_t container_count = snapshot.containers.size();
  for (const PodMetrics& pod : snapshot.pods) {
    if (stopped_) return;
    const std::string_view namespace_name = snapshot.names.name(pod.namespace_name);
    const std::string_view pod_name = snapshot.names.name(pod.name);
    const std::string_view node_name = snapshot.names.name(pod.node);
    const std::string_view pod_values[] = {namespace_name, node_name, pod_name};
    pod_layout_.encode(pod_values, before_, after_);
    write_usage(pod.usage, to_ms(pod.usage.timestamp_ns), kPodCpu, kPodMemory, kPodSwap);
    // A pod pointing past the container list would be a host bug; write what exists.
    const std::size_t first = std::min<std::size_t>(pod.first_container, container_count);
    const std::size_t last = std::min<std::size_t>(first + pod.container_count, container_count);
    for (std::size_t i = first; i < last; ++i) {
      const ContainerMetrics& container = snapshot.containers[i];
      const std::string_view values[] = {snapshot.names.name(container.name), namespace_name, node_name, pod_name};
      container_layout_.encode(values, before_, after_);
      write_usage(container.usage, to_ms(container.usage.timestamp_ns), kContainerCpu, kContainerMemory,
                  kMetricCount);
    }
  }
}

void SeriesEncoder::encode_cumulative(const Snapshot& snapshot) {
  constexpr double kSecondsPerNano = 1e-9;
  for (const ScrapeResult& scrape : snapshot.scrapes) {
    if (stopped_) return;
    if (!scrape.batch) continue;
    const NodeBatch& batch = *scrape.batch;
    if (batch.has_node_sample && batch.node_sample.has(kHasCpu)) {
      const std::string_view values[] = {batch.node_name};
      node_layout_.encode(values, before_, after_);
      write_series(kNodeCpuTotal, static_cast<double>(batch.node_sample.cpu_usage_core_ns) * kSecondsPerNano,
                   to_ms(batch.node_sample.timestamp_ns));
    }
    for (const ContainerSample& container : batch.containers) {
      if (stopped_) return;
      if (!container.sample.has(kHasCpu)) continue;
      const std::string_view values[] = {batch.names.name(container.container_name),
                                         batch.names.name(container.namespace_name), batch.node_name,
                                         batch.names.name(container.pod_name)};
      container_layout_.encode(values, before_, after_);
      write_series(kContainerCpuTotal, static_cast<double>(container.sample.cpu_usage_core_ns) * kSecondsPerNano,
                   to_ms(container.sample.timestamp_ns));
    }
  }
}

void SeriesEncoder::encode_totals(const Snapshot& snapshot) {
  // Totals built without a window of their own may carry no time; the cycle's end stands in.
  const std::int64_t finished_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(snapshot.finished_at.time_since_epoch()).count();
  auto timestamp_of = [&](const Usage& usage) {
    return usage.timestamp_ns != 0 ? to_ms(usage.timestamp_ns) : finished_ms;
  };
  for (const NamespaceTotals& ns : snapshot.namespaces) {
    if (stopped_) return;
    const std::string_view values[] = {snapshot.names.name(ns.name)};
    namespace_layout_.encode(values, before_, after_);
    write_usage(ns.usage, timestamp_of(ns.usage), kNamespaceCpu, kNamespaceMemory, kMetricCount);
  }
  // The cluster's usage is what its nodes report (system daemons included), as `kubectl top nodes`.
  cluster_layout_.encode({}, before_, after_);
  write_usage(snapshot.cluster.nodes, timestamp_of(snapshot.cluster.nodes), kClusterCpu, kClusterMemory, kMetricCount);
}

void SeriesEncoder::write_usage(const Usage& usage, std::int64_t timestamp_ms, Metric cpu, Metric memory,
                                Metric swap) {
  if ((usage.present & kHasCpu) != 0) write_series(cpu, static_cast<double>(usage.cpu_nanocores), timestamp_ms);
  if ((usage.present & kHasMemory) != 0) {
    write_series(memory, static_cast<double>(usage.memory_working_set_bytes), timestamp_ms);
  }
  if (swap != kMetricCount && (usage.present & kHasSwap) != 0) {
    write_series(swap, static_cast<double>(usage.swap_usage_bytes), timestamp_ms);
  }
}

void SeriesEncoder::write_series(Metric metric, double value, std::int64_t timestamp_ms) {
  if (stopped_) return;
  const std::string& name_label = metric_labels_[metric];
  const std::size_t sample = sample_size(timestamp_ms);
  const std::size_t series_body =
      before_.size() + name_label.size() + after_.size() + pb::length_delimited_size(sample);
  const std::size_t field = pb::length_delimited_size(series_body);
  if (used_ + field > buffer_.size()) {
    // Doubling keeps growth amortised; the buffer then stays at its largest request's size.
    buffer_.resize(std::max(used_ + field, buffer_.size() * 2));
  }
  char* p = buffer_.data() + used_;
  p = pb::put_byte(p, pb::tag(1, pb::kLengthDelimited));  // WriteRequest.timeseries
  p = pb::put_varint(p, series_body);
  p = pb::put_bytes(p, before_);
  p = pb::put_bytes(p, name_label);
  p = pb::put_bytes(p, after_);
  p = pb::put_byte(p, pb::tag(2, pb::kLengthDelimited));  // TimeSeries.samples
  p = pb::put_varint(p, sample);
  p = pb::put_byte(p, pb::tag(1, pb::kFixed64));  // Sample.value
  p = pb::put_double(p, value);
  p = pb::put_byte(p, pb::tag(2, pb::kVarint));  // Sample.timestamp
  p = pb::put_varint(p, static_cast<std::uint64_t>(timestamp_ms));
  used_ = static_cast<std::size_t>(p - buffer_.data());
  if (++series_ == options_.max_series_per_request) flush();
}

bool SeriesEncoder::flush() {
  const bool more = (*sink_)(std::string_view(buffer_.data(), used_), series_);
  used_ = 0;
  series_ = 0;
  if (!more) stopped_ = true;
  return more;
}

}  // namespace mpf::sinks::remote_write
