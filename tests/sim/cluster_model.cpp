#include "tests/sim/cluster_model.h"

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>

#include "tests/sim/seeded_random.h"

namespace mpf::sim {
namespace {

constexpr int64_t kSecond = 1000000000LL;
constexpr int64_t kMillisecond = 1000000LL;
constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;
constexpr int64_t kNoEvent = std::numeric_limits<int64_t>::min();

// Stream keys: each kind of entity draws from its own random stream.
enum StreamKey : uint64_t { kNodeStream = 1, kPodStream, kContainerStream, kNameStream, kUidStream, kHashStream };

struct AppTemplate {
  const char* namespace_name;
  const char* app;
  const char* container;
};

// Deployments a simulated pod is drawn from. Main container names never clash with kSidecars.
constexpr std::array<AppTemplate, 12> kApps{{
    {"default", "web", "nginx"},
    {"default", "api", "api-server"},
    {"kube-system", "coredns", "coredns"},
    {"kube-system", "metrics-agent", "agent"},
    {"monitoring", "prometheus-adapter", "adapter"},
    {"team-a", "checkout", "checkout"},
    {"team-a", "cart", "cart"},
    {"team-a", "frontend", "frontend"},
    {"team-b", "worker", "worker"},
    {"team-b", "batch-runner", "runner"},
    {"team-c", "search", "search"},
    {"team-c", "recommender", "model-server"},
}};
constexpr std::array<const char*, 6> kSidecars{
    {"istio-proxy", "log-shipper", "config-reloader", "metrics-exporter", "oauth-proxy", "vault-agent"}};

// Kubernetes' "safe" alphabet for generated names (no vowels, no 0/1/3): pod-template-hash and suffixes.
constexpr std::string_view kNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr uint64_t kSuffixSpace = 27ULL * 27 * 27 * 27 * 27;  // 5 characters.
// Coprime with kSuffixSpace (3^15), so that index -> index * k + offset is a bijection of the space.
constexpr uint64_t kSuffixMultiplier = 2654435761ULL;

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

void append_safe_chars(std::string& out, uint64_t value, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    out.push_back(kNameAlphabet[value % kNameAlphabet.size()]);
    value /= kNameAlphabet.size();
  }
}

std::string uuid_from(SeededRandom& r) {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t hi = r.next();
  const uint64_t lo = r.next();
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const uint64_t word = i < 16 ? hi : lo;
    unsigned nibble = static_cast<unsigned>((word >> (4 * (15 - i % 16))) & 0xf);
    if (i == 12) nibble = 4;                   // version 4
    if (i == 16) nibble = 8 | (nibble & 0x3);  // RFC 4122 variant
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(kHex[nibble]);
  }
  return out;
}

uint64_t cpu_between(uint64_t nanocores, int64_t from_ns, int64_t to_ns) {
  if (to_ns <= from_ns) return 0;
  // Exact: rate (core-ns per s) * elapsed ns / 1e9, in 128 bits because the product passes 2^64.
  const unsigned __int128 product = static_cast<unsigned __int128>(nanocores) * static_cast<uint64_t>(to_ns - from_ns);
  return static_cast<uint64_t>(product / static_cast<uint64_t>(kSecond));
}

uint64_t page_align(uint64_t bytes) { return std::max<uint64_t>(4096, bytes & ~uint64_t{4095}); }

uint64_t next_power_of_two(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

ClusterModel::ClusterModel(const ModelConfig& config) : config_(config) {
  // Addresses run out at 127.255.255.254.
  constexpr uint32_t kMaxNodes = 254U * 256U * 255U;
  config_.nodes = std::min(config_.nodes, kMaxNodes);
  nodes_.resize(config_.nodes);
  state_.resize(config_.nodes);
  for (uint32_t i = 0; i < config_.nodes; ++i) build_node(i);
}

std::string ClusterModel::node_name(uint32_t index) {
  std::string digits = std::to_string(index + 1);
  if (digits.size() < 5) digits.insert(0, 5 - digits.size(), '0');
  return "node-" + digits;
}

std::string ClusterModel::node_address(uint32_t index) {
  const uint32_t host = 1 + index % 254;
  const uint32_t third = (index / 254) % 256;
  const uint32_t second = 1 + index / (254 * 256);
  return "127." + std::to_string(second) + "." + std::to_string(third) + "." + std::to_string(host);
}

std::optional<size_t> ClusterModel::find_node(std::string_view name) const {
  // Names are node-NNNNN with the index in them; verify instead of searching.
  if (name.size() < 6 || name.substr(0, 5) != "node-") return std::nullopt;
  size_t index = 0;
  for (char c : name.substr(5)) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
    if (index > nodes_.size()) return std::nullopt;
  }
  if (index == 0 || nodes_[index - 1].name != name) return std::nullopt;
  return index - 1;
}

void ClusterModel::build_node(uint32_t index) {
  NodeSpec& node = nodes_[index];
  SeededRandom r(config_.seed, {kNodeStream, index});
  const int64_t interval = std::max<int64_t>(config_.stats_interval_ms, 1);
  node.name = node_name(index);
  node.address = node_address(index);
  node.boot_unix_ns = config_.anchor_unix_ns - r.uniform_signed(3600 * kSecond, 3 * 86400 * kSecond);
  node.system_cpu_nanocores = r.uniform(30000000, 200000000);
  node.system_memory_bytes = page_align(r.uniform(300 * kMiB, 900 * kMiB));
  node.stats_phase_ms = r.uniform_signed(0, interval - 1);
  node.swap_capacity_bytes = r.chance(0.2) ? kGiB : 0;

  node.pods.resize(config_.pods_per_node);
  uint64_t need_nanocores = node.system_cpu_nanocores;
  uint64_t need_memory = node.system_memory_bytes;
  for (uint32_t p = 0; p < config_.pods_per_node; ++p) {
    PodSpec& pod = node.pods[p];
    SeededRandom pr(config_.seed, {kPodStream, index, p});
    // Pod 0 is the node's kube-proxy, as on every real node; the rest come from the app catalog.
    const AppTemplate app = p == 0 ? AppTemplate{"kube-system", "kube-proxy", "kube-proxy"}
                                   : kApps[pr.uniform(0, kApps.size() - 1)];
    pod.namespace_name = app.namespace_name;
    pod.app = app.app;
    pod.daemon_set = p == 0;
    const int64_t earliest = node.boot_unix_ns + (p == 0 ? 15 : 60) * kSecond;
    const int64_t latest = p == 0 ? node.boot_unix_ns + 40 * kSecond : config_.anchor_unix_ns - 120 * kSecond;
    pod.start_unix_ns = pr.uniform_signed(earliest, std::max(earliest, latest));
    pod.reboot_delay_ns = pr.uniform_signed(2 * kSecond, 20 * kSecond);
    pod.sandbox_cpu_nanocores = pr.uniform(10000, 100000);
    pod.sandbox_memory_bytes = pr.uniform(50, 250) * 4096;
    pod.stats_phase_ms = pr.uniform_signed(0, interval - 1);
    pod.churn_slot = static_cast<uint32_t>(pr.uniform(0, kChurnSlots - 1));
    need_nanocores += pod.sandbox_cpu_nanocores;
    need_memory += pod.sandbox_memory_bytes;

    pod.containers.resize(config_.containers_per_pod);
    int64_t delay = 0;
    for (uint32_t c = 0; c < config_.containers_per_pod; ++c) {
      ContainerSpec& container = pod.containers[c];
      SeededRandom cr(config_.seed, {kContainerStream, index, p, c});
      if (c == 0) {
        container.name = app.container;
      } else if (c - 1 < kSidecars.size()) {
        container.name = kSidecars[c - 1];
      } else {
        container.name = "sidecar-" + std::to_string(c);
      }
      delay += cr.uniform_signed(200 * kMillisecond, 3 * kSecond);
      container.start_delay_ns = delay;
      container.start_unix_ns = pod.start_unix_ns + delay;
      container.cpu_nanocores = cr.log_uniform(1000000, 500000000);
      container.working_set_bytes = page_align(cr.log_uniform(8 * kMiB, kGiB));
      if (cr.chance(0.6)) {
        const auto limit = static_cast<uint64_t>(static_cast<double>(container.working_set_bytes) * (1.5 + 2.5 * cr.unit()));
        container.memory_limit_bytes = (limit + kMiB - 1) / kMiB * kMiB;
      }
      container.stats_phase_ms = cr.uniform_signed(0, interval - 1);
      need_nanocores += container.cpu_nanocores;
      need_memory += container.working_set_bytes;
    }
    name_pod(index, p, pod);
  }

  // Capacity: the smallest power-of-two machine with 50% headroom; 4 GiB per core (m5), 8 (r5) or more.
  const uint64_t cores = std::max<uint64_t>(4, next_power_of_two((need_nanocores * 3 / 2 + 999999999) / 1000000000));
  uint64_t memory = cores * 4 * kGiB;
  std::string family = "m5";
  if (need_memory * 3 / 2 > memory) {
    memory = cores * 8 * kGiB;
    family = "r5";
  }
  if (need_memory * 3 / 2 > memory) {
    memory = next_power_of_two(need_memory * 3 / 2);
    family = "sim";
  }
  static constexpr std::array<std::pair<uint64_t, const char*>, 6> kSizes{
      {{4, "xlarge"}, {8, "2xlarge"}, {16, "4xlarge"}, {32, "8xlarge"}, {64, "16xlarge"}, {96, "24xlarge"}}};
  node.instance_type = family == "sim" ? "sim." + std::to_string(cores) + "c" + std::to_string(memory / kGiB) + "g"
                                       : family + "." + std::to_string(cores) + "c";
  for (const auto& [size_cores, size_name] : kSizes) {
    if (size_cores == cores && family != "sim") node.instance_type = family + "." + size_name;
  }
  node.capacity_millicores = cores * 1000;
  node.allocatable_millicores = node.capacity_millicores - 80 - node.capacity_millicores / 50;
  node.capacity_memory_bytes = memory;
  node.allocatable_memory_bytes = memory - memory / 16 - 100 * kMiB;

  static constexpr std::array<const char*, 3> kZones{{"sim-1a", "sim-1b", "sim-1c"}};
  node.labels = {
      {"beta.kubernetes.io/arch", "amd64"},
      {"beta.kubernetes.io/instance-type", node.instance_type},
      {"beta.kubernetes.io/os", "linux"},
      {"kubernetes.io/arch", "amd64"},
      {"kubernetes.io/hostname", node.name},
      {"kubernetes.io/os", "linux"},
      {"node.kubernetes.io/instance-type", node.instance_type},
      {"sim.mpf.io/pool", index % 4 == 3 ? "batch" : "general"},
      {"topology.kubernetes.io/region", "sim-1"},
      {"topology.kubernetes.io/zone", kZones[index % kZones.size()]},
  };
  sort_series(index);
}

void ClusterModel::name_pod(uint32_t node, uint32_t pod_index, PodSpec& pod) const {
  const uint64_t global = static_cast<uint64_t>(node) * config_.pods_per_node + pod_index;
  SeededRandom names(config_.seed, {kNameStream, pod.template_generation});
  const uint64_t offset = names.next() % kSuffixSpace;
  std::string hash;
  pod.name = pod.app;
  pod.name.push_back('-');
  if (pod.daemon_set) {
    // One pod per node and owner: node index and rename count make the suffix unique.
    const uint64_t slot = node + static_cast<uint64_t>(pod.renames) * config_.nodes;
    SeededRandom rev(config_.seed, {kHashStream, fnv1a(pod.app), pod.renames});
    append_safe_chars(hash, rev.next(), 10);
    append_safe_chars(pod.name, (slot % kSuffixSpace * kSuffixMultiplier + offset) % kSuffixSpace, 5);
  } else {
    // Pods of one ReplicaSet share its template hash; the suffix is a bijection of the global index.
    SeededRandom rs(config_.seed, {kHashStream, fnv1a(pod.namespace_name), fnv1a(pod.app), pod.template_generation});
    const uint64_t h = rs.next();
    append_safe_chars(hash, h >> 1, (h & 1) ? 10 : 9);
    pod.name += hash;
    pod.name.push_back('-');
    append_safe_chars(pod.name, (global % kSuffixSpace * kSuffixMultiplier + offset) % kSuffixSpace, 5);
  }
  SeededRandom uid(config_.seed, {kUidStream, node, pod_index, pod.renames});
  pod.uid = uuid_from(uid);
  if (pod.daemon_set) {
    pod.labels = {{"app", pod.app},
                  {"controller-revision-hash", hash},
                  {"pod-template-generation", std::to_string(pod.renames + 1)}};
  } else {
    pod.labels = {{"app", pod.app}, {"pod-template-hash", hash}};
  }
}

void ClusterModel::sort_series(uint32_t node_index) {
  const NodeSpec& node = nodes_[node_index];
  NodeState& state = state_[node_index];
  state.pod_order.resize(node.pods.size());
  state.container_order.clear();
  for (uint32_t p = 0; p < node.pods.size(); ++p) {
    state.pod_order[p] = p;
    for (uint32_t c = 0; c < node.pods[p].containers.size(); ++c) state.container_order.push_back({p, c});
  }
  // Prometheus sorts a family's series by label values in label-name order: container, namespace, pod.
  std::sort(state.pod_order.begin(), state.pod_order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(node.pods[a].namespace_name, node.pods[a].name) <
           std::tie(node.pods[b].namespace_name, node.pods[b].name);
  });
  std::sort(state.container_order.begin(), state.container_order.end(), [&](ContainerRef a, ContainerRef b) {
    const PodSpec& pa = node.pods[a.pod];
    const PodSpec& pb = node.pods[b.pod];
    return std::tie(pa.containers[a.container].name, pa.namespace_name, pa.name) <
           std::tie(pb.containers[b.container].name, pb.namespace_name, pb.name);
  });
}

void ClusterModel::set_counter_mode(size_t node, CounterMode mode, int64_t period_ns) {
  state_[node].mode = mode;
  state_[node].period_ns = (mode == CounterMode::kContainerRestarts || mode == CounterMode::kNodeReboots)
                               ? std::max<int64_t>(period_ns, kMillisecond)
                               : 0;
}

int64_t ClusterModel::stats_time_ms(int64_t now_ms, int64_t phase_ms) const {
  const int64_t interval = config_.stats_interval_ms;
  if (interval <= 0) return now_ms;
  int64_t since_tick = (now_ms - phase_ms) % interval;
  if (since_tick < 0) since_tick += interval;
  return now_ms - since_tick;
}

int64_t ClusterModel::last_event(size_t node, int64_t t_ns) const {
  const int64_t period = state_[node].period_ns;
  if (period <= 0 || t_ns < config_.anchor_unix_ns + period) return kNoEvent;
  return config_.anchor_unix_ns + (t_ns - config_.anchor_unix_ns) / period * period;
}

int64_t ClusterModel::boot_at(size_t node, int64_t t_ns) const {
  const int64_t boot = nodes_[node].boot_unix_ns;
  if (state_[node].mode != CounterMode::kNodeReboots) return boot;
  return std::max(boot, last_event(node, t_ns));
}

int64_t ClusterModel::pod_start_at(size_t node, const PodSpec& pod, int64_t boot_ns) const {
  if (pod.start_unix_ns >= boot_ns) return pod.start_unix_ns;
  // A pod that was running when the node rebooted comes back a little after the boot, well within the
  // reboot period even when tests make it short.
  return boot_ns + std::min(pod.reboot_delay_ns, state_[node].period_ns / 4);
}

int64_t ClusterModel::container_start_at(size_t node, const PodSpec& pod, const ContainerSpec& container,
                                         int64_t boot_ns) const {
  const int64_t pod_start = pod_start_at(node, pod, boot_ns);
  const bool rebooted = pod.start_unix_ns < boot_ns;
  return pod_start + (rebooted ? std::min(container.start_delay_ns, state_[node].period_ns / 4) : container.start_delay_ns);
}

uint64_t ClusterModel::pod_cpu_at(size_t node, const PodSpec& pod, int64_t t_ns, int64_t boot_ns) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  const int64_t start = pod_start_at(node, pod, boot_ns);
  // The pod cgroup outlives container restarts, so its counter runs from each container's first start.
  uint64_t cpu = cpu_between(pod.sandbox_cpu_nanocores, start, t_ns);
  for (const ContainerSpec& c : pod.containers) {
    cpu += cpu_between(c.cpu_nanocores, container_start_at(node, pod, c, boot_ns), t_ns);
  }
  return cpu;
}

uint64_t ClusterModel::pod_working_set_at(size_t node, const PodSpec& pod, int64_t t_ns, int64_t boot_ns) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  if (t_ns < pod_start_at(node, pod, boot_ns)) return 0;
  uint64_t bytes = pod.sandbox_memory_bytes;
  for (const ContainerSpec& c : pod.containers) {
    if (t_ns >= container_start_at(node, pod, c, boot_ns)) bytes += c.working_set_bytes;
  }
  return bytes;
}

NodeSample ClusterModel::sample_node(size_t node_index, int64_t now_ms) const {
  const NodeSpec& node = nodes_[node_index];
  const NodeState& state = state_[node_index];
  NodeSample sample;
  sample.usage.time_ms = stats_time_ms(now_ms, node.stats_phase_ms);
  const int64_t t = sample.usage.time_ms * kMillisecond;
  sample.boot_unix_ns = boot_at(node_index, t);
  if (state.mode == CounterMode::kZero) return sample;
  uint64_t cpu = cpu_between(node.system_cpu_nanocores, sample.boot_unix_ns, t);
  uint64_t bytes = node.system_memory_bytes;
  for (const PodSpec& pod : node.pods) {
    cpu += pod_cpu_at(node_index, pod, t, sample.boot_unix_ns);
    bytes += pod_working_set_at(node_index, pod, t, sample.boot_unix_ns);
  }
  for (const Retired& r : state.retired) {
    if (r.at_unix_ns < sample.boot_unix_ns) continue;  // Lost in a reboot.
    if (!r.has_pod) {
      cpu += r.cpu_core_ns;
    } else if (t >= r.at_unix_ns) {
      cpu += pod_cpu_at(node_index, r.pod, r.at_unix_ns, sample.boot_unix_ns);
    } else {
      cpu += pod_cpu_at(node_index, r.pod, t, sample.boot_unix_ns);
      bytes += pod_working_set_at(node_index, r.pod, t, sample.boot_unix_ns);
    }
  }
  sample.usage.cpu_core_ns = cpu;
  sample.usage.working_set_bytes = bytes;
  return sample;
}

PodSample ClusterModel::sample_pod(size_t node_index, size_t pod_index, int64_t now_ms) const {
  const PodSpec& pod = nodes_[node_index].pods[pod_index];
  PodSample sample;
  sample.usage.time_ms = stats_time_ms(now_ms, pod.stats_phase_ms);
  const int64_t t = sample.usage.time_ms * kMillisecond;
  const int64_t boot = boot_at(node_index, t);
  sample.start_unix_ns = pod_start_at(node_index, pod, boot);
  sample.reported = t > sample.start_unix_ns;
  sample.usage.cpu_core_ns = pod_cpu_at(node_index, pod, t, boot);
  sample.usage.working_set_bytes = pod_working_set_at(node_index, pod, t, boot);
  return sample;
}

ContainerSample ClusterModel::sample_container(size_t node_index, size_t pod_index, size_t container_index,
                                               int64_t now_ms) const {
  const PodSpec& pod = nodes_[node_index].pods[pod_index];
  const ContainerSpec& container = pod.containers[container_index];
  const NodeState& state = state_[node_index];
  ContainerSample sample;
  sample.usage.time_ms = stats_time_ms(now_ms, container.stats_phase_ms);
  const int64_t t = sample.usage.time_ms * kMillisecond;
  int64_t start = container_start_at(node_index, pod, container, boot_at(node_index, t));
  if (state.mode == CounterMode::kContainerRestarts && container_index == 0) {
    start = std::max(start, last_event(node_index, t));
  }
  sample.start_unix_ns = start;
  sample.reported = t > start;
  if (state.mode != CounterMode::kZero && sample.reported) {
    sample.usage.cpu_core_ns = cpu_between(container.cpu_nanocores, start, t);
    sample.usage.working_set_bytes = container.working_set_bytes;
  }
  return sample;
}

uint64_t ClusterModel::container_cpu_nanocores(size_t node, size_t pod, size_t container) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  return nodes_[node].pods[pod].containers[container].cpu_nanocores;
}

uint64_t ClusterModel::container_working_set_bytes(size_t node, size_t pod, size_t container) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  return nodes_[node].pods[pod].containers[container].working_set_bytes;
}

uint64_t ClusterModel::pod_cpu_nanocores(size_t node, size_t pod_index) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  const PodSpec& pod = nodes_[node].pods[pod_index];
  uint64_t sum = pod.sandbox_cpu_nanocores;
  for (const ContainerSpec& c : pod.containers) sum += c.cpu_nanocores;
  return sum;
}

uint64_t ClusterModel::pod_working_set_bytes(size_t node, size_t pod_index) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  const PodSpec& pod = nodes_[node].pods[pod_index];
  uint64_t sum = pod.sandbox_memory_bytes;
  for (const ContainerSpec& c : pod.containers) sum += c.working_set_bytes;
  return sum;
}

uint64_t ClusterModel::node_cpu_nanocores(size_t node) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  uint64_t sum = nodes_[node].system_cpu_nanocores;
  for (size_t p = 0; p < nodes_[node].pods.size(); ++p) sum += pod_cpu_nanocores(node, p);
  return sum;
}

uint64_t ClusterModel::node_working_set_bytes(size_t node) const {
  if (state_[node].mode == CounterMode::kZero) return 0;
  uint64_t sum = nodes_[node].system_memory_bytes;
  for (size_t p = 0; p < nodes_[node].pods.size(); ++p) sum += pod_working_set_bytes(node, p);
  return sum;
}

void ClusterModel::rename_pods(uint32_t generation, int64_t at_unix_ns) {
  if (generation == 0) return;
  const uint32_t slot = (generation - 1) % kChurnSlots;
  // A retired pod is needed only while some stats time can still be before its removal.
  const int64_t keep_ns = 2 * std::max<int64_t>(config_.stats_interval_ms, 0) * kMillisecond + kSecond;
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    NodeSpec& node = nodes_[n];
    NodeState& state = state_[n];
    const int64_t boot = boot_at(n, at_unix_ns);

    std::vector<Retired> kept;
    uint64_t collapsed = 0;
    int64_t collapsed_at = kNoEvent;
    for (Retired& r : state.retired) {
      if (r.at_unix_ns < boot) continue;
      if (r.has_pod && r.at_unix_ns + keep_ns > at_unix_ns) {
        kept.push_back(std::move(r));
        continue;
      }
      collapsed += r.has_pod ? pod_cpu_at(n, r.pod, r.at_unix_ns, boot) : r.cpu_core_ns;
      collapsed_at = std::max(collapsed_at, r.at_unix_ns);
    }
    if (collapsed_at != kNoEvent) kept.insert(kept.begin(), Retired{collapsed_at, false, {}, collapsed});

    bool renamed = false;
    for (uint32_t p = 0; p < node.pods.size(); ++p) {
      PodSpec& pod = node.pods[p];
      if (pod.churn_slot != slot) continue;
      kept.push_back(Retired{at_unix_ns, true, pod, 0});
      pod.renames += 1;
      pod.template_generation = generation;
      pod.start_unix_ns = at_unix_ns;
      for (ContainerSpec& c : pod.containers) c.start_unix_ns = at_unix_ns + c.start_delay_ns;
      name_pod(n, p, pod);
      renamed = true;
    }
    state.retired = std::move(kept);
    if (renamed) sort_series(n);
  }
  generation_ = generation;
}

}  // namespace mpf::sim
