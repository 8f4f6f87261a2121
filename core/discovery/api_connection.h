#pragma once

// Where the API server is and how to authenticate to it: from a kubeconfig file, as client-go's
// clientcmd.BuildConfigFromFlags("", path) reads it, or from the pod's service account, as
// rest.InClusterConfig() does. metrics-server uses one or the other (--kubeconfig or nothing).
//
// Only what the host's HTTP engine can do is accepted. Everything else in a kubeconfig (exec credential
// plugins, auth providers, basic auth, impersonation, proxy-url, tls-server-name) fails at start-up with
// a message naming the file and the entry, rather than connecting with a different identity or route.
// Referenced files (certificate-authority, client-certificate, client-key, tokenFile) are not read
// here: their paths are passed on, resolved, and the engine reads and validates them when it builds the
// client.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/yaml_loader.h"  // EnvLookup and process_env(): the one environment lookup of core
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

struct ApiServerConnection {
  // A DNS name or an IP literal (IPv6 without brackets), as HttpRequest::host wants it.
  std::string host;
  std::uint16_t port = 443;  // Default: 443 (80 for an http:// server without a port).
  // The path of a server URL like https://h:6443/k8s: "" or "/k8s" (never a trailing slash). Requests
  // go to path_prefix + "/api/v1/...".
  std::string path_prefix;
  // tls, insecure_skip_verify, ca_file or ca_pem, client certificate and key (file or PEM),
  // bearer_token or bearer_token_file, user_agent.
  HttpClientOptions http;
  // For logs: `kubeconfig "/path" (context "ctx", server https://h:6443)` or
  // `in-cluster (https://10.96.0.1:443)`.
  std::string description;
  // Problems that did not stop the connection but that client-go logs (for example an unreadable
  // in-cluster CA file); the caller logs each once as a warning.
  std::vector<std::string> warnings;
};

// Reads the kubeconfig at `path` and takes its current-context (or `context` when not empty), that
// context's cluster and that context's user. Relative paths in the file are resolved against the file's
// own directory, as client-go does. Errors are invalid_argument and start with `kubeconfig "<path>": `.
Result<ApiServerConnection> load_kubeconfig(const std::string& path, std::string_view context = {});

// load_kubeconfig() on text already read: `origin` names it in messages and the description,
// `directory` resolves relative paths (kept relative when empty). Never throws, whatever the text.
//
// Choices where client-go differs or is silent:
//  - token and tokenFile both set: only tokenFile is used (bearer_token_file), since the file may be
//    rotated; client-go also prefers a readable file.
//  - a context naming a user that the file does not define is an error (client-go would connect
//    anonymously); a context with no user at all is anonymous, as in client-go.
//  - insecure-skip-tls-verify together with a CA is an error, as client-go's transport refuses it
//    ("specifying a root certificates file with the insecure flag is not allowed").
//  - a CA, client certificate or client key given both as a file and as *-data is an error, as
//    client-go's validation says; a client certificate without a key (or a key without a certificate)
//    is an error.
//  - the server must be an absolute http:// or https:// URL without user info, query or fragment.
Result<ApiServerConnection> parse_kubeconfig(std::string_view text, std::string_view origin,
                                             std::string_view directory, std::string_view context = {});

// Looks up an environment variable; nullopt when unset. The same type as EnvLookup, so process_env()
// (core/config/yaml_loader.h) is the real environment and tests pass a map.
using EnvGetter = EnvLookup;

// rest.InClusterConfig(): https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the service account
// token <service_account_dir>/token as bearer_token_file (re-read when the kubelet rotates it), which
// must be readable now, and the CA <service_account_dir>/ca.crt. Like client-go, an unreadable CA is
// not fatal: ca_file stays empty (the system's default roots) and `warnings` says why.
Result<ApiServerConnection> in_cluster_connection(
    const EnvGetter& env, std::string_view service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// What metrics-server does: the kubeconfig when `kubeconfig` is not empty, otherwise in-cluster.
Result<ApiServerConnection> resolve_api_connection(const std::string& kubeconfig, const EnvGetter& env);

}  // namespace mpf::core
