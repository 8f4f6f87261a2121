#pragma once

/// @file
/// Standalone mode's local state: where it lives, and the kubeconfig written there so that
/// `kubectl --kubeconfig <state>/kubeconfig top node` reaches this server and trusts its certificate.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mpf/sdk/status.h"

namespace mpf::api::metrics {

using EnvLookup = std::function<std::optional<std::string>(const char*)>;

/// The state directory when the `state_dir` option is empty: $MPF_STATE_DIR, else
/// $XDG_STATE_HOME/mpf, else $HOME/.local/state/mpf, else /tmp/mpf-state-<uid> (the XDG base
/// directory rules, so a user's state survives reboots and root's stays out of /tmp when HOME is set).
std::string default_state_dir(const EnvLookup& env);

/// The last certificate of a PEM bundle, PEM-encoded: for the self-signed pair that is its CA, for a
/// chain the certificate nearest the root. Empty when the text holds none.
std::string last_pem_certificate(std::string_view pem);

/// The kubeconfig text: one cluster, context and user named `name`, `server` trusted through
/// `ca_pem` (embedded as certificate-authority-data), the user authenticated by `token`.
std::string standalone_kubeconfig(std::string_view name, std::string_view server, std::string_view ca_pem,
                                  std::string_view token);

/// Writes `text` to `path` atomically (a temporary file renamed over it), mode 0600, creating the
/// directory (0700) when missing. Errors name the path.
Status write_private_file(const std::string& path, std::string_view text);

/// "https://<host>:<port>" for a bind address: the unspecified addresses become their loopback (a
/// client cannot connect to 0.0.0.0), IPv6 literals get brackets.
std::string local_server_url(std::string_view bind_address, int port);

}  // namespace mpf::api::metrics
