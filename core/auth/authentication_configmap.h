#pragma once

// ConfigMap kube-system/extension-apiserver-authentication, which kube-apiserver keeps up to date with
// its client CA and its front-proxy (request header) settings, so that aggregated API servers can
// authenticate what it proxies to them. Decoded here from list pages and watch events (for the
// reflector), and read into the settings the authenticators use.
//
// Keys (values of the request header lists are JSON arrays in a string, e.g. ["X-Remote-User"]):
//   client-ca-file, requestheader-client-ca-file, requestheader-allowed-names,
//   requestheader-username-headers, requestheader-group-headers, requestheader-extra-headers-prefix,
//   requestheader-uid-headers

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/discovery/k8s_objects.h"  // ListPage, WatchEvent
#include "mpf/sdk/status.h"

namespace mpf::core::auth {

inline constexpr std::string_view kAuthenticationConfigMapNamespace = "kube-system";
inline constexpr std::string_view kAuthenticationConfigMapName = "extension-apiserver-authentication";

struct ConfigMapData {
  std::string namespace_name;
  std::string name;
  std::map<std::string, std::string> data;

  bool operator==(const ConfigMapData&) const = default;
};

// A ConfigMapList (or one page of it) and one line of a ConfigMap watch. Never throw; errors name
// what is wrong ("ConfigMap list: not JSON ...").
Result<ListPage<ConfigMapData>> decode_configmap_list(std::string_view json);
Result<WatchEvent<ConfigMapData>> decode_configmap_event(std::string_view json);
// One ConfigMap (GET of a single object).
Result<ConfigMapData> decode_configmap(std::string_view json);

// The value of a request header list key: "" means none, otherwise a JSON array of strings
// (deserializeStrings in k8s.io/apiserver). Errors name the key.
Result<std::vector<std::string>> configmap_string_list(const ConfigMapData& configmap, const std::string& key);

}  // namespace mpf::core::auth
