#include "kubelet_common/node_targets.h"

#include <arpa/inet.h>

#include <map>

#include "mpf/sdk/options.h"

namespace mpf::sources::kubelet {

namespace {

bool is_ip_literal(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

const std::string* scalar_at(const ConfigValue& map, std::string_view key) {
  const ConfigValue* v = map.find(key);
  return v != nullptr && v->is_scalar() ? &v->text() : nullptr;
}

void parse_one(const ConfigValue& item, const std::string& at, std::vector<NodeInfo>& out,
               std::vector<std::string>& errors) {
  if (!item.is_map()) {
    errors.push_back(at + ": expected a map with at least name and address");
    return;
  }
  NodeInfo node;
  for (const auto& entry : item.entries()) {
    const std::string& key = entry.first;
    if (key != "name" && key != "address" && key != "addresses" && key != "port" && key != "labels" &&
        key != "path") {
      errors.push_back(at + "." + key + ": unknown key (known: name, address, addresses, port, labels, path)");
    }
  }
  if (const std::string* name = scalar_at(item, "name"); name != nullptr && !name->empty()) {
    node.name = *name;
  } else {
    errors.push_back(at + ".name: required");
  }
  if (const std::string* address = scalar_at(item, "address")) {
    node.addresses.push_back({is_ip_literal(*address) ? "InternalIP" : "Hostname", *address});
  }
  if (const ConfigValue* list = item.find("addresses")) {
    if (!list->is_list()) errors.push_back(at + ".addresses: expected a list of {type, address}");
    for (std::size_t i = 0; i < list->items().size(); ++i) {
      const ConfigValue& a = list->items()[i];
      const std::string* type = a.is_map() ? scalar_at(a, "type") : nullptr;
      const std::string* address = a.is_map() ? scalar_at(a, "address") : nullptr;
      if (type == nullptr || address == nullptr) {
        errors.push_back(at + ".addresses[" + std::to_string(i) + "]: expected {type, address}");
        continue;
      }
      node.addresses.push_back({*type, *address});
    }
  }
  if (node.addresses.empty()) errors.push_back(at + ": needs address or addresses");
  if (const ConfigValue* port = item.find("port")) {
    auto n = port->is_scalar() ? parse_int(port->text()) : std::nullopt;
    if (!n || *n < 1 || *n > 65535) {
      errors.push_back(at + ".port: expected a port between 1 and 65535");
    } else {
      node.kubelet_port = static_cast<int>(*n);
    }
  }
  if (const ConfigValue* labels = item.find("labels")) {
    if (!labels->is_map()) errors.push_back(at + ".labels: expected a map of strings");
    std::map<std::string, std::string> sorted;
    for (const auto& label : labels->entries()) {
      if (!label.second.is_scalar()) {
        errors.push_back(at + ".labels." + label.first + ": expected a string");
        continue;
      }
      sorted[label.first] = label.second.text();
    }
    node.labels.assign(sorted.begin(), sorted.end());
  }
  if (const std::string* path = scalar_at(item, "path")) {
    if (path->empty() || path->front() != '/') errors.push_back(at + ".path: must start with /");
    node.metrics_path = *path;
  }
  out.push_back(std::move(node));
}

}  // namespace

Result<std::vector<NodeInfo>> parse_static_nodes(const ConfigValue& nodes, std::string_view path) {
  std::vector<NodeInfo> out;
  if (nodes.is_null()) return out;
  if (!nodes.is_list()) return Status::invalid_argument(std::string(path) + ": expected a list of nodes");
  std::vector<std::string> errors;
  for (std::size_t i = 0; i < nodes.items().size(); ++i) {
    parse_one(nodes.items()[i], std::string(path) + "[" + std::to_string(i) + "]", out, errors);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!out[i].name.empty() && out[i].name == out[j].name) {
        errors.push_back(std::string(path) + ": node \"" + out[i].name + "\" is listed twice");
      }
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e;
    return Status::invalid_argument(std::move(message));
  }
  return out;
}

Result<std::string> choose_address(const NodeInfo& node, const std::vector<std::string>& preferred_types) {
  for (const auto& type : preferred_types) {
    for (const auto& a : node.addresses) {
      if (a.type == type && !a.address.empty()) return a.address;
    }
  }
  std::string types;
  for (const auto& t : preferred_types) types += (types.empty() ? "" : " ") + t;
  return Status::permanent("no address matched types [" + types + "]");
}

Result<Target> node_target(const NodeInfo& node, const std::vector<std::string>& preferred_types, int default_port,
                           bool use_node_status_port, std::string_view default_path) {
  auto address = choose_address(node, preferred_types);
  if (!address) return address.status();
  int port = use_node_status_port && node.kubelet_port > 0 ? node.kubelet_port : default_port;
  Target target;
  target.name = node.name;
  target.address = std::move(address).value();
  target.attributes["port"] = std::to_string(port);
  target.attributes["path"] = node.metrics_path.empty() ? std::string(default_path) : node.metrics_path;
  return target;
}

}  // namespace mpf::sources::kubelet
