#include "tests/sim/fake_apiserver_objects.h"

#include <ctime>

#include "tests/sim/seeded_random.h"

namespace mpf::sim::fake {
namespace {

constexpr std::string_view kListItemPrefix = "{\"metadata\":";
constexpr std::string_view kMetadataPrefix = "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":";

std::string_view object_prefix(Kind kind) {
  switch (kind) {
    case Kind::kNode: return "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":";
    case Kind::kPod: return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":";
    case Kind::kNamespace: return "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":";
    case Kind::kConfigMap: return "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":";
  }
  return {};
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// A Kubernetes quantity for millicores: "4" or "3500m".
std::string cpu_quantity(uint64_t millicores) {
  if (millicores % 1000 == 0) return std::to_string(millicores / 1000);
  return std::to_string(millicores) + "m";
}

// Memory as kubelets report it: Ki when a multiple of 1024, bytes otherwise.
std::string memory_quantity(uint64_t bytes) {
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + "Ki";
  return std::to_string(bytes);
}

void append_labels(std::string& out, const std::vector<std::pair<std::string, std::string>>& labels) {
  out += "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, labels[i].first);
    out += ':';
    append_json_string(out, labels[i].second);
  }
  out += "}";
}

void append_field(std::string& out, std::string_view name, std::string_view value, bool comma = true) {
  if (comma) out += ',';
  out += '"';
  out += name;
  out += "\":";
  append_json_string(out, value);
}

// Pod network addresses: node i owns 10.(128 + i/256 % 128).(i % 256).0/24.
std::string pod_cidr_prefix(uint32_t node_index) {
  return "10." + std::to_string(128 + (node_index >> 8) % 128) + "." + std::to_string(node_index & 255) + ".";
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string rfc3339(int64_t unix_ns) {
  const time_t seconds = static_cast<time_t>(unix_ns / 1000000000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string stable_uid(uint64_t seed, std::string_view what) {
  static constexpr char kHex[] = "0123456789abcdef";
  SeededRandom r(seed, {0x75696473ULL, fnv1a(what)});
  const uint64_t words[2] = {r.next(), r.next()};
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    unsigned nibble = static_cast<unsigned>((words[i / 16] >> (4 * (15 - i % 16))) & 0xf);
    if (i == 12) nibble = 4;                 // version 4
    if (i == 16) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += kHex[nibble];
  }
  return out;
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNode: return "Node";
    case Kind::kPod: return "Pod";
    case Kind::kNamespace: return "Namespace";
    case Kind::kConfigMap: return "ConfigMap";
  }
  return {};
}

std::string_view resource_name(Kind kind) {
  switch (kind) {
    case Kind::kNode: return "nodes";
    case Kind::kPod: return "pods";
    case Kind::kNamespace: return "namespaces";
    case Kind::kConfigMap: return "configmaps";
  }
  return {};
}

ObjectPtr render_node(const NodeSpec& node, uint32_t index, uint64_t resource_version, const RenderContext& context) {
  auto object = std::make_shared<StoredObject>();
  object->kind = Kind::kNode;
  object->name = node.name;
  object->key = node.name;
  for (const Label& label : node.labels) object->labels.emplace_back(label.name, label.value);
  object->resource_version = resource_version;
  const std::string created = rfc3339(node.boot_unix_ns);
  const std::string heartbeat = rfc3339(context.now_unix_ns);

  std::string& m = object->meta;
  m += "{";
  append_field(m, "name", node.name, false);
  append_field(m, "uid", stable_uid(context.seed, "node/" + node.name));
  append_field(m, "resourceVersion", std::to_string(resource_version));
  append_field(m, "creationTimestamp", created);
  m += ",\"labels\":";
  append_labels(m, object->labels);
  m += ",\"annotations\":{\"node.alpha.kubernetes.io/ttl\":\"0\","
       "\"volumes.kubernetes.io/controller-managed-attach-detach\":\"true\"}}";

  std::string& t = object->tail;
  const std::string cidr = pod_cidr_prefix(index) + "0/24";
  t += ",\"spec\":{\"podCIDR\":\"" + cidr + "\",\"podCIDRs\":[\"" + cidr + "\"],\"providerID\":\"sim://" + node.name + "\"}";
  auto resources = [&](uint64_t millicores, uint64_t memory) {
    return "{\"cpu\":\"" + cpu_quantity(millicores) +
           "\",\"ephemeral-storage\":\"101430960Ki\",\"hugepages-1Gi\":\"0\",\"hugepages-2Mi\":\"0\",\"memory\":\"" +
           memory_quantity(memory) + "\",\"pods\":\"" + std::to_string(node.capacity_pods) + "\"}";
  };
  t += ",\"status\":{\"capacity\":" + resources(node.capacity_millicores, node.capacity_memory_bytes);
  t += ",\"allocatable\":" + resources(node.allocatable_millicores, node.allocatable_memory_bytes);
  t += ",\"conditions\":[";
  struct Condition {
    const char* type;
    const char* status;
    const char* reason;
    const char* message;
  };
  static constexpr Condition kConditions[] = {
      {"MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
      {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
      {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
      {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
  };
  bool first = true;
  for (const Condition& c : kConditions) {
    if (!first) t += ',';
    first = false;
    t += "{\"type\":\"";
    t += c.type;
    t += "\",\"status\":\"";
    t += c.status;
    t += "\",\"lastHeartbeatTime\":\"" + heartbeat + "\",\"lastTransitionTime\":\"" + created + "\",\"reason\":\"";
    t += c.reason;
    t += "\",\"message\":\"";
    t += c.message;
    t += "\"}";
  }
  t += "],\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"" + node.address +
       "\"},{\"type\":\"Hostname\",\"address\":\"" + node.name + "\"}]";
  t += ",\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + std::to_string(context.kubelet_port) + "}}";
  const std::string machine = stable_uid(context.seed, "machine/" + node.name);
  t += ",\"nodeInfo\":{\"machineID\":\"" + machine.substr(0, 8) + machine.substr(9, 4) + machine.substr(14, 4) +
       machine.substr(19, 4) + machine.substr(24) + "\",\"systemUUID\":\"" + machine +
       "\",\"bootID\":\"" + stable_uid(context.seed ^ static_cast<uint64_t>(node.boot_unix_ns), "boot/" + node.name) +
       "\",\"kernelVersion\":\"6.1.0-sim-amd64\",\"osImage\":\"Debian GNU/Linux 12 (bookworm)\","
       "\"containerRuntimeVersion\":\"containerd://1.7.24\",\"kubeletVersion\":\"v1.33.1\",\"kubeProxyVersion\":\"\","
       "\"operatingSystem\":\"linux\",\"architecture\":\"amd64\"}}}";
  return object;
}

ObjectPtr render_pod(const NodeSpec& node, uint32_t node_index, const PodSpec& pod, uint32_t pod_index,
                     uint64_t resource_version, const RenderContext& context) {
  auto object = std::make_shared<StoredObject>();
  object->kind = Kind::kPod;
  object->namespace_name = pod.namespace_name;
  object->name = pod.name;
  object->key = pod.namespace_name + "/" + pod.name;
  for (const Label& label : pod.labels) object->labels.emplace_back(label.name, label.value);
  object->node_name = node.name;
  object->phase = std::string(pod.phase);
  object->resource_version = resource_version;
  const std::string created = rfc3339(pod.start_unix_ns);
  // Pods are named <owner>-<5 chars>.
  const std::string generate_name = pod.name.size() > 5 ? pod.name.substr(0, pod.name.size() - 5) : pod.name;
  const std::string owner = generate_name.empty() ? pod.app : generate_name.substr(0, generate_name.size() - 1);
  const char* owner_kind = pod.daemon_set ? "DaemonSet" : "ReplicaSet";

  std::string& m = object->meta;
  m.reserve(420);
  m += "{";
  append_field(m, "name", pod.name, false);
  append_field(m, "generateName", generate_name);
  append_field(m, "namespace", pod.namespace_name);
  append_field(m, "uid", pod.uid);
  append_field(m, "resourceVersion", std::to_string(resource_version));
  append_field(m, "creationTimestamp", created);
  m += ",\"labels\":";
  append_labels(m, object->labels);
  m += ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"";
  m += owner_kind;
  m += "\"";
  append_field(m, "name", owner);
  append_field(m, "uid", stable_uid(context.seed, std::string(owner_kind) + "/" + pod.namespace_name + "/" + owner));
  m += ",\"controller\":true,\"blockOwnerDeletion\":true}]}";

  const std::string ip = pod_cidr_prefix(node_index) + std::to_string(pod_index % 250 + 2);
  std::string& t = object->tail;
  t.reserve(900 + 260 * pod.containers.size());
  t += ",\"spec\":{\"containers\":[";
  for (size_t c = 0; c < pod.containers.size(); ++c) {
    if (c > 0) t += ',';
    t += "{";
    append_field(t, "name", pod.containers[c].name, false);
    t += ",\"image\":\"registry.sim.mpf.io/" + (c == 0 ? pod.app : pod.containers[c].name) +
         ":1.0\",\"resources\":{},\"imagePullPolicy\":\"IfNotPresent\"}";
  }
  t += "],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
       "\"serviceAccountName\":\"default\"";
  append_field(t, "nodeName", node.name);
  t += ",\"schedulerName\":\"default-scheduler\",\"priority\":0}";
  t += ",\"status\":{";
  append_field(t, "phase", pod.phase, false);
  t += ",\"conditions\":[";
  static constexpr const char* kConditions[] = {"Initialized", "Ready", "ContainersReady", "PodScheduled"};
  for (size_t i = 0; i < 4; ++i) {
    if (i > 0) t += ',';
    t += "{\"type\":\"";
    t += kConditions[i];
    t += "\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"" + created + "\"}";
  }
  t += "],\"hostIP\":\"" + node.address + "\",\"hostIPs\":[{\"ip\":\"" + node.address + "\"}],\"podIP\":\"" + ip +
       "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}],\"startTime\":\"" + created + "\",\"containerStatuses\":[";
  for (size_t c = 0; c < pod.containers.size(); ++c) {
    if (c > 0) t += ',';
    t += "{";
    append_field(t, "name", pod.containers[c].name, false);
    t += ",\"state\":{\"running\":{\"startedAt\":\"" + rfc3339(pod.containers[c].start_unix_ns) +
         "\"}},\"ready\":true,\"restartCount\":0,\"image\":\"registry.sim.mpf.io/" +
         (c == 0 ? pod.app : pod.containers[c].name) + ":1.0\",\"imageID\":\"\",\"started\":true}";
  }
  t += "],\"qosClass\":\"BestEffort\"}}";
  return object;
}

ObjectPtr render_namespace(const std::string& name, int64_t created_unix_ns, uint64_t resource_version,
                           const RenderContext& context) {
  auto object = std::make_shared<StoredObject>();
  object->kind = Kind::kNamespace;
  object->name = name;
  object->key = name;
  object->labels = {{"kubernetes.io/metadata.name", name}};
  object->phase = "Active";
  object->resource_version = resource_version;
  std::string& m = object->meta;
  m += "{";
  append_field(m, "name", name, false);
  append_field(m, "uid", stable_uid(context.seed, "namespace/" + name));
  append_field(m, "resourceVersion", std::to_string(resource_version));
  append_field(m, "creationTimestamp", rfc3339(created_unix_ns));
  m += ",\"labels\":";
  append_labels(m, object->labels);
  m += "}";
  object->tail = ",\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}";
  return object;
}

ObjectPtr render_configmap(const std::string& namespace_name, const std::string& name,
                           const std::map<std::string, std::string>& data, int64_t created_unix_ns,
                           uint64_t resource_version, const RenderContext& context) {
  auto object = std::make_shared<StoredObject>();
  object->kind = Kind::kConfigMap;
  object->namespace_name = namespace_name;
  object->name = name;
  object->key = namespace_name + "/" + name;
  object->resource_version = resource_version;
  std::string& m = object->meta;
  m += "{";
  append_field(m, "name", name, false);
  append_field(m, "namespace", namespace_name);
  append_field(m, "uid", stable_uid(context.seed, "configmap/" + object->key));
  append_field(m, "resourceVersion", std::to_string(resource_version));
  append_field(m, "creationTimestamp", rfc3339(created_unix_ns));
  m += "}";
  std::string& t = object->tail;
  t = ",\"data\":{";
  bool first = true;
  for (const auto& [key, value] : data) {
    append_field(t, key, value, !first);
    first = false;
  }
  t += "}}";
  return object;
}

void append_object(std::string& out, const StoredObject& object, Form form) {
  switch (form) {
    case Form::kListItem:
      out += kListItemPrefix;
      out += object.meta;
      out += object.tail;
      break;
    case Form::kObject:
      out += object_prefix(object.kind);
      out += object.meta;
      out += object.tail;
      break;
    case Form::kMetadata:
      out += kMetadataPrefix;
      out += object.meta;
      out += '}';
      break;
  }
}

size_t object_size(const StoredObject& object, Form form) {
  switch (form) {
    case Form::kListItem: return kListItemPrefix.size() + object.meta.size() + object.tail.size();
    case Form::kObject: return object_prefix(object.kind).size() + object.meta.size() + object.tail.size();
    case Form::kMetadata: return kMetadataPrefix.size() + object.meta.size() + 1;
  }
  return 0;
}

}  // namespace mpf::sim::fake
