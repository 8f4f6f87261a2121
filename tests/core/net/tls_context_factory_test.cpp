#include "core/net/tls_context_factory.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "core/net/cert_generator.h"
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

}  // namespace
}  // namespace mpf::core
