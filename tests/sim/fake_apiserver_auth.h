#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/net/cert_generator.h"
#include "mpf/sdk/status.h"
#include "tests/sim/rbac_policy.h"

// The authentication and authorization pieces of fake-apiserver that do not touch the network: who a
// request is (bearer tokens from a users file, client certificates, anonymous), what it asks for
// (k8s.io/apiserver's RequestInfo), kube-apiserver's 401/403 Status bodies, the TokenReview and
// SubjectAccessReview JSON, and the headers the aggregator sends to an extension API server.

namespace mpf::sim {

// user.Info.
struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

inline constexpr const char* kAuthenticatedGroup = "system:authenticated";
inline constexpr const char* kAnonymousUser = "system:anonymous";
inline constexpr const char* kUnauthenticatedGroup = "system:unauthenticated";

// system:anonymous in system:unauthenticated, as kube-apiserver's anonymous authenticator.
UserInfo anonymous_user();
// `user` as the authenticator chain returns it: service account users (system:serviceaccount:NS:NAME)
// in system:serviceaccounts and system:serviceaccounts:NS, everyone in system:authenticated (each
// added once, after the groups already there).
UserInfo authenticated(UserInfo user);

// Bearer tokens -> users (--users FILE). The file is YAML:
//
//   users:
//   - token: admin-token
//     username: alice
//     uid: "1001"                      # optional
//     groups: [system:masters]         # optional
//     extra: {scopes: [view, edit]}    # optional, values are lists
//   - token: sa-token
//     username: system:serviceaccount:kube-system:metrics-server
//
// or kube-apiserver's --token-auth-file CSV: `token,user,uid,"group1,group2"` per line ('#' comments).
class UserTable {
 public:
  static Result<UserTable> parse(std::string_view text);
  static Result<UserTable> load_file(const std::string& path);
  // Adds (or replaces) a token's user.
  void add(const std::string& token, UserInfo user);
  // The user for `token` as authenticated(), or nullptr.
  const UserInfo* find(const std::string& token) const;
  // token -> user as in the file (before authenticated()).
  const std::map<std::string, UserInfo>& users() const { return raw_; }
  bool empty() const { return raw_.empty(); }

 private:
  std::map<std::string, UserInfo> raw_;
  std::map<std::string, UserInfo> resolved_;
};

// A client certificate's user, as kube-apiserver's x509 authenticator: CN is the name, each O a group.
UserInfo certificate_user(const std::string& common_name, const std::vector<std::string>& organizations);

// RequestInfo (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go) for prefixes "api" (groupless)
// and "apis". `path` percent-decoded; `query` decoded name -> value (watch, fieldSelector matter).
AccessAttributes request_attributes(std::string_view method, const std::string& path,
                                    const std::map<std::string, std::string>& query);

// kube-apiserver's 401 body: {"kind":"Status",...,"message":"Unauthorized","reason":"Unauthorized","code":401}.
std::string unauthorized_status_json();
// The 403 message (responsewriters.Forbidden + apierrors.NewForbidden), e.g.
//   pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope
//   nodes.metrics.k8s.io "n1" is forbidden: User "x" cannot get resource "nodes" in API group "metrics.k8s.io" at the cluster scope
//   forbidden: User "x" cannot get path "/metrics"
std::string forbidden_message(const std::string& user, const AccessAttributes& attributes, const std::string& reason = "");
// ... and its Status body (details name, group, kind as NewForbidden sets them).
std::string forbidden_status_json(const std::string& user, const AccessAttributes& attributes, const std::string& reason = "");

// A TokenReview or SubjectAccessReview as POSTed.
struct TokenReviewRequest {
  std::string token;
  std::vector<std::string> audiences;
  std::string spec_json;  // spec as received (re-serialized), echoed in the response.
};
struct AccessReviewRequest {
  UserInfo user;  // spec.user, uid, groups, extra (as given: nothing is added)
  AccessAttributes attributes;
  std::string spec_json;
};
// Fail (invalid_argument) on anything that is not such a review: the caller answers 400.
Result<TokenReviewRequest> parse_token_review(std::string_view body);
Result<AccessReviewRequest> parse_access_review(std::string_view body);
// The 201 bodies. `user` null: not authenticated (status {"user":{},"error":...} as kube-apiserver).
std::string token_review_response(const TokenReviewRequest& request, const UserInfo* user);
std::string access_review_response(const AccessReviewRequest& request, bool allowed, const std::string& reason);

// The headers kube-apiserver's aggregator sets on a proxied request (transport.SetAuthProxyHeaders):
// X-Remote-User, X-Remote-Uid (when set), X-Remote-Group per group, X-Remote-Extra-<key> per value
// with the key percent-encoded as headerKeyEscape does.
std::vector<std::pair<std::string, std::string>> front_proxy_headers(const UserInfo& user);
// headerKeyEscape: everything but ALPHA / DIGIT / "-" / "_" / "." / "~" as %XX (upper-case hex).
std::string header_key_escape(std::string_view key);
// Whether a client header must not reach the backend (Authorization, X-Remote-*, hop-by-hop, Host).
bool dropped_by_front_proxy(std::string_view header_name);

// The aggregator's identity: a CA ("front-proxy-ca") and a client certificate it signs (CN
// `common_name`, extKeyUsage clientAuth), as kube-apiserver's --proxy-client-cert-file and
// --requestheader-client-ca-file.
struct FrontProxyIdentity {
  core::PemPair ca;
  core::PemPair client;
};
Result<FrontProxyIdentity> make_front_proxy_identity(const std::string& common_name);

// The data of kube-system/extension-apiserver-authentication as kube-apiserver's
// clusterauthenticationtrust controller writes it (getConfigMapDataFor): "client-ca-file" when
// `client_ca_pem` is set; with a front proxy (`front_proxy_ca_pem` set) "requestheader-client-ca-file"
// and the header settings as JSON lists in strings: requestheader-allowed-names ["CN"],
// -username-headers ["X-Remote-User"], -uid-headers ["X-Remote-Uid"], -group-headers ["X-Remote-Group"],
// -extra-headers-prefix ["X-Remote-Extra-"].
std::map<std::string, std::string> authentication_configmap_data(const std::string& client_ca_pem,
                                                                 const std::string& front_proxy_ca_pem,
                                                                 const std::string& front_proxy_cn);

}  // namespace mpf::sim
