#include "tests/sim/expect_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <rapidjson/writer.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tests/sim/json_sink.h"

namespace mpf::sim {
namespace {

using Writer = rapidjson::Writer<JsonStringSink>;

void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void string(Writer& w, std::string_view k, std::string_view v) {
  key(w, k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void number(Writer& w, std::string_view k, uint64_t v) {
  key(w, k);
  w.Uint64(v);
}
void signed_number(Writer& w, std::string_view k, int64_t v) {
  key(w, k);
  w.Int64(v);
}

}  // namespace

void render_expect_json(const ClusterModel& model, std::span<const FaultMode> faults, const ExpectContext& context,
                        std::string& out) {
  JsonStringSink sink(out);
  Writer w(sink);
  const ModelConfig& config = model.config();
  w.StartObject();
  key(w, "config");
  w.StartObject();
  number(w, "seed", config.seed);
  number(w, "nodes", config.nodes);
  number(w, "pods_per_node", config.pods_per_node);
  number(w, "containers_per_pod", config.containers_per_pod);
  signed_number(w, "anchor_unix_ns", config.anchor_unix_ns);
  signed_number(w, "stats_interval_ms", config.stats_interval_ms);
  number(w, "port", context.port);
  string(w, "scheme", context.tls ? "https" : "http");
  signed_number(w, "cycle_ms", context.cycle_ms);
  signed_number(w, "slow_delay_ms", context.slow_delay_ms);
  w.EndObject();
  number(w, "generation", model.generation());

  key(w, "nodes");
  w.StartArray();
  for (size_t n = 0; n < model.nodes().size(); ++n) {
    const NodeSpec& node = model.node(n);
    const CounterMode mode = model.counter_mode(n);
    w.StartObject();
    string(w, "name", node.name);
    string(w, "address", node.address);
    string(w, "fault", fault_mode_name(n < faults.size() ? faults[n] : FaultMode::kNone));
    number(w, "cpu_nanocores", model.node_cpu_nanocores(n));
    number(w, "memory_bytes", model.node_working_set_bytes(n));
    signed_number(w, "boot_unix_ns", node.boot_unix_ns);
    if (mode == CounterMode::kNodeReboots) signed_number(w, "reboot_every_ms", model.counter_period_ns(n) / 1000000);
    key(w, "pods");
    w.StartArray();
    for (size_t p = 0; p < node.pods.size(); ++p) {
      const PodSpec& pod = node.pods[p];
      w.StartObject();
      string(w, "namespace", pod.namespace_name);
      string(w, "name", pod.name);
      string(w, "uid", pod.uid);
      uint64_t cpu = 0;
      uint64_t memory = 0;
      for (size_t c = 0; c < pod.containers.size(); ++c) {
        cpu += model.container_cpu_nanocores(n, p, c);
        memory += model.container_working_set_bytes(n, p, c);
      }
      number(w, "cpu_nanocores", cpu);
      number(w, "memory_bytes", memory);
      number(w, "cgroup_cpu_nanocores", model.pod_cpu_nanocores(n, p));
      number(w, "cgroup_memory_bytes", model.pod_working_set_bytes(n, p));
      key(w, "containers");
      w.StartArray();
      for (size_t c = 0; c < pod.containers.size(); ++c) {
        w.StartObject();
        string(w, "name", pod.containers[c].name);
        number(w, "cpu_nanocores", model.container_cpu_nanocores(n, p, c));
        number(w, "memory_bytes", model.container_working_set_bytes(n, p, c));
        signed_number(w, "start_unix_ns", pod.containers[c].start_unix_ns);
        if (mode == CounterMode::kContainerRestarts && c == 0) {
          signed_number(w, "restart_every_ms", model.counter_period_ns(n) / 1000000);
        }
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}


}  // namespace mpf::sim
