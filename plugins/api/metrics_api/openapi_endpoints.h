#pragma once

/// @file
/// `/openapi/v2`, `/openapi/v3` and `/openapi/v3/<group-version>` as kube-openapi's handlers serve them:
/// documents built once at start, an ETag of their SHA-512, `Vary: Accept`, 304 for a matching
/// If-None-Match, and for v3 the `?hash=` protocol (an immutable answer for the current hash, a 301
/// to it for a stale one). The aggregator fetches these to merge metrics.k8s.io into the cluster's spec.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "mpf/sdk/http_server.h"

namespace mpf::api::metrics {

class OpenApiEndpoints {
 public:
  /// `binary_version` feeds info.version; both metrics.k8s.io versions are documented.
  explicit OpenApiEndpoints(std::string_view binary_version);

  /// Answers a request whose path starts with "/openapi".
  void answer(const ServerRequest& request, ServerResponse& response) const;

 private:
  struct Document {
    std::shared_ptr<const std::string> body;
    std::string hash;
  };

  Document v2_;
  Document v3_index_;
  std::map<std::string, Document, std::less<>> v3_;  // by path below /openapi/v3/
};

}  // namespace mpf::api::metrics
