#pragma once

// The JSON of the two reviews a delegating API server sends to kube-apiserver, and the Status bodies
// of its 401 and 403 answers.
//   TokenReview          authentication.k8s.io/v1, POST /apis/authentication.k8s.io/v1/tokenreviews
//   SubjectAccessReview  authorization.k8s.io/v1,  POST /apis/authorization.k8s.io/v1/subjectaccessreviews
// Requests are written as client-go writes them (field order of the Go structs, omitempty honoured);
// responses are parsed with RapidJSON's SAX reader, tolerating unknown fields, any field order and
// null for absent values, and refusing anything that is not such a review.

#include <string>
#include <string_view>
#include <vector>

#include "core/auth/request_attributes.h"
#include "mpf/sdk/http_server.h"  // mpf::RequestUser
#include "mpf/sdk/status.h"

namespace mpf::core::auth {

// {"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},
//  "spec":{"token":"...","audiences":[...]},"status":{"user":{}}}  (audiences omitted when empty)
std::string token_review_request(std::string_view token, const std::vector<std::string>& audiences);

struct TokenReviewAnswer {
  bool authenticated = false;
  mpf::RequestUser user;  // status.user: username, uid, groups, extra (keys as sent, sorted)
  std::vector<std::string> audiences;
  std::string error;  // status.error
};
// Errors (permanent) name what is wrong: "TokenReview response: not JSON at offset 12", "... kind is
// \"Status\", want TokenReview".
Result<TokenReviewAnswer> parse_token_review_response(std::string_view json);

// {"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},
//  "spec":{"resourceAttributes":{"namespace":..,"verb":..,"group":..,"version":..,"resource":..,
//  "subresource":..,"name":..}  or  "nonResourceAttributes":{"path":..,"verb":..},
//  "user":..,"groups":[..],"extra":{..},"uid":..},"status":{"allowed":false}}
// Empty strings and lists are omitted, as omitempty does.
std::string subject_access_review_request(const mpf::RequestUser& user, const RequestAttributes& attributes);

struct AccessReviewAnswer {
  bool allowed = false;
  bool denied = false;
  std::string reason;
  std::string evaluation_error;
};
Result<AccessReviewAnswer> parse_subject_access_review_response(std::string_view json);

// The 401 Status body: message "Unauthorized", reason Unauthorized, code 401.
std::string unauthorized_body();

// responsewriters.forbiddenMessage + ForbiddenStatusError, e.g.
//   pods.metrics.k8s.io is forbidden: User "jane" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "default"
//   nodes.metrics.k8s.io "node-1" is forbidden: User "jane" cannot get resource "nodes" in API group "metrics.k8s.io" at the cluster scope: <reason>
//   forbidden: User "system:anonymous" cannot get path "/metrics"
// with the reason appended after ": " when not empty.
std::string forbidden_message(const mpf::RequestUser& user, const RequestAttributes& attributes, std::string_view reason);
// The 403 Status body holding that message, reason Forbidden, details {name, group, kind=resource}
// (details empty for non-resource requests), code 403.
std::string forbidden_body(const mpf::RequestUser& user, const RequestAttributes& attributes, std::string_view reason);

}  // namespace mpf::core::auth
