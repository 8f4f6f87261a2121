#pragma once

/// @file
/// The discovery documents of the metrics.k8s.io group (reference §1.3): what kubectl and the
/// aggregator read before asking for any metrics.

#include <span>
#include <string_view>

#include "metrics_api/json_writer.h"

namespace mpf::api::metrics {

inline constexpr std::string_view kGroupName = "metrics.k8s.io";

/// APIResourceList for `GET /apis/metrics.k8s.io/<version>` (version "v1beta1" or "v1"): nodes and
/// pods, verbs get+list, singularName deliberately "" (a non-empty one broke `kubectl get
/// NodeMetrics`, metrics-server commit a9fdc887).
void write_api_resource_list(JsonWriter& w, std::string_view version);

/// APIGroup for `GET /apis/metrics.k8s.io`. `versions` are listed in the given order (Kubernetes
/// lists the preferred version first); `preferred` becomes preferredVersion.
void write_api_group(JsonWriter& w, std::span<const std::string_view> versions, std::string_view preferred);

/// APIGroupList for `GET /apis` holding just this group. When `server_address` is non-empty the
/// group carries serverAddressByClientCIDRs [{"clientCIDR":"0.0.0.0/0","serverAddress":...}], as the
/// apiserver's root handler adds (inferred in the reference, so it is the caller's choice).
void write_api_group_list(JsonWriter& w, std::span<const std::string_view> versions, std::string_view preferred,
                          std::string_view server_address = {});

/// The member "serverAddressByClientCIDRs": [{"clientCIDR":"0.0.0.0/0","serverAddress":...}] of /api
/// and /apis, inside an object being written.
void write_server_address_by_client_cidrs(JsonWriter& w, std::string_view server_address);

/// One APIResource that is only read (verbs get and list), in the apiserver's field order: name,
/// singularName, namespaced, kind, verbs, then shortNames when `short_name` is not empty (omitempty).
void write_read_only_resource(JsonWriter& w, std::string_view name, std::string_view singular, bool namespaced,
                              std::string_view kind, std::string_view short_name = {});

}  // namespace mpf::api::metrics
