#include "kubelet_common/kubelet_client_config.h"

namespace mpf::sources::kubelet {

Status validate_kubelet_client_config(const KubeletClientConfig& c) {
  // The incompatibility matrix of metrics-server's kubelet client options (behaviour doc §4.6).
  if (!c.ca_file.empty() && c.insecure_tls) {
    return Status::invalid_argument("ca_file and insecure_tls cannot be combined");
  }
  if (c.client_certificate_file.empty() != c.client_key_file.empty()) {
    return Status::invalid_argument("client_certificate_file and client_key_file must be given together");
  }
  if (c.plain_http && (!c.ca_file.empty() || !c.client_certificate_file.empty() || c.insecure_tls)) {
    return Status::invalid_argument(
        "plain_http cannot be combined with ca_file, client_certificate_file, client_key_file or insecure_tls");
  }
  if (c.port < 1 || c.port > 65535) return Status::invalid_argument("port must be between 1 and 65535");
  if (c.sync_timeout_seconds < 0) return Status::invalid_argument("sync_timeout_seconds must not be negative");
  if (c.max_response_bytes < 1024) return Status::invalid_argument("max_response_bytes must be at least 1024");
  if (c.preferred_address_types.empty()) {
    return Status::invalid_argument("preferred_address_types must name at least one address type");
  }
  return Status::ok();
}

HttpClientOptions http_client_options(const KubeletClientConfig& c, std::string user_agent,
                                      const HttpClientOptions* api_credentials) {
  HttpClientOptions o;
  if (api_credentials != nullptr && !c.plain_http) o = *api_credentials;
  o.tls = !c.plain_http;
  if (c.plain_http) {
    // Anonymous and unencrypted: never leak the API identity to an endpoint anyone can read.
    o = HttpClientOptions{};
    o.tls = false;
  }
  if (c.insecure_tls) {
    o.insecure_skip_verify = true;
    o.ca_file.clear();
    o.ca_pem.clear();
  }
  if (!c.ca_file.empty()) {
    o.insecure_skip_verify = false;
    o.ca_file = c.ca_file;
    o.ca_pem.clear();
  }
  if (!c.client_certificate_file.empty()) {
    o.client_certificate_file = c.client_certificate_file;
    o.client_key_file = c.client_key_file;
    o.client_certificate_pem.clear();
    o.client_key_pem.clear();
  }
  if (!c.plain_http && !c.bearer_token_file.empty()) {
    o.bearer_token_file = c.bearer_token_file;
    o.bearer_token.clear();
  }
  o.max_response_bytes = static_cast<std::size_t>(c.max_response_bytes);
  o.user_agent = std::move(user_agent);
  return o;
}

}  // namespace mpf::sources::kubelet
