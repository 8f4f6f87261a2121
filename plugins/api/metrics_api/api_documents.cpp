#include "metrics_api/api_documents.h"

#include <string>

namespace mpf::api::metrics {
namespace {

std::string group_version(std::string_view version) {
  std::string gv(kGroupName);
  gv += '/';
  gv += version;
  return gv;
}

// GroupVersionForDiscovery: {"groupVersion":..., "version":...}.
void write_group_version(JsonWriter& w, std::string_view version) {
  w.begin_object();
  w.member("groupVersion", group_version(version));
  w.member("version", version);
  w.end_object();
}

// The APIGroup body without its TypeMeta: items of an APIGroupList carry none.
void write_group_fields(JsonWriter& w, std::span<const std::string_view> versions, std::string_view preferred) {
  w.member("name", kGroupName);
  w.key("versions");
  w.begin_array();
  for (std::string_view version : versions) write_group_version(w, version);
  w.end_array();
  w.key("preferredVersion");
  write_group_version(w, preferred);
}

}  // namespace

void write_api_resource_list(JsonWriter& w, std::string_view version) {
  w.begin_object();
  w.member("kind", "APIResourceList");
  w.member("apiVersion", "v1");
  w.member("groupVersion", group_version(version));
  w.key("resources");
  w.begin_array();
  write_read_only_resource(w, "nodes", "", false, "NodeMetrics");  // sorted by name, as the apiserver does
  write_read_only_resource(w, "pods", "", true, "PodMetrics");
  w.end_array();
  w.end_object();
}

void write_api_group(JsonWriter& w, std::span<const std::string_view> versions, std::string_view preferred) {
  w.begin_object();
  w.member("kind", "APIGroup");
  w.member("apiVersion", "v1");
  write_group_fields(w, versions, preferred);
  w.end_object();
}

void write_api_group_list(JsonWriter& w, std::span<const std::string_view> versions, std::string_view preferred,
                          std::string_view server_address) {
  w.begin_object();
  w.member("kind", "APIGroupList");
  w.member("apiVersion", "v1");
  w.key("groups");
  w.begin_array();
  w.begin_object();
  write_group_fields(w, versions, preferred);
  if (!server_address.empty()) write_server_address_by_client_cidrs(w, server_address);
  w.end_object();
  w.end_array();
  w.end_object();
}

void write_server_address_by_client_cidrs(JsonWriter& w, std::string_view server_address) {
  w.key("serverAddressByClientCIDRs");
  w.begin_array();
  w.begin_object();
  w.member("clientCIDR", "0.0.0.0/0");
  w.member("serverAddress", server_address);
  w.end_object();
  w.end_array();
}

void write_read_only_resource(JsonWriter& w, std::string_view name, std::string_view singular, bool namespaced,
                              std::string_view kind, std::string_view short_name) {
  w.begin_object();
  w.member("name", name);
  w.member("singularName", singular);
  w.key("namespaced");
  w.boolean(namespaced);
  w.member("kind", kind);
  w.key("verbs");
  w.begin_array();
  w.string("get");
  w.string("list");
  w.end_array();
  if (!short_name.empty()) {
    w.key("shortNames");
    w.begin_array();
    w.string(short_name);
    w.end_array();
  }
  w.end_object();
}

}  // namespace mpf::api::metrics
