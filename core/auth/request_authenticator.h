#pragma once

// The delegated authentication chain of k8s.io/apiserver (authenticatorfactory.DelegatingAuthenticatorConfig):
//   1. request header (front proxy): the client certificate verifies against the request header CA and
//      its CN is allowed; the user is then the first non-empty username header, with the group headers'
//      values, the extra headers (key = the rest of the name, lower case, percent-decoded) and the uid
//      header. A verified certificate without a username header does not authenticate.
//   2. client certificate: verifies against the client CA; user = CN, groups = O.
//   3. bearer token: TokenReview.
// The first that authenticates wins ("system:authenticated" is then added to the groups); when none
// does and one of them failed (a certificate that does not verify, a token the review rejects), the
// request fails with their errors (401); when none applied, it is anonymous: "system:anonymous" in
// "system:unauthenticated".

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/auth/authentication_settings_source.h"
#include "core/auth/client_certificate.h"
#include "core/auth/token_authenticator.h"
#include "mpf/sdk/http_server.h"

namespace mpf::core::auth {

using HeaderList = std::vector<std::pair<std::string_view, std::string_view>>;

struct AuthenticationResult {
  enum class Outcome { kAuthenticated, kAnonymous, kFailed };
  Outcome outcome = Outcome::kAnonymous;
  mpf::RequestUser user;
  std::string method;  // "requestheader", "x509", "token", "anonymous", or "" when failed
  std::string error;   // kFailed: the errors, as the API server aggregates them
};

class RequestAuthenticator {
 public:
  using Done = std::function<void(AuthenticationResult)>;

  // `tokens` may be null (no TokenReview: bearer tokens are then ignored, as without a kubeconfig).
  RequestAuthenticator(const AuthenticationSettingsSource& settings, std::shared_ptr<TokenAuthenticator> tokens);

  // Calls `done` once: at once unless a token review must be awaited. Reads `headers` only during the
  // call; `peer` is the connection's certificate chain.
  void authenticate(const HeaderList& headers, const PeerCertificates& peer, Done done) const;

  // The identity headers authentication consumed, to remove before handlers see the request: the
  // standard X-Remote-* ones and the configured ones (prefixes end with '*' in the returned list).
  bool is_identity_header(std::string_view name) const;

 private:
  const AuthenticationSettingsSource& settings_;
  std::shared_ptr<TokenAuthenticator> tokens_;
};

// Adds "system:authenticated" unless present (group.AuthenticatedGroupAdder).
void add_authenticated_group(mpf::RequestUser& user);

}  // namespace mpf::core::auth
