#include "core/net/tls_context_factory.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "core/net/cert_generator.h"
#include "core/net/http_engine.h"
#include "tests/core/net/http_test_support.h"
#include "tests/test_common/loopback_https_server.h"
#include "tests/test_common/test_pki.h"

namespace mpf::core {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class TlsContextFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = test::TestPki::make();
    ASSERT_TRUE(pki_.ok());
    other_ca_ = test::TestPki::make_ca("other-ca");
    // A bundle of two CAs, as a cluster CA file during CA rotation holds.
    std::ofstream(dir_.file("bundle.crt")) << pki_.ca.certificate_pem << other_ca_.certificate_pem;
    ASSERT_TRUE(write_pem_files(pki_.client, dir_.file("client.crt"), dir_.file("client.key")).is_ok());
    ASSERT_TRUE(write_pem_files(other_ca_, dir_.file("other.crt"), dir_.file("other.key")).is_ok());
  }

  int trusted_certificates(const boost::asio::ssl::context& context) {
    X509_STORE* store = SSL_CTX_get_cert_store(const_cast<boost::asio::ssl::context&>(context).native_handle());
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    return sk_X509_OBJECT_num(objects);
  }

  test::TempDir dir_;
  test::TestPki pki_;
  PemPair other_ca_;
};

TEST_F(TlsContextFactoryTest, LoadsEveryCertificateOfACaBundle) {
  HttpClientOptions options;
  options.ca_file = dir_.file("bundle.crt");
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_EQ(trusted_certificates(**context), 2);
  EXPECT_EQ(SSL_CTX_get_verify_mode((*context)->native_handle()), SSL_VERIFY_PEER);
}

TEST_F(TlsContextFactoryTest, InsecureSkipsVerificationAndIgnoresTheCaFile) {
  HttpClientOptions options;
  options.insecure_skip_verify = true;
  options.ca_file = dir_.file("missing.crt");  // not even read
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_EQ(SSL_CTX_get_verify_mode((*context)->native_handle()), SSL_VERIFY_NONE);
}

TEST_F(TlsContextFactoryTest, SystemRootsWhenNoCaFileIsGiven) {
  auto context = make_tls_client_context(HttpClientOptions{});
  ASSERT_TRUE(context.is_ok()) << context.status().message();
}

TEST_F(TlsContextFactoryTest, LoadsAMatchingClientIdentity) {
  HttpClientOptions options;
  options.client_certificate_file = dir_.file("client.crt");
  options.client_key_file = dir_.file("client.key");
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_NE(SSL_CTX_get0_certificate((*context)->native_handle()), nullptr);
}

TEST_F(TlsContextFactoryTest, FileProblemsAreInvalidArgumentsNamingTheFile) {
  HttpClientOptions missing;
  missing.ca_file = dir_.file("missing.crt");
  auto made = make_tls_client_context(missing);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), AllOf(HasSubstr("CA file"), HasSubstr(dir_.file("missing.crt"))));

  HttpClientOptions wrong_key;
  wrong_key.client_certificate_file = dir_.file("client.crt");
  wrong_key.client_key_file = dir_.file("other.key");
  made = make_tls_client_context(wrong_key);
  EXPECT_THAT(made.status().message(), AllOf(HasSubstr(dir_.file("other.key")), HasSubstr("does not match"),
                                             HasSubstr(dir_.file("client.crt"))));

  HttpClientOptions not_a_key;
  not_a_key.client_certificate_file = dir_.file("client.crt");
  not_a_key.client_key_file = dir_.file("client.crt");
  made = make_tls_client_context(not_a_key);
  EXPECT_THAT(made.status().message(), HasSubstr("not a PEM private key"));

  HttpClientOptions not_a_cert;
  not_a_cert.client_certificate_file = dir_.file("client.key");
  not_a_cert.client_key_file = dir_.file("client.key");
  made = make_tls_client_context(not_a_cert);
  EXPECT_THAT(made.status().message(), AllOf(HasSubstr("client certificate"), HasSubstr("not a PEM certificate")));
}

// ---- Inline PEM data (a kubeconfig's *-data fields) ----

TEST_F(TlsContextFactoryTest, LoadsEveryCertificateOfAnInlineCaBundle) {
  HttpClientOptions options;
  options.ca_pem = pki_.ca.certificate_pem + other_ca_.certificate_pem;
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_EQ(trusted_certificates(**context), 2);
  EXPECT_EQ(SSL_CTX_get_verify_mode((*context)->native_handle()), SSL_VERIFY_PEER);
}

TEST_F(TlsContextFactoryTest, LoadsAnInlineClientIdentity) {
  HttpClientOptions options;
  options.client_certificate_pem = pki_.client.certificate_pem;
  options.client_key_pem = pki_.client.private_key_pem;
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_NE(SSL_CTX_get0_certificate((*context)->native_handle()), nullptr);
}

TEST_F(TlsContextFactoryTest, CertificateAndKeyMayComeFromDifferentSources) {
  HttpClientOptions options;
  options.client_certificate_file = dir_.file("client.crt");
  options.client_key_pem = pki_.client.private_key_pem;
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_NE(SSL_CTX_get0_certificate((*context)->native_handle()), nullptr);
}

TEST_F(TlsContextFactoryTest, AFileWinsOverInlineData) {
  HttpClientOptions options;
  options.ca_file = dir_.file("bundle.crt");
  options.ca_pem = "not PEM at all";  // never parsed
  options.client_certificate_file = dir_.file("client.crt");
  options.client_certificate_pem = "not PEM either";
  options.client_key_file = dir_.file("client.key");
  options.client_key_pem = other_ca_.private_key_pem;  // would not match
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_EQ(trusted_certificates(**context), 2);
}

TEST_F(TlsContextFactoryTest, InsecureIgnoresInlineCaData) {
  HttpClientOptions options;
  options.insecure_skip_verify = true;
  options.ca_pem = "not PEM at all";
  auto context = make_tls_client_context(options);
  ASSERT_TRUE(context.is_ok()) << context.status().message();
  EXPECT_EQ(SSL_CTX_get_verify_mode((*context)->native_handle()), SSL_VERIFY_NONE);
}

TEST_F(TlsContextFactoryTest, InlineDataProblemsNameTheInlineData) {
  HttpClientOptions no_certificates;
  no_certificates.ca_pem = "not PEM at all";
  auto made = make_tls_client_context(no_certificates);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("inline CA data"));

  HttpClientOptions key_only;
  key_only.client_key_pem = pki_.client.private_key_pem;
  made = make_tls_client_context(key_only);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), AllOf(HasSubstr("must be given together"), HasSubstr("inline client key")));

  HttpClientOptions wrong_key;
  wrong_key.client_certificate_pem = pki_.client.certificate_pem;
  wrong_key.client_key_pem = other_ca_.private_key_pem;
  made = make_tls_client_context(wrong_key);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("inline client key does not match inline client certificate"));

  HttpClientOptions not_a_key;
  not_a_key.client_certificate_pem = pki_.client.certificate_pem;
  not_a_key.client_key_pem = pki_.client.certificate_pem;
  made = make_tls_client_context(not_a_key);
  EXPECT_THAT(made.status().message(), HasSubstr("inline client key: not a PEM private key"));

  HttpClientOptions not_a_cert;
  not_a_cert.client_certificate_pem = pki_.client.private_key_pem;
  not_a_cert.client_key_pem = pki_.client.private_key_pem;
  made = make_tls_client_context(not_a_cert);
  EXPECT_THAT(made.status().message(), HasSubstr("inline client certificate: not a PEM certificate"));
}

// Real handshakes against the loopback server, credentials given only inline.
class TlsInlineCredentialsHandshakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = test::TestPki::make();
    ASSERT_TRUE(pki_.ok());
    ASSERT_TRUE(engine_.start().is_ok());
  }
  void TearDown() override { engine_.stop(); }

  std::unique_ptr<test::LoopbackServer> start_server(bool require_client_certificate) {
    test::LoopbackServerOptions options;
    options.certificate_pem = pki_.server.certificate_pem;
    options.private_key_pem = pki_.server.private_key_pem;
    if (require_client_certificate) options.client_ca_pem = pki_.ca.certificate_pem;
    auto server = std::make_unique<test::LoopbackServer>(options, [](const test::LoopbackRequest&) {
      test::LoopbackResponse response;
      response.body = "verified";
      return response;
    });
    Status st = server->start();
    EXPECT_TRUE(st.is_ok()) << st.message();
    return server;
  }

  test::Outcome fetch_with(const HttpClientOptions& options, std::uint16_t port) {
    auto client = engine_.make_client(options);
    EXPECT_TRUE(client.is_ok()) << client.status().message();
    if (!client.is_ok()) return {};
    return test::fetch(**client, test::make_request(port));
  }

  test::TestPki pki_;
  HttpEngine engine_;
};

TEST_F(TlsInlineCredentialsHandshakeTest, VerifiesTheServerWithAnInlineCa) {
  auto server = start_server(false);
  HttpClientOptions options;
  options.ca_pem = pki_.ca.certificate_pem;
  test::Outcome out = fetch_with(options, server->port());
  ASSERT_EQ(out.calls, 1);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.status_code, 200);
  EXPECT_EQ(out.body, "verified");
}

TEST_F(TlsInlineCredentialsHandshakeTest, RejectsTheServerWhenTheInlineCaDidNotIssueIt) {
  auto server = start_server(false);
  HttpClientOptions options;
  options.ca_pem = test::TestPki::make_ca("other-ca").certificate_pem;
  test::Outcome out = fetch_with(options, server->port());
  ASSERT_EQ(out.calls, 1);
  EXPECT_EQ(out.reason, FailureReason::kTls);
  EXPECT_THAT(out.status.message(), HasSubstr("x509: certificate signed by unknown authority"));
}

TEST_F(TlsInlineCredentialsHandshakeTest, PresentsAnInlineClientCertificate) {
  auto server = start_server(true);
  HttpClientOptions options;
  options.ca_pem = pki_.ca.certificate_pem;
  options.client_certificate_pem = pki_.client.certificate_pem;
  options.client_key_pem = pki_.client.private_key_pem;
  test::Outcome out = fetch_with(options, server->port());
  ASSERT_EQ(out.calls, 1);
  ASSERT_TRUE(out.status.is_ok()) << out.status.message();
  EXPECT_EQ(out.body, "verified");

  // The same server refuses a client without one: the identity above is what got it in.
  HttpClientOptions anonymous;
  anonymous.ca_pem = pki_.ca.certificate_pem;
  out = fetch_with(anonymous, server->port());
  ASSERT_EQ(out.calls, 1);
  EXPECT_EQ(out.reason, FailureReason::kTls) << out.status.message();
}

}  // namespace
}  // namespace mpf::core
