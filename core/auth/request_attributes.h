#pragma once

// What authorization decides on for one request: k8s.io/apiserver's RequestInfo
// (pkg/endpoints/request/requestinfo.go) with API prefixes "api" and "apis", "api" being groupless.
//   GET /apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/p  -> resource: get pods "p" in ns, group metrics.k8s.io
//   GET /apis/metrics.k8s.io/v1beta1/pods                  -> resource: list pods (all namespaces)
//   GET /apis/metrics.k8s.io/v1beta1/nodes?watch=true      -> resource: watch nodes
//   GET /metrics, /apis, /apis/metrics.k8s.io, /openapi/v2 -> non-resource: get, path as requested

#include <string>
#include <string_view>

namespace mpf::core::auth {

struct RequestAttributes {
  bool resource_request = false;
  // Resource requests: get, list, watch, create, update, patch, delete, deletecollection (as
  // RequestInfo maps methods). Non-resource requests: the method in lower case ("get", "head").
  std::string verb;
  std::string path;  // the request path, not percent-decoded (what non-resource rules match)
  std::string api_prefix;  // "api" or "apis" for resource requests
  std::string api_group;   // "" is the core group
  std::string api_version;
  std::string namespace_name;
  std::string resource;
  std::string subresource;
  std::string name;
};

// RequestInfo for a request. `query` is the raw query string (without '?'); its watch and its
// fieldSelector metadata.name=X (list/watch of one object) count as in RequestInfo: watch is true
// unless its first value is "0" or "false" (any case), so "watch" and "watch=" are watches too; the
// name is taken only when every ListOptions parameter decodes (fieldSelector, labelSelector, limit,
// timeoutSeconds). The path is split after percent-decoding, as Go splits URL.Path. Never throws.
RequestAttributes request_attributes(std::string_view method, std::string_view path, std::string_view query);

}  // namespace mpf::core::auth
