#include "json_lines_encoder.h"

#include <algorithm>
#include <chrono>

#include "raw_sample_index.h"

namespace mpf::sinks::jsonl {

namespace {

constexpr UsageKeys kClusterNodesKeys{"nodes_window_seconds", "nodes_cpu_usage_nanocores",
                                      "nodes_memory_working_set_bytes", "nodes_swap_usage_bytes",
                                      "nodes_ephemeral_storage_bytes"};
constexpr UsageKeys kClusterPodsKeys{"pods_window_seconds", "pods_cpu_usage_nanocores",
                                     "pods_memory_working_set_bytes", "pods_swap_usage_bytes",
                                     "pods_ephemeral_storage_bytes"};

std::int64_t unix_ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// An entity's time is that of its newest sample; one without samples gets the cycle's end.
std::int64_t time_of(const Usage& usage, std::int64_t cycle_end_ns) {
  return usage.timestamp_ns != 0 ? usage.timestamp_ns : cycle_end_ns;
}

std::int64_t cluster_time(const ClusterTotals& c, std::int64_t cycle_end_ns) {
  std::int64_t newest = std::max(c.nodes.timestamp_ns, c.pods.timestamp_ns);
  return newest != 0 ? newest : cycle_end_ns;
}

std::string_view status_name(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kRetryable: return "retryable";
    case StatusCode::kPermanent: return "permanent";
    case StatusCode::kInvalidArgument: return "invalid_argument";
  }
  return "unknown";
}

void write_cumulative(JsonLine& line, const Sample* raw) {
  if (raw != nullptr && raw->has(kHasCpu)) line.value("cpu_usage_core_nanoseconds", raw->cpu_usage_core_ns);
}

void write_scrape_fields(JsonLine& line, const ScrapeResult& scrape) {
  line.string("source", scrape.source);
  line.string("target", scrape.target);
  line.string("status", status_name(scrape.status));
  if (scrape.reason != FailureReason::kNone) line.string("reason", failure_reason_name(scrape.reason));
  if (!scrape.status.is_ok()) line.string("error", scrape.status.message());
  line.seconds("duration_seconds", scrape.duration.count());
}

// The containers of `pod` that really exist (a malformed snapshot never reads out of bounds).
std::pair<std::size_t, std::size_t> container_range(const Snapshot& s, const PodMetrics& pod) {
  std::size_t first = std::min<std::size_t>(pod.first_container, s.containers.size());
  std::size_t last = std::min<std::size_t>(first + pod.container_count, s.containers.size());
  return {first, last};
}

}  // namespace

bool JsonLinesEncoder::encode(const Snapshot& snapshot, const LineConsumer& consumer) {
  if (options_.shape == JsonShape::kSample) return encode_samples(snapshot, consumer);
  encode_snapshot(snapshot);
  return consumer(line_.text(), line_.values());
}

bool JsonLinesEncoder::encode_samples(const Snapshot& s, const LineConsumer& consumer) {
  const RawSampleIndex raw(s);
  const std::int64_t cycle_end = unix_ns(s.finished_at);
  auto begin = [&](std::string_view kind, std::int64_t time_ns) {
    line_.reset();
    line_.begin_object();
    line_.time("time", time_ns);
    line_.uint("cycle", s.cycle);
    line_.string("kind", kind);
  };
  auto finish = [&] {
    line_.end_object();
    return consumer(line_.text(), line_.values());
  };

  for (const NodeMetrics& node : s.nodes) {
    std::string_view name = s.names.name(node.name);
    begin("node", time_of(node.usage, cycle_end));
    line_.string("node", name);
    line_.usage(node.usage);
    write_cumulative(line_, raw.node(name));
    if (!finish()) return false;
  }
  for (const PodMetrics& pod : s.pods) {
    std::string_view node = s.names.name(pod.node);
    std::string_view ns = s.names.name(pod.namespace_name);
    std::string_view name = s.names.name(pod.name);
    begin("pod", time_of(pod.usage, cycle_end));
    line_.string_if_set("node", node);
    line_.string("namespace", ns);
    line_.string("pod", name);
    line_.usage(pod.usage);
    write_cumulative(line_, raw.pod(node, ns, name));
    if (!finish()) return false;
    auto [first, last] = container_range(s, pod);
    for (std::size_t i = first; i < last; ++i) {
      const ContainerMetrics& c = s.containers[i];
      std::string_view container = s.names.name(c.name);
      begin("container", time_of(c.usage, cycle_end));
      line_.string_if_set("node", node);
      line_.string("namespace", ns);
      line_.string("pod", name);
      line_.string("container", container);
      line_.usage(c.usage);
      write_cumulative(line_, raw.container(node, ns, name, container));
      if (!finish()) return false;
    }
  }
  if (options_.totals) {
    for (const NamespaceTotals& ns : s.namespaces) {
      begin("namespace", time_of(ns.usage, cycle_end));
      line_.string("namespace", s.names.name(ns.name));
      line_.uint("pod_count", ns.pods);
      line_.usage(ns.usage);
      if (!finish()) return false;
    }
    begin("cluster", cluster_time(s.cluster, cycle_end));
    line_.uint("node_count", s.cluster.node_count);
    line_.uint("pod_count", s.cluster.pod_count);
    line_.usage(s.cluster.nodes, kClusterNodesKeys);
    line_.usage(s.cluster.pods, kClusterPodsKeys);
    if (!finish()) return false;
  }
  if (options_.scrapes) {
    for (const ScrapeResult& scrape : s.scrapes) {
      begin("scrape", cycle_end);
      write_scrape_fields(line_, scrape);
      if (!finish()) return false;
    }
  }
  return true;
}

void JsonLinesEncoder::encode_snapshot(const Snapshot& s) {
  const RawSampleIndex raw(s);
  const std::int64_t cycle_end = unix_ns(s.finished_at);
  line_.reset();
  line_.begin_object();
  line_.time("time", cycle_end);
  line_.time("started", unix_ns(s.started_at));
  line_.uint("cycle", s.cycle);
  line_.seconds("duration_seconds", cycle_end - unix_ns(s.started_at));

  line_.begin_array("nodes");
  for (const NodeMetrics& node : s.nodes) {
    std::string_view name = s.names.name(node.name);
    line_.begin_object();
    line_.string("node", name);
    line_.time("time", time_of(node.usage, cycle_end));
    line_.usage(node.usage);
    write_cumulative(line_, raw.node(name));
    line_.end_object();
  }
  line_.end_array();

  line_.begin_array("pods");
  for (const PodMetrics& pod : s.pods) {
    std::string_view node = s.names.name(pod.node);
    std::string_view ns = s.names.name(pod.namespace_name);
    std::string_view name = s.names.name(pod.name);
    line_.begin_object();
    line_.string_if_set("node", node);
    line_.string("namespace", ns);
    line_.string("pod", name);
    line_.time("time", time_of(pod.usage, cycle_end));
    line_.usage(pod.usage);
    write_cumulative(line_, raw.pod(node, ns, name));
    line_.begin_array("containers");
    auto [first, last] = container_range(s, pod);
    for (std::size_t i = first; i < last; ++i) {
      const ContainerMetrics& c = s.containers[i];
      std::string_view container = s.names.name(c.name);
      line_.begin_object();
      line_.string("container", container);
      line_.time("time", time_of(c.usage, cycle_end));
      line_.usage(c.usage);
      write_cumulative(line_, raw.container(node, ns, name, container));
      line_.end_object();
    }
    line_.end_array();
    line_.end_object();
  }
  line_.end_array();

  if (options_.totals) {
    line_.begin_array("namespaces");
    for (const NamespaceTotals& ns : s.namespaces) {
      line_.begin_object();
      line_.string("namespace", s.names.name(ns.name));
      line_.uint("pod_count", ns.pods);
      line_.time("time", time_of(ns.usage, cycle_end));
      line_.usage(ns.usage);
      line_.end_object();
    }
    line_.end_array();
    line_.begin_object("cluster");
    line_.uint("node_count", s.cluster.node_count);
    line_.uint("pod_count", s.cluster.pod_count);
    line_.begin_object("nodes");
    line_.time("time", time_of(s.cluster.nodes, cycle_end));
    line_.usage(s.cluster.nodes);
    line_.end_object();
    line_.begin_object("pods");
    line_.time("time", time_of(s.cluster.pods, cycle_end));
    line_.usage(s.cluster.pods);
    line_.end_object();
    line_.end_object();
  }

  line_.begin_array("scrapes");
  for (const ScrapeResult& scrape : s.scrapes) {
    line_.begin_object();
    write_scrape_fields(line_, scrape);
    line_.end_object();
  }
  line_.end_array();
  line_.end_object();
}

}  // namespace mpf::sinks::jsonl
