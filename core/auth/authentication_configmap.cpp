#include "core/auth/authentication_configmap.h"

#include "core/auth/json_tree.h"

namespace mpf::core::auth {
namespace {

Result<ConfigMapData> from_node(const JsonNode& object, std::string_view what) {
  if (!object.is_object()) return Status::permanent(std::string(what) + ": not an object");
  ConfigMapData out;
  if (const JsonNode* metadata = object.find("metadata"); metadata != nullptr && metadata->is_object()) {
    out.name = metadata->string_member("name");
    out.namespace_name = metadata->string_member("namespace");
  }
  const JsonNode* data = object.find("data");
  if (data != nullptr && data->kind != JsonNode::Kind::kNull) {
    if (!data->is_object()) return Status::permanent(std::string(what) + ": data is not an object");
    for (const JsonMember& member : data->members) {
      if (!member.value.is_string()) {
        return Status::permanent(std::string(what) + ": data." + member.key + " is not a string");
      }
      out.data.insert_or_assign(member.key, member.value.text);
    }
  }
  return out;
}

Result<JsonNode> parse_object(std::string_view json, std::string_view what) {
  auto tree = parse_json(json);
  if (!tree) return Status::permanent(std::string(what) + ": " + tree.status().message());
  if (!tree->is_object()) return Status::permanent(std::string(what) + ": not a JSON object");
  return tree;
}

}  // namespace

Result<ConfigMapData> decode_configmap(std::string_view json) {
  auto tree = parse_object(json, "ConfigMap");
  if (!tree) return tree.status();
  const std::string kind = tree->string_member("kind");
  if (!kind.empty() && kind != "ConfigMap") return Status::permanent("ConfigMap: kind is \"" + kind + "\"");
  return from_node(*tree, "ConfigMap");
}

Result<ListPage<ConfigMapData>> decode_configmap_list(std::string_view json) {
  auto tree = parse_object(json, "ConfigMap list");
  if (!tree) return tree.status();
  const std::string kind = tree->string_member("kind");
  if (!kind.empty() && kind != "ConfigMapList") return Status::permanent("ConfigMap list: kind is \"" + kind + "\"");
  ListPage<ConfigMapData> page;
  if (const JsonNode* metadata = tree->find("metadata"); metadata != nullptr && metadata->is_object()) {
    page.resource_version = metadata->string_member("resourceVersion");
    page.continue_token = metadata->string_member("continue");
  }
  const JsonNode* items = tree->find("items");
  if (items != nullptr && items->kind != JsonNode::Kind::kNull) {
    if (items->kind != JsonNode::Kind::kArray) return Status::permanent("ConfigMap list: items is not an array");
    for (const JsonNode& item : items->elements) {
      auto configmap = from_node(item, "ConfigMap list item");
      if (!configmap) return configmap.status();
      page.items.push_back(std::move(*configmap));
    }
  }
  return page;
}

Result<WatchEvent<ConfigMapData>> decode_configmap_event(std::string_view json) {
  auto tree = parse_object(json, "ConfigMap watch event");
  if (!tree) return tree.status();
  WatchEvent<ConfigMapData> event;
  const std::string type = tree->string_member("type");
  if (type == "ADDED") {
    event.type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    event.type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    event.type = WatchEventType::kDeleted;
  } else if (type == "BOOKMARK") {
    event.type = WatchEventType::kBookmark;
  } else if (type == "ERROR") {
    event.type = WatchEventType::kError;
  } else {
    return Status::permanent("ConfigMap watch event: unknown type \"" + type + "\"");
  }
  const JsonNode* object = tree->find("object");
  if (object == nullptr || !object->is_object()) return Status::permanent("ConfigMap watch event: no object");
  if (const JsonNode* metadata = object->find("metadata"); metadata != nullptr && metadata->is_object()) {
    event.resource_version = metadata->string_member("resourceVersion");
  }
  if (event.type == WatchEventType::kError) {
    if (const JsonNode* code = object->find("code"); code != nullptr && code->kind == JsonNode::Kind::kNumber) {
      try {
        event.status.code = std::stoi(code->text);
      } catch (const std::exception&) {
        event.status.code = 0;  // not a status code: the reflector treats it as an unknown error
      }
    }
    event.status.reason = object->string_member("reason");
    event.status.message = object->string_member("message");
    return event;
  }
  if (event.type == WatchEventType::kBookmark) return event;
  auto configmap = from_node(*object, "ConfigMap watch event");
  if (!configmap) return configmap.status();
  event.object = std::move(*configmap);
  return event;
}

Result<std::vector<std::string>> configmap_string_list(const ConfigMapData& configmap, const std::string& key) {
  auto it = configmap.data.find(key);
  if (it == configmap.data.end() || it->second.empty()) return std::vector<std::string>{};
  const Status bad = Status::permanent("ConfigMap " + configmap.namespace_name + "/" + configmap.name + " key " + key +
                                       ": not a JSON array of strings");
  auto tree = parse_json(it->second);
  if (!tree || tree->kind != JsonNode::Kind::kArray) return bad;
  std::vector<std::string> out;
  for (const JsonNode& value : tree->elements) {
    if (!value.is_string()) return bad;
    out.push_back(value.text);
  }
  return out;
}

}  // namespace mpf::core::auth
