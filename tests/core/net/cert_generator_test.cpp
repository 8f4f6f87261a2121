#include "core/net/cert_generator.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "core/net/openssl_handles.h"

namespace mpf::core {
namespace {

using namespace openssl;
using ::testing::HasSubstr;

X509Ptr parse_cert(const std::string& pem) {
  BioPtr bio = memory_bio(pem);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

struct VerifyTarget {
  std::string ip;
  std::string host;
  int purpose = X509_PURPOSE_SSL_SERVER;
};

// X509_V_OK or the verification error, the way a TLS client would see it.
int verify(const std::string& leaf_pem, const std::vector<std::string>& roots, const VerifyTarget& target = {},
           const std::vector<std::string>& intermediates = {}) {
  X509StorePtr store(X509_STORE_new());
  for (const std::string& pem : roots) X509_STORE_add_cert(store.get(), parse_cert(pem).get());
  X509Ptr leaf = parse_cert(leaf_pem);
  STACK_OF(X509)* chain = sk_X509_new_null();
  std::vector<X509Ptr> owned;
  for (const std::string& pem : intermediates) {
    owned.push_back(parse_cert(pem));
    sk_X509_push(chain, owned.back().get());
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), chain);
  X509_STORE_CTX_set_purpose(ctx.get(), target.purpose);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (!target.ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, target.ip.c_str());
  if (!target.host.empty()) X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), 0);
  const int ok = X509_verify_cert(ctx.get());
  const int error = X509_STORE_CTX_get_error(ctx.get());
  sk_X509_free(chain);
  return ok == 1 ? X509_V_OK : error;
}

VerifyTarget for_ip(std::string ip) {
  VerifyTarget t;
  t.ip = std::move(ip);
  return t;
}
VerifyTarget for_host(std::string host) {
  VerifyTarget t;
  t.host = std::move(host);
  return t;
}
VerifyTarget for_purpose(int purpose) {
  VerifyTarget t;
  t.purpose = purpose;
  return t;
}
CertificateRequest named(std::string common_name) {
  CertificateRequest request;
  request.common_name = std::move(common_name);
  return request;
}

CertificateRequest ca_request(const std::string& name = "test-ca") {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  return request;
}

TEST(CertGeneratorTest, SelfSignedCaVerifiesAgainstItself) {
  auto ca = generate_self_signed(ca_request());
  ASSERT_TRUE(ca.is_ok()) << ca.status().message();
  EXPECT_THAT(ca->certificate_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_THAT(ca->private_key_pem, HasSubstr("BEGIN PRIVATE KEY"));
  X509Ptr cert = parse_cert(ca->certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_EQ(verify(ca->certificate_pem, {ca->certificate_pem}), X509_V_OK);
}

TEST(CertGeneratorTest, IssuedChainVerifiesForDnsAndIpSans) {
  auto ca = generate_self_signed(ca_request());
  ASSERT_TRUE(ca.is_ok()) << ca.status().message();
  CertificateRequest request;
  request.common_name = "node-1";
  request.dns_names = {"node-1", "node-1.cluster.local"};
  request.ip_addresses = {"127.0.0.2", "fd00::5"};
  auto leaf = issue_certificate(request, *ca);
  ASSERT_TRUE(leaf.is_ok()) << leaf.status().message();

  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}), X509_V_OK);
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_ip("127.0.0.2")), X509_V_OK);
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_ip("fd00::5")), X509_V_OK);
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_host("node-1.cluster.local")), X509_V_OK);
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_ip("127.0.0.3")), X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_host("node-2")), X509_V_ERR_HOSTNAME_MISMATCH);

  auto other_ca = generate_self_signed(ca_request("other-ca"));
  ASSERT_TRUE(other_ca.is_ok());
  EXPECT_EQ(verify(leaf->certificate_pem, {other_ca->certificate_pem}), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST(CertGeneratorTest, ExtendedKeyUsageFollowsTheRequest) {
  auto ca = generate_self_signed(ca_request());
  ASSERT_TRUE(ca.is_ok());
  CertificateRequest client;
  client.common_name = "system:metrics-server";
  client.organizations = {"system:masters"};
  client.server_auth = false;
  client.client_auth = true;
  auto leaf = issue_certificate(client, *ca);
  ASSERT_TRUE(leaf.is_ok()) << leaf.status().message();
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_purpose(X509_PURPOSE_SSL_CLIENT)), X509_V_OK);
  EXPECT_EQ(verify(leaf->certificate_pem, {ca->certificate_pem}, for_purpose(X509_PURPOSE_SSL_SERVER)),
            X509_V_ERR_INVALID_PURPOSE);
}

TEST(CertGeneratorTest, IntermediateCaChainVerifies) {
  auto root = generate_self_signed(ca_request("root"));
  ASSERT_TRUE(root.is_ok());
  auto intermediate = issue_certificate(ca_request("intermediate"), *root);
  ASSERT_TRUE(intermediate.is_ok()) << intermediate.status().message();
  CertificateRequest request;
  request.dns_names = {"leaf.example"};  // empty subject: the SAN carries the identity
  auto leaf = issue_certificate(request, *intermediate);
  ASSERT_TRUE(leaf.is_ok()) << leaf.status().message();
  EXPECT_EQ(verify(leaf->certificate_pem, {root->certificate_pem}, for_host("leaf.example"),
                   {intermediate->certificate_pem}),
            X509_V_OK);
}

TEST(CertGeneratorTest, RsaKeysWork) {
  CertificateRequest request = ca_request();
  request.key_algorithm = KeyAlgorithm::kRsa2048;
  auto ca = generate_self_signed(request);
  ASSERT_TRUE(ca.is_ok()) << ca.status().message();
  EXPECT_EQ(verify(ca->certificate_pem, {ca->certificate_pem}), X509_V_OK);
}

TEST(CertGeneratorTest, RejectsBadInput) {
  CertificateRequest bad_ip;
  bad_ip.ip_addresses = {"10.0.0.300"};
  auto made = generate_self_signed(bad_ip);
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("10.0.0.300"));

  auto leaf = generate_self_signed(named("leaf"));
  ASSERT_TRUE(leaf.is_ok());
  auto not_ca = issue_certificate(named("x"), *leaf);
  EXPECT_THAT(not_ca.status().message(), HasSubstr("not a CA"));

  auto garbage = issue_certificate(CertificateRequest{}, PemPair{"nope", "nope"});
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
}

TEST(CertGeneratorTest, WritesKeyWithOwnerOnlyPermissions) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mpf_cert_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto pair = generate_self_signed(named("x"));
  ASSERT_TRUE(pair.is_ok());
  const std::string cert_path = (dir / "tls.crt").string();
  const std::string key_path = (dir / "tls.key").string();
  ASSERT_TRUE(write_pem_files(*pair, cert_path, key_path).is_ok());
  struct stat info {};
  ASSERT_EQ(::stat(key_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(cert_path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), pair->certificate_pem);

  EXPECT_FALSE(
      write_pem_files(*pair, (dir / "missing" / "a.crt").string(), (dir / "missing" / "a.key").string()).is_ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mpf::core
