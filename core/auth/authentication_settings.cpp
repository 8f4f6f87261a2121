#include "core/auth/authentication_settings.h"

#include <fstream>
#include <sstream>


namespace mpf::core::auth {
namespace {

Result<std::shared_ptr<const CertificatePool>> read_pool(const std::string& path, std::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(std::string(flag) + ": cannot read \"" + path + "\"");
  std::ostringstream text;
  text << in.rdbuf();
  auto pool = CertificatePool::from_pem(text.str(), std::string(flag) + " " + path);
  if (!pool) return Status::invalid_argument(pool.status().message());
  return pool;
}

std::string configmap_key_origin(std::string_view key) {
  return "ConfigMap " + std::string(kAuthenticationConfigMapNamespace) + "/" +
         std::string(kAuthenticationConfigMapName) + " key " + std::string(key);
}

std::string configmap_key(const ConfigMapData& configmap, const std::string& key) {
  auto it = configmap.data.find(key);
  return it == configmap.data.end() ? std::string() : it->second;
}

}  // namespace

Result<FixedAuthenticationParts> fixed_authentication_parts(const mpf::DelegatedAuthOptions& options) {
  FixedAuthenticationParts parts;
  if (!options.client_ca_file.empty()) {
    auto pool = read_pool(options.client_ca_file, "--client-ca-file");
    if (!pool) return pool.status();
    parts.client_ca = std::move(*pool);
  } else {
    parts.lookup_client_ca = !options.skip_lookup;
  }
  if (!options.requestheader_client_ca_file.empty()) {
    auto pool = read_pool(options.requestheader_client_ca_file, "--requestheader-client-ca-file");
    if (!pool) return pool.status();
    auto settings = std::make_shared<RequestHeaderSettings>();
    settings->ca = std::move(*pool);
    settings->allowed_names = options.requestheader_allowed_names;
    settings->username_headers = options.requestheader_username_headers;
    settings->group_headers = options.requestheader_group_headers;
    settings->extra_headers_prefix = options.requestheader_extra_headers_prefix;
    settings->uid_headers = options.requestheader_uid_headers;
    parts.request_header = std::move(settings);
  } else {
    parts.lookup_request_header = !options.skip_lookup;
  }
  return parts;
}

Result<AuthenticationSettings> merge_authentication_settings(const FixedAuthenticationParts& fixed,
                                                             const ConfigMapData* configmap) {
  AuthenticationSettings settings{fixed.client_ca, fixed.request_header};
  if (configmap == nullptr) return settings;
  if (fixed.lookup_client_ca) {
    const std::string pem = configmap_key(*configmap, "client-ca-file");
    if (!pem.empty()) {
      auto pool = CertificatePool::from_pem(pem, configmap_key_origin("client-ca-file"));
      if (!pool) return pool.status();
      settings.client_ca = std::move(*pool);
    }
  }
  if (fixed.lookup_request_header) {
    const std::string pem = configmap_key(*configmap, "requestheader-client-ca-file");
    // Without the CA the other keys mean nothing: request headers are then never trusted.
    if (!pem.empty()) {
      auto pool = CertificatePool::from_pem(pem, configmap_key_origin("requestheader-client-ca-file"));
      if (!pool) return pool.status();
      auto header = std::make_shared<RequestHeaderSettings>();
      header->ca = std::move(*pool);
      struct Key {
        const char* name;
        std::vector<std::string> RequestHeaderSettings::*field;
      };
      for (const Key& key : {Key{"requestheader-allowed-names", &RequestHeaderSettings::allowed_names},
                             Key{"requestheader-username-headers", &RequestHeaderSettings::username_headers},
                             Key{"requestheader-group-headers", &RequestHeaderSettings::group_headers},
                             Key{"requestheader-extra-headers-prefix", &RequestHeaderSettings::extra_headers_prefix},
                             Key{"requestheader-uid-headers", &RequestHeaderSettings::uid_headers}}) {
        auto values = configmap_string_list(*configmap, key.name);
        if (!values) return values.status();
        (*header).*key.field = std::move(*values);
      }
      settings.request_header = std::move(header);
    }
  }
  return settings;
}

}  // namespace mpf::core::auth
