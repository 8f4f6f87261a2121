#pragma once

/// @file
/// The OpenAPI documents metrics-server serves (reference §1.9): `/openapi/v2` (swagger 2.0),
/// `/openapi/v3` (the index of group-version documents) and `/openapi/v3/<path>` (OpenAPI 3.0).
/// They mirror what k8s.io/apiserver builds with kube-openapi from metrics-server's go-restful routes
/// and its generated definitions (pkg/api/generated/openapi/zz_generated.openapi.go): the same paths,
/// operationIds, parameters, definitions and extensions, and the same key order (struct fields in
/// declaration order, map keys sorted, as kube-openapi's deterministic JSON marshalling does). Pure
/// functions; the documents are meant to be built once at start-up.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mpf::api::metrics {

struct OpenApiInfo {
  // The binary version, e.g. "v0.8.1-12-gabcdef"; info.version is the part before the first '-'.
  std::string_view binary_version;
  // The metrics.k8s.io versions served ("v1beta1", optionally "v1"). Default: v1beta1 only.
  std::span<const std::string_view> served_versions;
  // Whether `GET /version` is served: metrics-server documents it as the path "/version/" (operation
  // getCodeVersion, definition io.k8s.apimachinery.pkg.version.Info). Default: false.
  bool include_version_path = false;
};

/// info.version: `binary_version` up to its first '-' ("unversioned" when empty, as the apiserver's
/// completeOpenAPI does).
std::string openapi_info_version(std::string_view binary_version);

/// Body of `GET /openapi/v2` (compact JSON, no trailing newline). Served as application/json with
/// `Vary: Accept` and `Etag: "<openapi_hash(body)>"` by kube-openapi's handler.
std::string openapi_v2_document(const OpenApiInfo& info);

/// The group-version names `/openapi/v3` lists, sorted: "apis", "apis/metrics.k8s.io",
/// "apis/metrics.k8s.io/<version>" for each served version, and "version" when served.
std::vector<std::string> openapi_v3_paths(const OpenApiInfo& info);

/// Body of `GET /openapi/v3/<path>` for one of openapi_v3_paths(); empty when `path` is unknown
/// (the handler answers 404 then).
std::string openapi_v3_group_version(const OpenApiInfo& info, std::string_view path);

/// Body of `GET /openapi/v3`: {"paths":{"<path>":{"serverRelativeURL":"/openapi/v3/<path>?hash=<H>"}}}
/// with H = openapi_hash of that path's document.
std::string openapi_v3_index(const OpenApiInfo& info);

/// kube-openapi's ETag and v3 `hash` value: SHA-512 of the body as upper-case hex (128 characters).
std::string openapi_hash(std::string_view body);

}  // namespace mpf::api::metrics
