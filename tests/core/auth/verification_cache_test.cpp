// Verifications remembered per connection: same answer for the same pool for 10 s, afresh for another
// pool or later.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/auth/client_certificate.h"
#include "core/net/cert_generator.h"

namespace mpf::core::auth {
namespace {

using ::testing::HasSubstr;

PemPair make_ca(const std::string& name) {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  return *generate_self_signed(request);
}

TEST(VerificationCacheTest, RemembersPerPoolForTenSeconds) {
  const PemPair ca = make_ca("proxy-ca"), other = make_ca("other-ca");
  CertificateRequest request;
  request.common_name = "front-proxy-client";
  request.server_auth = false;
  request.client_auth = true;
  request.validity = std::chrono::hours(1);
  auto leaf = issue_certificate(request, ca);
  ASSERT_TRUE(leaf.is_ok());
  auto peer = PeerCertificates::from_pem(leaf->certificate_pem);
  ASSERT_TRUE(peer.is_ok());
  auto pool = *CertificatePool::from_pem(ca.certificate_pem, "proxy CA");
  auto other_pool = *CertificatePool::from_pem(other.certificate_pem, "other CA");
  const auto now = std::chrono::system_clock::now();

  auto first = verify_client_certificate_cached(*peer, pool, now);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_EQ(first->common_name, "front-proxy-client");
  // Another pool is another question.
  EXPECT_THAT(verify_client_certificate_cached(*peer, other_pool, now).status().message(),
              HasSubstr("x509: certificate signed by unknown authority"));
  // Within 10 s the answer is remembered, even at a time the certificate would no longer verify...
  EXPECT_TRUE(verify_client_certificate_cached(*peer, pool, now + std::chrono::seconds(9)).is_ok());
  // ...after that it is verified again (here: expired two hours later).
  EXPECT_THAT(verify_client_certificate_cached(*peer, pool, now + std::chrono::hours(2)).status().message(),
              HasSubstr("x509: certificate has expired or is not yet valid"));
  // A pool made anew (a rotation with the same CA) verifies afresh and succeeds.
  auto same_ca_again = *CertificatePool::from_pem(ca.certificate_pem, "proxy CA");
  EXPECT_TRUE(verify_client_certificate_cached(*peer, same_ca_again, now).is_ok());
}

}  // namespace
}  // namespace mpf::core::auth
