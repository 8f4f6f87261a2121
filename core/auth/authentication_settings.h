#pragma once

// What the authenticators use at one moment: the client CA and the front proxy's CA and header
// names. As in k8s.io/apiserver's DelegatingAuthenticationOptions, each part comes from the flags when
// they give it (--client-ca-file; --requestheader-client-ca-file together with the other
// --requestheader-* flags), otherwise from ConfigMap kube-system/extension-apiserver-authentication,
// unless --authentication-skip-lookup. AuthenticationSettingsSource (authentication_settings_source.h)
// keeps the ConfigMap parts current with a watch; requests read an immutable snapshot.

#include <memory>
#include <string>
#include <vector>

#include "core/auth/authentication_configmap.h"
#include "core/auth/client_certificate.h"
#include "mpf/sdk/http_server.h"

namespace mpf::core::auth {

struct RequestHeaderSettings {
  std::shared_ptr<const CertificatePool> ca;
  std::vector<std::string> allowed_names;  // empty: any certificate of `ca`
  std::vector<std::string> username_headers;
  std::vector<std::string> group_headers;
  std::vector<std::string> extra_headers_prefix;
  std::vector<std::string> uid_headers;
};

struct AuthenticationSettings {
  std::shared_ptr<const CertificatePool> client_ca;              // null: no client-certificate authentication
  std::shared_ptr<const RequestHeaderSettings> request_header;  // null: request headers are never trusted
};

// The parts the flags fix, read from their files at start-up.
struct FixedAuthenticationParts {
  std::shared_ptr<const CertificatePool> client_ca;              // --client-ca-file
  std::shared_ptr<const RequestHeaderSettings> request_header;  // --requestheader-client-ca-file and co
  bool lookup_client_ca = false;       // no flag, lookup allowed: take the ConfigMap's
  bool lookup_request_header = false;  // the same for the request header settings
};

// Reads the files the options name; errors are invalid_argument naming the flag and the file.
Result<FixedAuthenticationParts> fixed_authentication_parts(const mpf::DelegatedAuthOptions& options);

// The settings: `fixed`, completed from `configmap` (null when absent) where it looks things up. A
// ConfigMap value that does not parse is an error naming the key; the caller keeps its last settings.
Result<AuthenticationSettings> merge_authentication_settings(const FixedAuthenticationParts& fixed,
                                                             const ConfigMapData* configmap);

}  // namespace mpf::core::auth
