#include "core/auth/client_certificate.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <chrono>
#include <ctime>
#include <regex>
#include <string>

#include "core/net/cert_generator.h"
#include "core/net/openssl_handles.h"

namespace mpf::core::auth {
namespace {

using std::chrono::hours;
using Clock = std::chrono::system_clock;

PemPair make_ca(const std::string& name, KeyAlgorithm algorithm = KeyAlgorithm::kEcdsaP256) {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  request.key_algorithm = algorithm;
  auto pair = generate_self_signed(request);
  EXPECT_TRUE(pair.is_ok()) << pair.status().to_string();
  return *pair;
}

PemPair make_intermediate(const std::string& name, const PemPair& issuer, hours validity = hours(24 * 365)) {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  request.validity = validity;
  auto pair = issue_certificate(request, issuer);
  EXPECT_TRUE(pair.is_ok()) << pair.status().to_string();
  return *pair;
}

PemPair make_client(const PemPair& issuer, const std::string& name, std::vector<std::string> groups = {},
                    bool client_auth = true, bool server_auth = false) {
  CertificateRequest request;
  request.common_name = name;
  request.organizations = std::move(groups);
  request.client_auth = client_auth;
  request.server_auth = server_auth;
  auto pair = issue_certificate(request, issuer);
  EXPECT_TRUE(pair.is_ok()) << pair.status().to_string();
  return *pair;
}

std::shared_ptr<const CertificatePool> pool_of(const std::string& pem) {
  auto pool = CertificatePool::from_pem(pem, "client CA file test");
  EXPECT_TRUE(pool.is_ok()) << pool.status().to_string();
  return pool.is_ok() ? *pool : nullptr;
}

PeerCertificates peer_of(const std::string& pem) {
  auto peer = PeerCertificates::from_pem(pem);
  EXPECT_TRUE(peer.is_ok()) << peer.status().to_string();
  return peer.is_ok() ? std::move(*peer) : PeerCertificates();
}

openssl::X509Ptr parse(const std::string& pem) {
  openssl::BioPtr bio = openssl::memory_bio(pem);
  return openssl::X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// The identifier x509.go prints, computed with OpenSSL's own "AB:CD" printer (i2s_ASN1_OCTET_STRING).
std::string identifier_of(const std::string& pem) {
  openssl::X509Ptr certificate = parse(pem);
  openssl::BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate.get()), nullptr));
  char* decimal = BN_bn2dec(serial.get());
  std::string out = std::string("SN=") + decimal;
  OPENSSL_free(decimal);
  auto key_id = [](const ASN1_OCTET_STRING* id) {
    if (id == nullptr) return std::string();
    char* text = i2s_ASN1_OCTET_STRING(nullptr, id);
    std::string result(text);
    OPENSSL_free(text);
    return result;
  };
  return out + ", SKID=" + key_id(X509_get0_subject_key_id(certificate.get())) +
         ", AKID=" + key_id(X509_get0_authority_key_id(certificate.get()));
}

std::string utc(std::time_t seconds) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string not_after_of(const std::string& pem) {
  openssl::X509Ptr certificate = parse(pem);
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notAfter(certificate.get()), &tm);
  return utc(timegm(&tm));
}

std::string not_before_of(const std::string& pem) {
  openssl::X509Ptr certificate = parse(pem);
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notBefore(certificate.get()), &tm);
  return utc(timegm(&tm));
}

std::string failure(const PemPair& leaf, const std::string& chain_pem, const CertificatePool& pool,
                    Clock::time_point now = Clock::now()) {
  auto result = verify_client_certificate(peer_of(leaf.certificate_pem + chain_pem), pool, now);
  if (result.is_ok()) return "verified as " + result->common_name;
  EXPECT_EQ(result.status().code(), StatusCode::kPermanent);
  return result.status().message();
}

class ClientCertificateTest : public ::testing::Test {
 protected:
  PemPair ca_ = make_ca("test-ca");
  std::shared_ptr<const CertificatePool> pool_ = pool_of(ca_.certificate_pem);
};

TEST_F(ClientCertificateTest, VerifiedCertificateNamesUserAndGroups) {
  const PemPair client = make_client(ca_, "jane", {"dev", "system:masters"});
  auto identity = verify_client_certificate(peer_of(client.certificate_pem), *pool_, Clock::now());
  ASSERT_TRUE(identity.is_ok()) << identity.status().to_string();
  EXPECT_EQ(identity->common_name, "jane");
  EXPECT_EQ(identity->organizations, (std::vector<std::string>{"dev", "system:masters"}));
}

TEST_F(ClientCertificateTest, LeafWithoutExtendedKeyUsageIsAccepted) {
  const PemPair client = make_client(ca_, "no-eku", {}, /*client_auth=*/false, /*server_auth=*/false);
  EXPECT_EQ(failure(client, "", *pool_), "verified as no-eku");
}

TEST_F(ClientCertificateTest, ServerOnlyCertificateHasIncompatibleUsage) {
  const PemPair server = make_client(ca_, "server", {}, /*client_auth=*/false, /*server_auth=*/true);
  EXPECT_EQ(failure(server, "", *pool_), "verifying certificate " + identifier_of(server.certificate_pem) +
                                             " failed: x509: certificate specifies an incompatible key usage");
  const PemPair both = make_client(ca_, "both", {}, /*client_auth=*/true, /*server_auth=*/true);
  EXPECT_EQ(failure(both, "", *pool_), "verified as both");
}

TEST_F(ClientCertificateTest, ExpiredAndNotYetValidLeaf) {
  const PemPair client = make_client(ca_, "jane");
  const Clock::time_point later = Clock::now() + hours(24 * 400);
  EXPECT_EQ(failure(client, "", *pool_, later),
            "verifying certificate " + identifier_of(client.certificate_pem) +
                " failed: x509: certificate has expired or is not yet valid: current time " +
                utc(Clock::to_time_t(later)) + " is after " + not_after_of(client.certificate_pem));
  const Clock::time_point earlier = Clock::now() - hours(48);
  EXPECT_EQ(failure(client, "", *pool_, earlier),
            "verifying certificate " + identifier_of(client.certificate_pem) +
                " failed: x509: certificate has expired or is not yet valid: current time " +
                utc(Clock::to_time_t(earlier)) + " is before " + not_before_of(client.certificate_pem));
}

TEST_F(ClientCertificateTest, IdentifierHasGoShape) {
  const PemPair client = make_client(ca_, "jane");
  const std::string message = failure(client, "", *pool_, Clock::now() + hours(24 * 400));
  static const std::regex kShape(
      "verifying certificate SN=[1-9][0-9]*, SKID=([0-9A-F]{2}:)+[0-9A-F]{2}, AKID=([0-9A-F]{2}:)+[0-9A-F]{2} "
      "failed: x509: certificate has expired or is not yet valid: current time "
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z is after [0-9-]{10}T[0-9:]{8}Z");
  EXPECT_TRUE(std::regex_match(message, kShape)) << message;
  // The AKID of the leaf is the SKID of its CA.
  const std::string ca_id = identifier_of(ca_.certificate_pem);
  const std::string ca_skid = ca_id.substr(ca_id.find("SKID=") + 5, ca_id.find(", AKID") - ca_id.find("SKID=") - 5);
  EXPECT_NE(message.find("AKID=" + ca_skid + " failed"), std::string::npos) << message;
}

TEST_F(ClientCertificateTest, OtherCaIsUnknownAuthority) {
  const PemPair other = make_ca("other-ca");
  const PemPair client = make_client(other, "mallory");
  EXPECT_EQ(failure(client, "", *pool_), "verifying certificate " + identifier_of(client.certificate_pem) +
                                             " failed: x509: certificate signed by unknown authority");
}

TEST_F(ClientCertificateTest, SameNamedCaWithAnotherKeyGivesGoHint) {
  const PemPair impostor = make_ca("test-ca");
  const PemPair client = make_client(impostor, "mallory");
  EXPECT_EQ(failure(client, "", *pool_),
            "verifying certificate " + identifier_of(client.certificate_pem) +
                " failed: x509: certificate signed by unknown authority (possibly because of \"x509: ECDSA "
                "verification failure\" while trying to verify candidate authority certificate \"test-ca\")");
  const PemPair rsa_ca = make_ca("test-ca", KeyAlgorithm::kRsa2048);
  EXPECT_EQ(failure(client, "", *pool_of(rsa_ca.certificate_pem)),
            "verifying certificate " + identifier_of(client.certificate_pem) +
                " failed: x509: certificate signed by unknown authority (possibly because of \"x509: signature "
                "algorithm specifies an ECDSA public key, but have public key of type *rsa.PublicKey\" while trying "
                "to verify candidate authority certificate \"test-ca\")");
}

TEST_F(ClientCertificateTest, IntermediateFromThePeerChain) {
  const PemPair intermediate = make_intermediate("intermediate-ca", ca_);
  const PemPair client = make_client(intermediate, "jane", {"dev"});
  EXPECT_EQ(failure(client, intermediate.certificate_pem, *pool_), "verified as jane");
  // Without the intermediate there is no path to the root.
  EXPECT_EQ(failure(client, "", *pool_), "verifying certificate " + identifier_of(client.certificate_pem) +
                                             " failed: x509: certificate signed by unknown authority");
  // An intermediate in the pool is a trust anchor by itself, as in Go.
  EXPECT_EQ(failure(client, "", *pool_of(intermediate.certificate_pem)), "verified as jane");
}

TEST_F(ClientCertificateTest, ExpiredIntermediateIsNamedInTheHint) {
  const PemPair intermediate = make_intermediate("intermediate-ca", ca_, hours(1));
  const PemPair client = make_client(intermediate, "jane");
  const Clock::time_point later = Clock::now() + hours(3);
  EXPECT_EQ(failure(client, intermediate.certificate_pem, *pool_, later),
            "verifying certificate " + identifier_of(client.certificate_pem) +
                " failed: x509: certificate signed by unknown authority (possibly because of \"x509: certificate has "
                "expired or is not yet valid: current time " +
                utc(Clock::to_time_t(later)) + " is after " + not_after_of(intermediate.certificate_pem) +
                "\" while trying to verify candidate authority certificate \"intermediate-ca\")");
}

TEST_F(ClientCertificateTest, LeafInThePoolIsTrustedItself) {
  CertificateRequest request;
  request.common_name = "self";
  request.server_auth = false;
  request.client_auth = true;
  auto self = generate_self_signed(request);
  ASSERT_TRUE(self.is_ok());
  EXPECT_EQ(failure(*self, "", *pool_of(self->certificate_pem)), "verified as self");
  EXPECT_EQ(failure(*self, "", *pool_), "verifying certificate " + identifier_of(self->certificate_pem) +
                                            " failed: x509: certificate signed by unknown authority");
}

TEST_F(ClientCertificateTest, EmptyPeerIsInvalidArgument) {
  auto result = verify_client_certificate(PeerCertificates(), *pool_, Clock::now());
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
}

TEST(ClientCertificatePoolTest, BundlesAndErrors) {
  const PemPair a = make_ca("a");
  const PemPair b = make_ca("b");
  auto pool = CertificatePool::from_pem(a.certificate_pem + a.private_key_pem + b.certificate_pem, "client CA file x");
  ASSERT_TRUE(pool.is_ok()) << pool.status().to_string();
  EXPECT_EQ((*pool)->size(), 2u);
  EXPECT_EQ((*pool)->pem(), a.certificate_pem + a.private_key_pem + b.certificate_pem);

  auto empty = CertificatePool::from_pem("", "client CA file /etc/ca.crt");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "client CA file /etc/ca.crt: no certificate found");

  auto key_only = CertificatePool::from_pem(a.private_key_pem, "client CA file k");
  ASSERT_FALSE(key_only.is_ok());
  EXPECT_EQ(key_only.status().message(), "client CA file k: no certificate found");

  auto broken = CertificatePool::from_pem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "ca y");
  ASSERT_FALSE(broken.is_ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(broken.status().message().rfind("ca y: bad PEM", 0), 0u) << broken.status().message();

  auto not_der = CertificatePool::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "ca z");
  ASSERT_FALSE(not_der.is_ok());
  EXPECT_EQ(not_der.status().message().rfind("ca z: bad PEM: certificate 1 does not parse", 0), 0u)
      << not_der.status().message();
}

// ---- PeerCertificates::from_ssl over a real in-memory handshake ---------------------------------

int accept_any(int, X509_STORE_CTX*) { return 1; }

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

std::unique_ptr<SSL_CTX, SslCtxFree> context_with(const SSL_METHOD* method, const PemPair& pair,
                                                  const std::string& chain_pem) {
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(method));
  openssl::X509Ptr certificate = parse(pair.certificate_pem);
  openssl::BioPtr key_bio = openssl::memory_bio(pair.private_key_pem);
  openssl::PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  EXPECT_EQ(SSL_CTX_use_certificate(ctx.get(), certificate.get()), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey(ctx.get(), key.get()), 1);
  if (!chain_pem.empty()) {
    openssl::X509Ptr extra = parse(chain_pem);
    EXPECT_EQ(SSL_CTX_add1_chain_cert(ctx.get(), extra.get()), 1);
  }
  return ctx;
}

TEST_F(ClientCertificateTest, FromSslGivesLeafThenIntermediatesOnTheServerSide) {
  CertificateRequest server_request;
  server_request.common_name = "server";
  auto server_pair = issue_certificate(server_request, ca_);
  ASSERT_TRUE(server_pair.is_ok());
  const PemPair intermediate = make_intermediate("intermediate-ca", ca_);
  const PemPair client = make_client(intermediate, "jane", {"dev"});

  auto server_ctx = context_with(TLS_server_method(), *server_pair, "");
  SSL_CTX_set_verify(server_ctx.get(), SSL_VERIFY_PEER, accept_any);  // tls.RequestClientCert
  auto client_ctx = context_with(TLS_client_method(), client, intermediate.certificate_pem);
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_NONE, nullptr);
  std::unique_ptr<SSL, SslFree> server(SSL_new(server_ctx.get()));
  std::unique_ptr<SSL, SslFree> client_ssl(SSL_new(client_ctx.get()));
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  ASSERT_EQ(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0), 1);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(client_ssl.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client_ssl.get());
  bool server_done = false;
  bool client_done = false;
  for (int round = 0; round < 100 && !(server_done && client_done); ++round) {
    if (!client_done) client_done = SSL_do_handshake(client_ssl.get()) == 1;
    if (!server_done) server_done = SSL_do_handshake(server.get()) == 1;
  }
  ASSERT_TRUE(server_done && client_done);

  const PeerCertificates peer = PeerCertificates::from_ssl(server.get());
  ASSERT_EQ(peer.chain().size(), 2u);
  EXPECT_EQ(X509_cmp(peer.chain()[0].get(), parse(client.certificate_pem).get()), 0);
  EXPECT_EQ(X509_cmp(peer.chain()[1].get(), parse(intermediate.certificate_pem).get()), 0);
  server.reset();  // the copies outlive the connection
  auto identity = verify_client_certificate(peer, *pool_, Clock::now());
  ASSERT_TRUE(identity.is_ok()) << identity.status().to_string();
  EXPECT_EQ(identity->common_name, "jane");

  EXPECT_TRUE(PeerCertificates::from_ssl(nullptr).empty());
}

}  // namespace
}  // namespace mpf::core::auth
