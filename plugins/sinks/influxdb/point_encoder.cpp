#include "point_encoder.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "line_protocol.h"

namespace mpf::sinks::influxdb {

namespace {

constexpr std::string_view kNode = "kubernetes_node";
constexpr std::string_view kPod = "kubernetes_pod";
constexpr std::string_view kContainer = "kubernetes_pod_container";
constexpr std::string_view kNamespace = "kubernetes_namespace";
constexpr std::string_view kCluster = "kubernetes_cluster";

constexpr std::string_view kCpuRate = "cpu_usage_nanocores";
constexpr std::string_view kCpuTotal = "cpu_usage_core_nanoseconds";
constexpr std::string_view kMemory = "memory_working_set_bytes";
constexpr std::string_view kSwap = "swap_usage_bytes";

// Collects lines into the current batch and hands it over when it holds max_lines lines.
class BatchBuilder {
 public:
  // `expected_lines`: about how many lines the snapshot makes, to size the buffer of a small one.
  BatchBuilder(std::size_t max_lines, std::size_t expected_lines, const LineBatchSink& sink)
      : max_lines_(max_lines), reserve_bytes_(std::min(max_lines, expected_lines) * kBytesPerLine), sink_(sink) {
    reset();
  }

  LineWriter& writer() { return writer_; }
  bool stopped() const { return stopped_; }

  // Ends the line begun on writer(); false once the sink asked to stop.
  bool end_line(std::int64_t timestamp_ns) {
    const std::size_t fields = writer_.end(timestamp_ns);
    if (fields == 0) return !stopped_;
    fields_ += fields;
    if (++lines_ == max_lines_) flush();
    return !stopped_;
  }

  void flush() {
    if (lines_ == 0 || stopped_) return;
    stopped_ = !sink_(std::move(text_), fields_);
    reset();
  }

 private:
  void reset() {
    text_ = std::string();
    text_.reserve(reserve_bytes_);
    lines_ = 0;
    fields_ = 0;
  }

  // A container line with a few extra tags is 200 to 250 bytes: one allocation per batch, mostly.
  static constexpr std::size_t kBytesPerLine = 256;

  std::size_t max_lines_;
  std::size_t reserve_bytes_;
  const LineBatchSink& sink_;
  std::string text_;
  LineWriter writer_{text_};
  std::size_t lines_ = 0;
  std::size_t fields_ = 0;
  bool stopped_ = false;
};

// The rate and last-value fields of a Usage, only those present.
void write_usage(LineWriter& w, const Usage& usage, bool with_swap) {
  if (usage.present & kHasCpu) w.field_uint(kCpuRate, usage.cpu_nanocores);
  if (usage.present & kHasMemory) w.field_uint(kMemory, usage.memory_working_set_bytes);
  if (with_swap && (usage.present & kHasSwap)) w.field_uint(kSwap, usage.swap_usage_bytes);
}

std::int64_t snapshot_time_ns(const Snapshot& s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(s.finished_at.time_since_epoch()).count();
}

// A usage without a time of its own (no sample) is stamped with the end of the cycle.
std::int64_t time_or(std::int64_t timestamp_ns, std::int64_t fallback_ns) {
  return timestamp_ns != 0 ? timestamp_ns : fallback_ns;
}

}  // namespace

PointEncoder::TagLayout::TagLayout(std::vector<std::string_view> point_keys,
                                   const std::map<std::string, std::string>& extra_tags) {
  std::vector<std::pair<std::string, Part>> keyed;
  for (std::size_t i = 0; i < point_keys.size(); ++i) {
    keyed.emplace_back(std::string(point_keys[i]), Part{std::string(point_keys[i]), static_cast<int>(i)});
  }
  for (const auto& [key, value] : extra_tags) {
    if (key.empty() || value.empty()) continue;  // not representable; the config refuses them anyway
    std::string text = ",";
    append_key(text, key);
    text += '=';
    append_key(text, value);
    keyed.emplace_back(key, Part{std::move(text), -1});
  }
  // By the unescaped key's bytes, as InfluxDB sorts (Go's bytes.Compare; std::string compares the
  // same way, as unsigned bytes).
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& entry : keyed) parts_.push_back(std::move(entry.second));
}

void PointEncoder::TagLayout::write(LineWriter& writer, std::initializer_list<std::string_view> values) const {
  for (const Part& part : parts_) {
    if (part.slot < 0) {
      writer.tag_escaped(part.text);
    } else if (static_cast<std::size_t>(part.slot) < values.size()) {
      writer.tag(part.text, values.begin()[part.slot]);
    }
  }
}

PointEncoder::PointEncoder(PointEncoderOptions options)
    : options_(std::move(options)),
      node_tags_({"node_name"}, options_.extra_tags),
      pod_tags_({"namespace", "node_name", "pod_name"}, options_.extra_tags),
      container_tags_({"container_name", "namespace", "node_name", "pod_name"}, options_.extra_tags),
      namespace_tags_({"namespace"}, options_.extra_tags),
      cluster_tags_({}, options_.extra_tags) {
  options_.max_lines_per_batch = std::max<std::size_t>(options_.max_lines_per_batch, 1);
}

bool PointEncoder::encode(const Snapshot& s, const LineBatchSink& sink) const {
  const std::size_t expected_lines =
      2 * s.nodes.size() + s.pods.size() + 2 * s.containers.size() + s.namespaces.size() + 1;
  BatchBuilder batch(options_.max_lines_per_batch, expected_lines, sink);
  LineWriter& w = batch.writer();
  const std::int64_t now_ns = snapshot_time_ns(s);

  for (const NodeMetrics& node : s.nodes) {
    w.begin(kNode);
    node_tags_.write(w, {s.names.name(node.name)});
    write_usage(w, node.usage, /*with_swap=*/true);
    if (!batch.end_line(time_or(node.usage.timestamp_ns, now_ns))) return false;
  }
  // Cumulative counters exist only in the raw scrapes. They go on lines of their own: InfluxDB merges
  // the fields of lines with the same series and time, so no join with the rates is needed.
  for (const ScrapeResult& scrape : s.scrapes) {
    if (!scrape.batch || !scrape.batch->has_node_sample || !scrape.batch->node_sample.has(kHasCpu)) continue;
    const NodeBatch& b = *scrape.batch;
    w.begin(kNode);
    node_tags_.write(w, {b.node_name.empty() ? std::string_view(scrape.target) : std::string_view(b.node_name)});
    w.field_uint(kCpuTotal, b.node_sample.cpu_usage_core_ns);
    if (!batch.end_line(b.node_sample.timestamp_ns)) return false;
  }

  for (const PodMetrics& pod : s.pods) {
    const std::string_view ns = s.names.name(pod.namespace_name);
    const std::string_view name = s.names.name(pod.name);
    const std::string_view node = s.names.name(pod.node);
    w.begin(kPod);
    pod_tags_.write(w, {ns, node, name});
    write_usage(w, pod.usage, /*with_swap=*/false);
    if (!batch.end_line(time_or(pod.usage.timestamp_ns, now_ns))) return false;
    const std::size_t first = std::min<std::size_t>(pod.first_container, s.containers.size());
    const std::size_t last = std::min<std::size_t>(first + pod.container_count, s.containers.size());
    for (std::size_t i = first; i < last; ++i) {
      const ContainerMetrics& c = s.containers[i];
      w.begin(kContainer);
      container_tags_.write(w, {s.names.name(c.name), ns, node, name});
      write_usage(w, c.usage, /*with_swap=*/false);
      if (!batch.end_line(time_or(c.usage.timestamp_ns, now_ns))) return false;
    }
  }
  for (const ScrapeResult& scrape : s.scrapes) {
    if (!scrape.batch) continue;
    const NodeBatch& b = *scrape.batch;
    const std::string_view node = b.node_name.empty() ? std::string_view(scrape.target) : std::string_view(b.node_name);
    for (const ContainerSample& c : b.containers) {
      if (!c.sample.has(kHasCpu)) continue;
      w.begin(kContainer);
      container_tags_.write(w, {b.names.name(c.container_name), b.names.name(c.namespace_name), node,
                                b.names.name(c.pod_name)});
      w.field_uint(kCpuTotal, c.sample.cpu_usage_core_ns);
      if (!batch.end_line(c.sample.timestamp_ns)) return false;
    }
  }

  if (options_.totals) {
    for (const NamespaceTotals& n : s.namespaces) {
      w.begin(kNamespace);
      namespace_tags_.write(w, {s.names.name(n.name)});
      write_usage(w, n.usage, /*with_swap=*/false);
      w.field_uint("pod_count", n.pods);
      if (!batch.end_line(time_or(n.usage.timestamp_ns, now_ns))) return false;
    }
    const ClusterTotals& c = s.cluster;
    // All zero when no totals processor ran: no line rather than a cluster of nothing.
    if (c.node_count != 0 || c.pod_count != 0 || c.nodes.present != 0 || c.pods.present != 0) {
      w.begin(kCluster);
      cluster_tags_.write(w, {});
      if (c.nodes.present & kHasCpu) w.field_uint("node_cpu_usage_nanocores", c.nodes.cpu_nanocores);
      if (c.nodes.present & kHasMemory) w.field_uint("node_memory_working_set_bytes", c.nodes.memory_working_set_bytes);
      if (c.pods.present & kHasCpu) w.field_uint("pod_cpu_usage_nanocores", c.pods.cpu_nanocores);
      if (c.pods.present & kHasMemory) w.field_uint("pod_memory_working_set_bytes", c.pods.memory_working_set_bytes);
      w.field_uint("node_count", c.node_count);
      w.field_uint("pod_count", c.pod_count);
      if (!batch.end_line(time_or(std::max(c.nodes.timestamp_ns, c.pods.timestamp_ns), now_ns))) return false;
    }
  }
  batch.flush();
  return !batch.stopped();
}

}  // namespace mpf::sinks::influxdb
