#pragma once

/// @file
/// Standalone mode's one credential: a random bearer token kept in the state directory and written
/// into the kubeconfig. Without it any local user could read the API; with an empty kubeconfig user
/// kubectl would also stop and prompt for a basic-auth username.

#include <string>
#include <string_view>

#include "mpf/sdk/http_server.h"
#include "mpf/sdk/status.h"

namespace mpf::api::metrics {

/// The token in `path` when it holds one (surrounding whitespace trimmed), else a new one (32 random
/// bytes as 64 hex digits) written there with mode 0600. A token with characters outside RFC 6750's
/// token68 set is refused. Errors name the path.
Result<std::string> load_or_create_token(const std::string& path);

/// Whether `request` carries "Authorization: Bearer <token>" (the scheme case-insensitive, as RFC 7235
/// says); compared in constant time.
bool bearer_token_matches(const ServerRequest& request, std::string_view token);

/// Answers the apiserver's 401 Status ("Unauthorized").
void answer_unauthorized(ServerResponse& response);

}  // namespace mpf::api::metrics
