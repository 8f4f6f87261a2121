#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "mpf/sdk/status.h"

namespace mpf::core {

// Key algorithm of a generated certificate. ECDSA P-256 is the default because generating it takes
// microseconds (tests and simulated clusters make hundreds of certificates); RSA exists for peers that
// insist on it.
enum class KeyAlgorithm { kEcdsaP256, kRsa2048 };

// What a generated certificate says. Defaults make a one-year TLS server leaf.
struct CertificateRequest {
  std::string common_name;
  // Subject O= entries (Kubernetes reads them as groups for client certificates).
  std::vector<std::string> organizations;
  // subjectAltName DNS entries.
  std::vector<std::string> dns_names;
  // subjectAltName IP entries, IPv4 dotted or IPv6 (no brackets).
  std::vector<std::string> ip_addresses;
  std::chrono::hours validity{24 * 365};  // Default: one year from now (notBefore is an hour back).
  bool is_ca = false;                     // Default: false. true: may sign other certificates.
  bool server_auth = true;                // Default: true. extKeyUsage serverAuth (leaves only).
  bool client_auth = false;               // Default: false. extKeyUsage clientAuth (leaves only).
  KeyAlgorithm key_algorithm = KeyAlgorithm::kEcdsaP256;  // Default: ECDSA P-256.
};

// A certificate and its private key, PEM-encoded (key as PKCS#8 "PRIVATE KEY", which OpenSSL and Go's
// tls.X509KeyPair both read).
struct PemPair {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A self-signed certificate: a CA when request.is_ca, otherwise a leaf that verifies only against itself.
Result<PemPair> generate_self_signed(const CertificateRequest& request) noexcept;

// A certificate signed by `issuer` (a CA made by generate_self_signed or loaded from files). Fails with
// invalid_argument when the issuer's PEM does not parse, its key does not match, or it is not a CA.
Result<PemPair> issue_certificate(const CertificateRequest& request, const PemPair& issuer) noexcept;

// Writes the certificate (0644) and the key (0600). Each file is written to a temporary name beside it
// and renamed into place, so a process watching the path never reads half a PEM.
Status write_pem_files(const PemPair& pair, const std::string& cert_path, const std::string& key_path) noexcept;

}  // namespace mpf::core
