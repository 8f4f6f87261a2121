#pragma once

// POSTs one review (TokenReview or SubjectAccessReview) to the kube-apiserver and hands back the
// answer's body, counting each call as k8s.io/apiserver does in
// apiserver_delegated_authn_request_total / apiserver_delegated_authz_request_total {code}: the HTTP
// status, or "<error>" when no answer came.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/discovery/api_connection.h"
#include "core/net/http_stream.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/status.h"

namespace mpf::core::auth {

class ReviewWebhook {
 public:
  // Called once, on an engine thread (or the caller's when the engine is stopped): the body of a 200
  // or 201 answer, or why there is none ("tokenreviews.authentication.k8s.io: 403 Forbidden: <the
  // Status message>", the transport error).
  using Done = std::function<void(Result<std::string> body)>;

  // `resource` names it in messages ("tokenreviews.authentication.k8s.io"); `path` is where it is
  // created ("/apis/authentication.k8s.io/v1/tokenreviews"); `metric` the request counter's name.
  ReviewWebhook(std::shared_ptr<StreamingHttpClient> client, const ApiServerConnection& connection,
                std::string resource, std::string path, std::chrono::milliseconds timeout, SelfMetrics& metrics,
                std::string metric, std::string metric_help);

  void post(std::string body, Done done) const;

 private:
  std::shared_ptr<StreamingHttpClient> client_;
  std::string host_;
  std::uint16_t port_;
  std::string resource_;
  std::string target_;
  std::chrono::milliseconds timeout_;
  SelfMetrics& metrics_;
  std::string metric_;
  std::string metric_help_;
};

}  // namespace mpf::core::auth
