#include "tests/sim/kubelet_responses.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/writer.h>

#include <vector>

#include "tests/sim/json_sink.h"
#include "tests/sim/text_format.h"

namespace mpf::sim {
namespace {

constexpr int64_t kMillisecond = 1000000;

// ---- /metrics/resource ----

constexpr std::string_view kStable = "STABLE";
constexpr std::string_view kAlpha = "ALPHA";
constexpr std::string_view kScrapeErrorHelp = "1 if there was an error while getting container metrics, 0 otherwise";

void append_header(std::string& out, std::string_view name, std::string_view stability, std::string_view help,
                   std::string_view type) {
  out += "# HELP ";
  out += name;
  out += " [";
  out += stability;
  out += "] ";
  out += help;
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

void append_container_series(std::string& out, std::string_view family, const PodSpec& pod,
                             const ContainerSpec& container) {
  out += family;
  out += "{container=\"";
  out += container.name;
  out += "\",namespace=\"";
  out += pod.namespace_name;
  out += "\",pod=\"";
  out += pod.name;
  out += "\"} ";
}

void append_pod_series(std::string& out, std::string_view family, const PodSpec& pod) {
  out += family;
  out += "{namespace=\"";
  out += pod.namespace_name;
  out += "\",pod=\"";
  out += pod.name;
  out += "\"} ";
}

// " <value> <timestamp ms>\n" after the series name.
void append_value(std::string& out, double value, int64_t timestamp_ms) {
  append_go_float(out, value);
  out.push_back(' ');
  append_decimal(out, timestamp_ms);
  out.push_back('\n');
}

double seconds(uint64_t core_ns) { return static_cast<double>(core_ns) / 1e9; }

// ---- /stats/summary ----

uint64_t cpu_between(uint64_t nanocores, int64_t from_ns, int64_t to_ns) {
  if (to_ns <= from_ns) return 0;
  return static_cast<uint64_t>(static_cast<unsigned __int128>(nanocores) * static_cast<uint64_t>(to_ns - from_ns) /
                               1000000000U);
}

uint64_t page_floor(uint64_t bytes) { return bytes & ~uint64_t{4095}; }

struct MemoryFigures {
  int64_t time_ms = 0;
  bool has_available = false;
  uint64_t available_bytes = 0;
  uint64_t working_set_bytes = 0;
  uint64_t cpu_core_ns = 0;  // Page faults are derived from it so that they only grow.
};

template <class Writer>
class SummaryWriter {
 public:
  SummaryWriter(Writer& w, const SummaryOptions& options) : w_(w), options_(options) {}

  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void string(std::string_view v) { w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
  void time(std::string_view k, int64_t unix_ns) {
    scratch_.clear();
    append_rfc3339_seconds(scratch_, unix_ns);
    key(k);
    string(scratch_);
  }
  void number(std::string_view k, uint64_t v) {
    key(k);
    w_.Uint64(v);
  }

  // Pressure stall information. Go's encoding/json prints 0 as "0" and 41.11 as "41.11", so the averages
  // are written as raw hundredths rather than through RapidJSON's double formatting ("0.0").
  void psi(uint64_t stalled_us, uint64_t avg10_hundredths) {
    key("psi");
    w_.StartObject();
    for (std::string_view kind : {"full", "some"}) {
      const uint64_t total = kind == "full" ? stalled_us * 9 / 10 : stalled_us;
      key(kind);
      w_.StartObject();
      number("total", total);
      average("avg10", avg10_hundredths);
      average("avg60", avg10_hundredths * 3 / 4);
      average("avg300", avg10_hundredths / 2);
      w_.EndObject();
    }
    w_.EndObject();
  }

  void cpu(int64_t time_ms, uint64_t nanocores, uint64_t core_ns) {
    key("cpu");
    w_.StartObject();
    time("time", time_ms * kMillisecond);
    number("usageNanoCores", nanocores);
    number("usageCoreNanoSeconds", core_ns);
    if (options_.psi) psi(core_ns / 1000 / 50, nanocores / 2000000 % 10000);
    w_.EndObject();
  }

  void memory(const MemoryFigures& m) {
    key("memory");
    w_.StartObject();
    time("time", m.time_ms * kMillisecond);
    if (m.has_available) number("availableBytes", m.available_bytes);
    const uint64_t ws = m.working_set_bytes;
    number("usageBytes", ws + page_floor(ws / 8));
    number("workingSetBytes", ws);
    number("rssBytes", ws - page_floor(ws / 10));
    const uint64_t faults = ws == 0 ? 0 : ws / 4096 + m.cpu_core_ns / 1000000;
    number("pageFaults", faults);
    number("majorPageFaults", faults / 1000);
    if (options_.psi) psi(0, 0);
    w_.EndObject();
  }

  void swap(int64_t time_ms, bool with_available, uint64_t available_bytes) {
    key("swap");
    w_.StartObject();
    time("time", time_ms * kMillisecond);
    if (with_available) number("swapAvailableBytes", available_bytes);
    number("swapUsageBytes", 0);
    w_.EndObject();
  }

  void system_container(std::string_view name, int64_t start_ns, int64_t time_ms, uint64_t nanocores,
                        uint64_t core_ns, uint64_t working_set) {
    w_.StartObject();
    key("name");
    string(name);
    time("startTime", start_ns);
    cpu(time_ms, nanocores, core_ns);
    memory({time_ms, false, 0, working_set, core_ns});
    swap(time_ms, false, 0);
    w_.EndObject();
  }

  Writer& raw() { return w_; }

 private:
  void average(std::string_view k, uint64_t hundredths) {
    scratch_.clear();
    append_decimal(scratch_, hundredths / 100);
    if (hundredths % 100 != 0) {
      scratch_.push_back('.');
      scratch_.push_back(static_cast<char>('0' + hundredths / 10 % 10));
      if (hundredths % 10 != 0) scratch_.push_back(static_cast<char>('0' + hundredths % 10));
    }
    key(k);
    w_.RawValue(scratch_.data(), scratch_.size(), rapidjson::kNumberType);
  }

  Writer& w_;
  const SummaryOptions& options_;
  std::string scratch_;
};

template <class Writer>
void write_summary(Writer& writer, const ClusterModel& model, size_t node_index, int64_t now_ms,
                   const SummaryOptions& options) {
  SummaryWriter<Writer> s(writer, options);
  Writer& w = s.raw();
  const NodeSpec& node = model.node(node_index);
  const bool zero = model.counter_mode(node_index) == CounterMode::kZero;
  const NodeSample ns = model.sample_node(node_index, now_ms);
  const int64_t node_t = ns.usage.time_ms * kMillisecond;

  w.StartObject();
  s.key("node");
  w.StartObject();
  s.key("nodeName");
  s.string(node.name);
  s.key("systemContainers");
  w.StartArray();
  // The kubelet is part of the node's system share; "pods" is everything under kubepods.
  const int64_t kubelet_start = ns.boot_unix_ns + 4000 * kMillisecond;
  const uint64_t kubelet_rate = zero ? 0 : node.system_cpu_nanocores / 3;
  s.system_container("kubelet", kubelet_start, ns.usage.time_ms, kubelet_rate,
                     zero ? 0 : cpu_between(kubelet_rate, kubelet_start, node_t),
                     zero ? 0 : page_floor(node.system_memory_bytes / 4));
  const uint64_t system_cpu = cpu_between(node.system_cpu_nanocores, ns.boot_unix_ns, node_t);
  s.system_container("pods", ns.boot_unix_ns, ns.usage.time_ms,
                     zero ? 0 : model.node_cpu_nanocores(node_index) - node.system_cpu_nanocores,
                     zero ? 0 : ns.usage.cpu_core_ns - system_cpu,
                     zero ? 0 : ns.usage.working_set_bytes - node.system_memory_bytes);
  w.EndArray();
  s.time("startTime", ns.boot_unix_ns);
  s.cpu(ns.usage.time_ms, model.node_cpu_nanocores(node_index), ns.usage.cpu_core_ns);
  s.memory({ns.usage.time_ms, true, node.capacity_memory_bytes - ns.usage.working_set_bytes,
            ns.usage.working_set_bytes, ns.usage.cpu_core_ns});
  s.swap(ns.usage.time_ms, true, node.swap_capacity_bytes);
  w.EndObject();

  s.key("pods");
  w.StartArray();
  for (size_t p = 0; p < node.pods.size(); ++p) {
    const PodSpec& pod = node.pods[p];
    const PodSample ps = model.sample_pod(node_index, p, now_ms);
    if (!ps.reported) continue;
    w.StartObject();
    s.key("podRef");
    w.StartObject();
    s.key("name");
    s.string(pod.name);
    s.key("namespace");
    s.string(pod.namespace_name);
    s.key("uid");
    s.string(pod.uid);
    w.EndObject();
    s.time("startTime", ps.start_unix_ns);
    s.key("containers");
    w.StartArray();
    bool all_limited = true;
    uint64_t limits = 0;
    for (size_t c = 0; c < pod.containers.size(); ++c) {
      const ContainerSpec& spec = pod.containers[c];
      all_limited = all_limited && spec.memory_limit_bytes != 0;
      limits += spec.memory_limit_bytes;
      const ContainerSample cs = model.sample_container(node_index, p, c, now_ms);
      if (!cs.reported) continue;
      w.StartObject();
      s.key("name");
      s.string(spec.name);
      s.time("startTime", cs.start_unix_ns);
      s.cpu(cs.usage.time_ms, model.container_cpu_nanocores(node_index, p, c), cs.usage.cpu_core_ns);
      const uint64_t ws = cs.usage.working_set_bytes;
      s.memory({cs.usage.time_ms, spec.memory_limit_bytes != 0,
                spec.memory_limit_bytes > ws ? spec.memory_limit_bytes - ws : 0, ws, cs.usage.cpu_core_ns});
      s.swap(cs.usage.time_ms, true, 0);
      w.EndObject();
    }
    w.EndArray();
    s.cpu(ps.usage.time_ms, model.pod_cpu_nanocores(node_index, p), ps.usage.cpu_core_ns);
    const uint64_t pod_ws = ps.usage.working_set_bytes;
    s.memory({ps.usage.time_ms, all_limited, limits > pod_ws ? limits - pod_ws : 0, pod_ws, ps.usage.cpu_core_ns});
    s.swap(ps.usage.time_ms, false, 0);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string_view resource_metrics_content_type(KubeletShape shape) {
  return shape == KubeletShape::kCurrent ? "text/plain; version=0.0.4; charset=utf-8; escaping=underscores"
                                         : "text/plain; version=0.0.4; charset=utf-8";
}

void render_resource_metrics(const ClusterModel& model, size_t node_index, int64_t now_ms,
                             const ResourceMetricsOptions& options, std::string& out) {
  const bool current = options.shape == KubeletShape::kCurrent;
  const std::string_view stable = current ? kStable : kAlpha;
  const NodeSpec& node = model.node(node_index);

  // Sample every container and pod once, in series order; each family then walks the same list.
  thread_local std::vector<ContainerSample> containers;
  thread_local std::vector<PodSample> pods;
  const auto container_order = model.container_series_order(node_index);
  const auto pod_order = model.pod_series_order(node_index);
  containers.resize(container_order.size());
  pods.resize(pod_order.size());
  size_t reported_containers = 0;
  size_t reported_pods = 0;
  for (size_t i = 0; i < container_order.size(); ++i) {
    containers[i] = model.sample_container(node_index, container_order[i].pod, container_order[i].container, now_ms);
    reported_containers += containers[i].reported ? 1 : 0;
  }
  for (size_t i = 0; i < pod_order.size(); ++i) {
    pods[i] = model.sample_pod(node_index, pod_order[i], now_ms);
    reported_pods += pods[i].reported ? 1 : 0;
  }
  const auto each_container = [&](auto&& emit) {
    for (size_t i = 0; i < container_order.size(); ++i) {
      if (!containers[i].reported) continue;
      const PodSpec& pod = node.pods[container_order[i].pod];
      emit(pod, pod.containers[container_order[i].container], containers[i]);
    }
  };
  const auto each_pod = [&](auto&& emit) {
    for (size_t i = 0; i < pod_order.size(); ++i) {
      if (pods[i].reported) emit(node.pods[pod_order[i]], pods[i]);
    }
  };

  if (reported_containers > 0) {
    static constexpr std::string_view kCpu = "container_cpu_usage_seconds_total";
    append_header(out, kCpu, stable, "Cumulative cpu time consumed by the container in core-seconds", "counter");
    each_container([&](const PodSpec& pod, const ContainerSpec& c, const ContainerSample& s) {
      append_container_series(out, kCpu, pod, c);
      append_value(out, seconds(s.usage.cpu_core_ns), s.usage.time_ms);
    });
    static constexpr std::string_view kMemory = "container_memory_working_set_bytes";
    append_header(out, kMemory, stable, "Current working set of the container in bytes", "gauge");
    each_container([&](const PodSpec& pod, const ContainerSpec& c, const ContainerSample& s) {
      append_container_series(out, kMemory, pod, c);
      append_value(out, static_cast<double>(s.usage.working_set_bytes), s.usage.time_ms);
    });
    static constexpr std::string_view kStart = "container_start_time_seconds";
    append_header(out, kStart, stable, "Start time of the container since unix epoch in seconds", "gauge");
    each_container([&](const PodSpec& pod, const ContainerSpec& c, const ContainerSample& s) {
      append_container_series(out, kStart, pod, c);
      append_go_float(out, static_cast<double>(s.start_unix_ns) / 1e9);
      if (!current) {
        out.push_back(' ');
        append_decimal(out, s.start_unix_ns / kMillisecond);
      }
      out.push_back('\n');
    });
    if (current) {
      static constexpr std::string_view kSwapLimit = "container_swap_limit_bytes";
      append_header(out, kSwapLimit, kAlpha,
                    "Current amount of the container swap limit in bytes. Reported only on non-windows systems",
                    "gauge");
      each_container([&](const PodSpec& pod, const ContainerSpec& c, const ContainerSample& s) {
        append_container_series(out, kSwapLimit, pod, c);
        append_value(out, 0, s.usage.time_ms);
      });
      static constexpr std::string_view kSwap = "container_swap_usage_bytes";
      append_header(out, kSwap, kAlpha,
                    "Current amount of the container swap usage in bytes. Reported only on non-windows systems",
                    "gauge");
      each_container([&](const PodSpec& pod, const ContainerSpec& c, const ContainerSample& s) {
        append_container_series(out, kSwap, pod, c);
        append_value(out, 0, s.usage.time_ms);
      });
    }
  }

  const NodeSample ns = model.sample_node(node_index, now_ms);
  append_header(out, "node_cpu_usage_seconds_total", stable, "Cumulative cpu time consumed by the node in core-seconds",
                "counter");
  out += "node_cpu_usage_seconds_total ";
  append_value(out, seconds(ns.usage.cpu_core_ns), ns.usage.time_ms);
  append_header(out, "node_memory_working_set_bytes", stable, "Current working set of the node in bytes", "gauge");
  out += "node_memory_working_set_bytes ";
  append_value(out, static_cast<double>(ns.usage.working_set_bytes), ns.usage.time_ms);
  if (current) {
    append_header(out, "node_swap_usage_bytes", kAlpha,
                  "Current swap usage of the node in bytes. Reported only on non-windows systems", "gauge");
    out += "node_swap_usage_bytes ";
    append_value(out, 0, ns.usage.time_ms);  // The kubelet stamps node swap with the memory stats time.
  }

  if (reported_pods > 0) {
    static constexpr std::string_view kCpu = "pod_cpu_usage_seconds_total";
    append_header(out, kCpu, stable, "Cumulative cpu time consumed by the pod in core-seconds", "counter");
    each_pod([&](const PodSpec& pod, const PodSample& s) {
      append_pod_series(out, kCpu, pod);
      append_value(out, seconds(s.usage.cpu_core_ns), s.usage.time_ms);
    });
    static constexpr std::string_view kMemory = "pod_memory_working_set_bytes";
    append_header(out, kMemory, stable, "Current working set of the pod in bytes", "gauge");
    each_pod([&](const PodSpec& pod, const PodSample& s) {
      append_pod_series(out, kMemory, pod);
      append_value(out, static_cast<double>(s.usage.working_set_bytes), s.usage.time_ms);
    });
    if (current) {
      static constexpr std::string_view kSwap = "pod_swap_usage_bytes";
      append_header(out, kSwap, kAlpha,
                    "Current amount of the pod swap usage in bytes. Reported only on non-windows systems", "gauge");
      each_pod([&](const PodSpec& pod, const PodSample& s) {
        append_pod_series(out, kSwap, pod);
        append_value(out, 0, s.usage.time_ms);
      });
    }
  }

  if (current) {
    append_header(out, "resource_scrape_error", kStable, kScrapeErrorHelp, "gauge");
    out += "resource_scrape_error 0\n";
  } else {
    append_header(out, "scrape_error", kAlpha, kScrapeErrorHelp, "gauge");
    out += "scrape_error 0\n";
  }
}

void render_summary(const ClusterModel& model, size_t node, int64_t now_ms, const SummaryOptions& options,
                    std::string& out) {
  JsonStringSink sink(out);
  if (options.pretty) {
    rapidjson::PrettyWriter<JsonStringSink> writer(sink);
    writer.SetIndent(' ', 1);
    write_summary(writer, model, node, now_ms, options);
  } else {
    rapidjson::Writer<JsonStringSink> writer(sink);
    write_summary(writer, model, node, now_ms, options);
  }
}

}  // namespace mpf::sim
