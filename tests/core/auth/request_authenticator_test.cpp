// The authentication chain on certificates and headers alone (no API server): which identity a request
// gets, and that front-proxy headers count only behind a verified, allowed proxy certificate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "core/auth/request_authenticator.h"
#include "core/net/cert_generator.h"
#include "tests/mocks/test_logger.h"
#include "core/status/self_metrics_registry.h"

namespace mpf::core::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Outcome = AuthenticationResult::Outcome;

PemPair make_ca(const std::string& name) {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  return *generate_self_signed(request);
}

PeerCertificates client_certificate(const PemPair& ca, const std::string& cn, std::vector<std::string> orgs = {}) {
  CertificateRequest request;
  request.common_name = cn;
  request.organizations = std::move(orgs);
  request.server_auth = false;
  request.client_auth = true;
  auto leaf = issue_certificate(request, ca);
  EXPECT_TRUE(leaf.is_ok()) << leaf.status().to_string();
  auto peer = PeerCertificates::from_pem(leaf->certificate_pem);
  EXPECT_TRUE(peer.is_ok()) << peer.status().to_string();
  return std::move(*peer);
}

class RequestAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FixedAuthenticationParts fixed;
    fixed.client_ca = *CertificatePool::from_pem(client_ca_.certificate_pem, "client CA");
    auto header = std::make_shared<RequestHeaderSettings>();
    header->ca = *CertificatePool::from_pem(proxy_ca_.certificate_pem, "front-proxy CA");
    header->allowed_names = {"front-proxy-client"};
    header->username_headers = {"X-Remote-User"};
    header->group_headers = {"X-Remote-Group"};
    header->extra_headers_prefix = {"X-Remote-Extra-"};
    fixed.request_header = header;
    source_.emplace(fixed, nullptr, ApiServerConnection{}, logger_, metrics_);
    ASSERT_TRUE(source_->start(std::chrono::milliseconds(10), false).is_ok());
    authenticator_.emplace(*source_, nullptr);
  }

  AuthenticationResult run(const HeaderList& headers, const PeerCertificates& peer) {
    std::optional<AuthenticationResult> out;
    authenticator_->authenticate(headers, peer, [&](AuthenticationResult r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value()) << "without a token the chain answers at once";
    return out.value_or(AuthenticationResult{});
  }

  PemPair client_ca_ = make_ca("client-ca");
  PemPair proxy_ca_ = make_ca("front-proxy-ca");
  PemPair other_ca_ = make_ca("someone-else");
  test::TestLogger logger_;
  SelfMetricsRegistry metrics_;
  std::optional<AuthenticationSettingsSource> source_;
  std::optional<RequestAuthenticator> authenticator_;
};

TEST_F(RequestAuthenticatorTest, TheFrontProxyVouchesForTheUserInItsHeaders) {
  const HeaderList headers{{"X-Remote-User", "alice"},       {"X-Remote-Group", "dev"},
                           {"x-remote-group", "ops"},        {"X-Remote-Extra-Scopes", "view"},
                           {"X-Remote-Extra-Foo%2fBar", "x"}, {"X-Remote-Extra-Scopes", "edit"}};
  auto result = run(headers, client_certificate(proxy_ca_, "front-proxy-client"));
  ASSERT_EQ(result.outcome, Outcome::kAuthenticated) << result.error;
  EXPECT_EQ(result.method, "requestheader");
  EXPECT_EQ(result.user.name, "alice");
  EXPECT_THAT(result.user.groups, ElementsAre("dev", "ops", "system:authenticated"));
  ASSERT_EQ(result.user.extra.size(), 2u);
  EXPECT_EQ(result.user.extra[0].first, "foo/bar");  // lower case, percent-decoded, sorted
  EXPECT_THAT(result.user.extra[1].second, ElementsAre("view", "edit"));
}

TEST_F(RequestAuthenticatorTest, HeadersWithoutAProxyCertificateAreIgnored) {
  const HeaderList spoofed{{"X-Remote-User", "admin"}, {"X-Remote-Group", "system:masters"}};
  auto result = run(spoofed, PeerCertificates());
  EXPECT_EQ(result.outcome, Outcome::kAnonymous);
  EXPECT_EQ(result.user.name, "system:anonymous");
  EXPECT_THAT(result.user.groups, ElementsAre("system:unauthenticated"));
}

TEST_F(RequestAuthenticatorTest, HeadersBehindACertificateOfAnotherCaAreRefused) {
  const HeaderList spoofed{{"X-Remote-User", "admin"}, {"X-Remote-Group", "system:masters"}};
  auto result = run(spoofed, client_certificate(other_ca_, "front-proxy-client"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  // The request header verifier's bare x509 error, then the client certificate authenticator's.
  EXPECT_THAT(result.error, HasSubstr("[x509: certificate signed by unknown authority, verifying certificate SN="));
}

TEST_F(RequestAuthenticatorTest, HeadersBehindAProxyCertificateWithAnotherNameAreRefused) {
  const HeaderList spoofed{{"X-Remote-User", "admin"}};
  auto result = run(spoofed, client_certificate(proxy_ca_, "not-the-proxy"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("x509: subject with cn=not-the-proxy is not in the allowed list"));
  EXPECT_NE(result.user.name, "admin");
}

TEST_F(RequestAuthenticatorTest, AClientCertificateNamesItsUserAndGroups) {
  auto result = run({}, client_certificate(client_ca_, "bob", {"dev", "ops"}));
  ASSERT_EQ(result.outcome, Outcome::kAuthenticated) << result.error;
  EXPECT_EQ(result.method, "x509");
  EXPECT_EQ(result.user.name, "bob");
  EXPECT_THAT(result.user.groups, ElementsAre("dev", "ops", "system:authenticated"));
  // A client certificate does not make its headers count.
  auto with_headers = run({{"X-Remote-User", "admin"}}, client_certificate(client_ca_, "bob"));
  EXPECT_EQ(with_headers.user.name, "bob");
}

TEST_F(RequestAuthenticatorTest, AProxyCertificateWithoutAUserHeaderIsJustACertificate) {
  // It verifies for the front proxy but names nobody there, and the client CA does not know it.
  auto result = run({}, client_certificate(proxy_ca_, "front-proxy-client"));
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.error, HasSubstr("x509: certificate signed by unknown authority"));
}

TEST_F(RequestAuthenticatorTest, BearerTokensNeedTheTokenReviewWebhook) {
  // Without one (no API server), a token is not looked at: anonymous, as the API server without a
  // kubeconfig for delegated authentication.
  auto result = run({{"Authorization", "Bearer abc"}}, PeerCertificates());
  EXPECT_EQ(result.outcome, Outcome::kAnonymous);
}

TEST_F(RequestAuthenticatorTest, IdentityHeadersAreRecognisedForRemoval) {
  for (const char* name : {"Authorization", "x-remote-user", "X-Remote-Group", "X-Remote-Uid", "X-Remote-Extra-Scopes"}) {
    EXPECT_TRUE(authenticator_->is_identity_header(name)) << name;
  }
  for (const char* name : {"Accept", "User-Agent", "X-Remote", "X-Forwarded-For"}) {
    EXPECT_FALSE(authenticator_->is_identity_header(name)) << name;
  }
}

}  // namespace
}  // namespace mpf::core::auth
