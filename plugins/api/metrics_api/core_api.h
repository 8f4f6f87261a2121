#pragma once

/// @file
/// The few core (v1) endpoints `kubectl top` needs besides metrics.k8s.io, for standalone mode where
/// no kube-apiserver exists: /api, /api/v1, nodes (with this machine's capacity and allocatable),
/// pods and namespaces, list and get, labelSelector and fieldSelector (metadata.name,
/// metadata.namespace). Read-only: other verbs get 405, watches 405 too. Answers JSON whatever the
/// Accept header asks (clients that send protobuf also accept JSON, as kubectl does).

#include <cstdint>
#include <string>

#include "metrics_api/local_node.h"
#include "metrics_api/standalone_inventory.h"
#include "mpf/sdk/http_server.h"

namespace mpf::api::metrics {

class CoreApi {
 public:
  /// `server_address` is what /api reports as serverAddressByClientCIDRs ("127.0.0.1:4443").
  CoreApi(LocalNodeFacts facts, std::string server_address);

  /// Answers every path under /api (longer paths such as /apis are routed elsewhere).
  void handle(const ServerRequest& request, const StandaloneInventory& inventory, std::int64_t now_ns,
              ServerResponse& response) const;

  const LocalNodeFacts& facts() const { return facts_; }

 private:
  LocalNodeFacts facts_;
  std::string server_address_;
};

/// A memory quantity as the kubelet writes capacity: "<n>Ki" when a whole number of KiB, else bytes.
std::string memory_capacity_quantity(std::uint64_t bytes);

}  // namespace mpf::api::metrics
