#pragma once

#include <string>

#include "mpf/sdk/logger.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

struct ServingFiles {
  std::string certificate_file;
  std::string private_key_file;
};

// metrics-server's fallback when no --tls-cert-file is given: <cert_dir>/apiserver.crt and .key when
// both exist, else a freshly generated pair written there, as client-go's
// GenerateSelfSignedCertKeyWithFixtures does: a CA "localhost-ca@<unix>" signing a leaf
// "localhost@<unix>" for DNS localhost and IP 127.0.0.1, valid for a year, the CA appended to the
// certificate file. The directory is created 0700 when missing; both files are 0600. Logs
// "Generated self-signed cert" with the paths. Errors name the directory or file.
Result<ServingFiles> cert_dir_pair(const std::string& cert_dir, mpf::Logger& log) noexcept;

}  // namespace mpf::core
