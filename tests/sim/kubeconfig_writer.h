#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/sim/atomic_file.h"  // write_file_atomically, for the files written from here
#include "mpf/sdk/status.h"

// Writes kubeconfig files that real kubectl (and client-go) accept, for tests that point clients at the
// fake API server (tests/sim/fake_apiserver.h).

namespace mpf::sim {

struct KubeconfigSpec {
  std::string server;                  // https://127.0.0.1:PORT (or http://...).
  std::string ca_pem;                  // Empty: no certificate-authority-data.
  bool insecure_skip_tls_verify = false;  // Default: false. Needed by some clients for an http:// server.
  std::string token;                   // Empty: the user has no credentials.
  std::string client_cert_pem;         // Optional client certificate and key (client-certificate-data).
  std::string client_key_pem;
  std::string cluster_name = "sim";    // Default: "sim".
  std::string user_name = "sim-admin"; // Default: "sim-admin".
  std::string context_name = "sim";    // Default: "sim" (also current-context).
  std::string namespace_name;          // Empty: the context has no default namespace.
};

// Standard base64 (RFC 4648, with padding), as kubeconfig's *-data fields hold.
std::string base64_encode(std::string_view data);

// The kubeconfig YAML for `spec`.
std::string render_kubeconfig(const KubeconfigSpec& spec);

// Renders and writes it (mode 0600, replaced atomically).
Status write_kubeconfig(const KubeconfigSpec& spec, const std::string& path);

// The file name of a user's kubeconfig in a directory: the user name with every character outside
// [A-Za-z0-9._-] replaced by '_', plus ".kubeconfig" ("system:serviceaccount:kube-system:x" ->
// "system_serviceaccount_kube-system_x.kubeconfig").
std::string kubeconfig_file_name(std::string_view user_name);

// One kubeconfig per (token, user name) in `dir` (created if missing), each `base` with that token and
// the user name as kubeconfig user, so kubectl can run as each user. The first token of a user wins.
Status write_user_kubeconfigs(const KubeconfigSpec& base, const std::vector<std::pair<std::string, std::string>>& tokens,
                              const std::string& dir);

}  // namespace mpf::sim
