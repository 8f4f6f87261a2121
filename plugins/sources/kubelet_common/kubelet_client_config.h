#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/options.h"
#include "mpf/sdk/status.h"

namespace mpf::sources::kubelet {

/// How to reach kubelets: the options both kubelet sources share. Names match what metrics-server's
/// kubelet flags map to (core/app/flag_table.cpp), so a manifest's flags land here.
struct KubeletClientConfig {
  int port = 10250;                       // Default: 10250. --kubelet-port
  bool use_node_status_port = false;      // Default: false. --kubelet-use-node-status-port
  std::vector<std::string> preferred_address_types{"Hostname", "InternalDNS", "InternalIP", "ExternalDNS",
                                                   "ExternalIP"};  // --kubelet-preferred-address-types
  bool insecure_tls = false;              // Default: false. --kubelet-insecure-tls
  std::string ca_file;                    // --kubelet-certificate-authority
  std::string client_certificate_file;    // --kubelet-client-certificate
  std::string client_key_file;            // --kubelet-client-key
  std::string bearer_token_file;          // Default: the API server identity's token. Re-read when rotated.
  bool plain_http = false;                // Default: false. --deprecated-kubelet-completely-insecure
  std::string node_selector;              // --node-selector / -l
  std::string kubeconfig;                 // --kubeconfig; empty: in-cluster (when nodes are discovered)
  std::int64_t sync_timeout_seconds = 60;  // Default: 60. How long start-up waits for the first node list.
  std::int64_t max_response_bytes = 16 << 20;  // Default: 16 MiB. A larger body fails the node.
  /// Static nodes, for clusters scraped without an API server connection (see node_targets.h).
  ConfigValue nodes;
};

/// Adds the shared options to a plugin's OptionSet (its Config derives from KubeletClientConfig).
template <class Cfg>
OptionSet<Cfg> with_kubelet_client_options(OptionSet<Cfg> set) {
  return std::move(set)
      .add("port", &KubeletClientConfig::port, "Kubelet port (--kubelet-port).")
      .add("use_node_status_port", &KubeletClientConfig::use_node_status_port,
           "Use the port a node reports (status.daemonEndpoints.kubeletEndpoint.port, or a static node's port).")
      .add("preferred_address_types", &KubeletClientConfig::preferred_address_types,
           "Node address types to try, in order (--kubelet-preferred-address-types).")
      .add("insecure_tls", &KubeletClientConfig::insecure_tls,
           "Do not verify kubelet serving certificates (--kubelet-insecure-tls).")
      .add("ca_file", &KubeletClientConfig::ca_file,
           "CA bundle verifying kubelet serving certificates (--kubelet-certificate-authority).")
      .add("client_certificate_file", &KubeletClientConfig::client_certificate_file,
           "Client certificate for kubelet mutual TLS (--kubelet-client-certificate).")
      .add("client_key_file", &KubeletClientConfig::client_key_file,
           "Key of the client certificate (--kubelet-client-key).")
      .add("bearer_token_file", &KubeletClientConfig::bearer_token_file,
           "File with a bearer token sent to kubelets; re-read when it changes.")
      .add("plain_http", &KubeletClientConfig::plain_http,
           "Plain HTTP, no credentials (--deprecated-kubelet-completely-insecure).")
      .add("node_selector", &KubeletClientConfig::node_selector, "Label selector of the nodes to scrape (-l).")
      .add("kubeconfig", &KubeletClientConfig::kubeconfig,
           "Kubeconfig of the API server for node discovery; empty: the in-cluster service account (--kubeconfig).")
      .add("sync_timeout_seconds", &KubeletClientConfig::sync_timeout_seconds,
           "How long start-up waits for the first node list before scraping what is known (0: do not wait).")
      .add("max_response_bytes", &KubeletClientConfig::max_response_bytes,
           "Largest kubelet response accepted; a larger one fails that node.")
      .add("nodes", &KubeletClientConfig::nodes,
           "Static node list: [{name, address | addresses: [{type, address}], port, labels, path}]; "
           "empty: discover nodes from the kube-apiserver.");
}

/// metrics-server's rules for combining the kubelet TLS flags, plus ours. Messages name the option.
Status validate_kubelet_client_config(const KubeletClientConfig& config);

/// The HTTP client options the config asks for. `api_credentials`, when given, is the identity used
/// with the kube-apiserver, which metrics-server also presents to kubelets: its token, client
/// certificate and CA apply unless the kubelet options override them (ca_file or insecure_tls replace
/// the CA, a client certificate replaces the API one, bearer_token_file replaces the token, plain_http
/// drops everything).
HttpClientOptions http_client_options(const KubeletClientConfig& config, std::string user_agent,
                                      const HttpClientOptions* api_credentials = nullptr);

}  // namespace mpf::sources::kubelet
