#pragma once

// Client certificates as a Kubernetes API server checks them: the TLS handshake accepts whatever the
// client presents (tls.RequestClientCert), and each authenticator then verifies the presented chain
// against its own CA bundle, for client authentication, as crypto/x509's Certificate.Verify does with
// KeyUsages {ExtKeyUsageClientAuth} and the chain's other certificates as intermediates.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/ssl.h>

#include "core/net/openssl_handles.h"
#include "mpf/sdk/status.h"

namespace mpf::core::auth {

// An immutable CA bundle (a --client-ca-file, or a PEM value of the authentication ConfigMap).
class CertificatePool {
 public:
  // Every CERTIFICATE block of `pem`; at least one is required. Errors are invalid_argument and name
  // `origin` ("client CA file /etc/ca.crt: no certificate found", "...: bad PEM ...").
  static Result<std::shared_ptr<const CertificatePool>> from_pem(std::string_view pem, std::string_view origin);

  // The PEM text it was made from (to see whether a reloaded bundle changed).
  const std::string& pem() const noexcept { return pem_; }
  std::size_t size() const noexcept { return certificates_.size(); }
  // The certificates, for building verification stores and the TLS CertificateRequest's CA names.
  const std::vector<openssl::X509Ptr>& certificates() const noexcept { return certificates_; }

 private:
  std::string pem_;
  std::vector<openssl::X509Ptr> certificates_;
};

struct CertificateIdentity;

// The chain a TLS client presented, leaf first (empty when it sent none). Kept per connection, with the
// verifications already done on it (verify_client_certificate_cached), so it is not thread-safe: one
// connection's requests are handled one at a time.
class PeerCertificates {
 public:
  PeerCertificates() = default;
  // The peer's leaf (SSL_get0_peer_certificate) then the rest of SSL_get_peer_cert_chain, which on a
  // server lacks the leaf and on a client starts with it. Copies references, so it outlives the SSL
  // object. Empty when the peer sent no certificate (or ssl is null).
  static PeerCertificates from_ssl(const SSL* ssl);
  // For tests: PEM blocks, leaf first.
  static Result<PeerCertificates> from_pem(std::string_view pem);

  bool empty() const noexcept { return chain_.empty(); }
  const std::vector<openssl::X509Ptr>& chain() const noexcept { return chain_; }

 private:
  friend Result<CertificateIdentity> verify_client_certificate_cached(const PeerCertificates&,
                                                                      const std::shared_ptr<const CertificatePool>&,
                                                                      std::chrono::system_clock::time_point);
  struct Verified {
    std::weak_ptr<const CertificatePool> pool;  // weak: a replaced pool must not be kept alive, nor match
    std::chrono::system_clock::time_point until;
    Status status;                        // of the verification
    std::string common_name;              // when ok
    std::vector<std::string> organizations;
  };
  std::vector<openssl::X509Ptr> chain_;
  mutable std::vector<Verified> verified_;
};

// Who a verified client certificate names: user = CN, groups = O (x509.CommonNameUserConversion).
struct CertificateIdentity {
  std::string common_name;
  std::vector<std::string> organizations;  // in certificate order
};

// Verifies the leaf of `peer` against `roots` at `now` for client authentication, other certificates
// of the chain serving as intermediates. On failure, the message is the API server's:
//   "verifying certificate SN=<decimal serial>, SKID=<hex:colon>, AKID=<hex:colon> failed: x509: certificate signed by unknown authority"
//   "... failed: x509: certificate has expired or is not yet valid: current time 2026-11-24T10:00:00Z is after 2025-01-01T00:00:00Z"
//   "... failed: x509: certificate specifies an incompatible key usage"
// (x509.go's certificateIdentifier; a missing key id prints empty: "SKID=, AKID="), status permanent.
// An issuer candidate that was rejected adds Go's hint: "... unknown authority (possibly because of
// \"x509: ECDSA verification failure\" while trying to verify candidate authority certificate \"ca\")".
// Like Go, any certificate of `roots` ends a chain (self-signed or not), and x509 key usage is ignored.
// The identity's common name may be empty: CommonNameUserConversion then authenticates nobody.
// An empty `peer` is invalid_argument.
Result<CertificateIdentity> verify_client_certificate(const PeerCertificates& peer, const CertificatePool& roots,
                                                      std::chrono::system_clock::time_point now);

// The same, remembered by the connection for 10 s per pool: a kept-alive connection from the front proxy
// carries many requests with one chain, and the signature checks are most of a request's cost (a
// cached answer also means a certificate that expires is noticed up to 10 s late; a rotated pool is a
// new pool and verifies afresh).
Result<CertificateIdentity> verify_client_certificate_cached(const PeerCertificates& peer,
                                                             const std::shared_ptr<const CertificatePool>& roots,
                                                             std::chrono::system_clock::time_point now);

}  // namespace mpf::core::auth
