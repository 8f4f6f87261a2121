#include "core/net/failure_classification.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

namespace mpf::core {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::testing::StartsWith;

FailureContext context(HttpStage stage) {
  FailureContext c;
  c.url = "https://10.0.0.5:10250/metrics/resource";
  c.host = "10.0.0.5";
  c.dialled = "10.0.0.5:10250";
  c.stage = stage;
  c.body_limit = 1024;
  return c;
}

TEST(HttpFailureClassificationTest, JoinsHostAndPortLikeGo) {
  EXPECT_EQ(join_host_port("10.0.0.5", 10250), "10.0.0.5:10250");
  EXPECT_EQ(join_host_port("fd00::5", 10250), "[fd00::5]:10250");
  EXPECT_EQ(join_host_port("node-1", 10250), "node-1:10250");
  EXPECT_EQ(make_url(true, "fd00::5", 10250, "/metrics/resource"), "https://[fd00::5]:10250/metrics/resource");
  EXPECT_EQ(make_url(false, "node-1", 10255, "/stats/summary"), "http://node-1:10255/stats/summary");
}

TEST(HttpFailureClassificationTest, ConnectErrors) {
  auto f = classify_failure(asio::error::connection_refused, context(HttpStage::kConnect));
  EXPECT_EQ(f.reason, FailureReason::kConnectionRefused);
  EXPECT_EQ(f.status.message(),
            "Get \"https://10.0.0.5:10250/metrics/resource\": dial tcp 10.0.0.5:10250: connect: connection refused");
  EXPECT_TRUE(f.status.is_retryable());
  EXPECT_EQ(classify_failure(asio::error::timed_out, context(HttpStage::kConnect)).reason, FailureReason::kTimeout);
  EXPECT_EQ(classify_failure(asio::error::no_descriptors, context(HttpStage::kConnect)).reason,
            FailureReason::kInternal);
}

TEST(HttpFailureClassificationTest, DnsErrors) {
  FailureContext c = context(HttpStage::kResolve);
  c.host = "node-1";
  auto f = classify_failure(asio::error::host_not_found, c);
  EXPECT_EQ(f.reason, FailureReason::kDns);
  EXPECT_THAT(f.status.message(), HasSubstr("dial tcp: lookup node-1: no such host"));
}

TEST(HttpFailureClassificationTest, TimeoutsNameTheStage) {
  auto f = classify_failure(boost::beast::error::timeout, context(HttpStage::kConnect));
  EXPECT_EQ(f.reason, FailureReason::kTimeout);
  EXPECT_THAT(f.status.message(), HasSubstr("context deadline exceeded (while connecting to 10.0.0.5:10250)"));
  FailureContext reading = context(HttpStage::kRead);
  reading.got_response_bytes = true;
  EXPECT_THAT(timeout_failure(reading).status.message(), HasSubstr("while reading the response"));
  EXPECT_THAT(timeout_failure(context(HttpStage::kHandshake)).status.message(), HasSubstr("TLS handshake"));
}

TEST(HttpFailureClassificationTest, HttpErrors) {
  namespace http = boost::beast::http;
  auto too_large = classify_failure(http::error::body_limit, context(HttpStage::kRead));
  EXPECT_EQ(too_large.reason, FailureReason::kTooLarge);
  EXPECT_THAT(too_large.status.message(), HasSubstr("1024 bytes"));
  EXPECT_EQ(classify_failure(http::error::header_limit, context(HttpStage::kRead)).reason, FailureReason::kTooLarge);
  EXPECT_EQ(classify_failure(http::error::partial_message, context(HttpStage::kRead)).reason, FailureReason::kParse);
  EXPECT_EQ(classify_failure(http::error::bad_version, context(HttpStage::kRead)).reason, FailureReason::kParse);
  auto eof = classify_failure(http::error::end_of_stream, context(HttpStage::kRead));
  EXPECT_EQ(eof.reason, FailureReason::kConnectionRefused);
  EXPECT_THAT(eof.status.message(), HasSubstr("EOF"));
  auto reset = classify_failure(asio::error::connection_reset, context(HttpStage::kRead));
  EXPECT_EQ(reset.reason, FailureReason::kConnectionRefused);
  EXPECT_THAT(reset.status.message(), HasSubstr("read tcp 10.0.0.5:10250: read: connection reset by peer"));
}

TEST(HttpFailureClassificationTest, X509MessagesSpeakGo) {
  CertificateIdentities dns_only;
  dns_only.dns_names = {"node-1"};
  EXPECT_THAT(x509_message(X509_V_ERR_IP_ADDRESS_MISMATCH, "10.0.0.5", dns_only),
              StartsWith("x509: cannot validate certificate for 10.0.0.5 because it doesn't contain any IP SANs"));
  CertificateIdentities ips;
  ips.ip_addresses = {"10.0.0.1", "10.0.0.2"};
  EXPECT_THAT(x509_message(X509_V_ERR_IP_ADDRESS_MISMATCH, "10.0.0.5", ips),
              StartsWith("x509: certificate is valid for 10.0.0.1, 10.0.0.2, not 10.0.0.5"));
  CertificateIdentities legacy;
  legacy.common_name = "node-1";
  EXPECT_THAT(x509_message(X509_V_ERR_HOSTNAME_MISMATCH, "node-1", legacy),
              StartsWith("x509: certificate relies on legacy Common Name field, use SANs instead"));
  EXPECT_THAT(x509_message(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "node-1", {}),
              StartsWith("x509: certificate signed by unknown authority (openssl: "));
  EXPECT_THAT(x509_message(X509_V_ERR_CERT_HAS_EXPIRED, "node-1", {}),
              StartsWith("x509: certificate has expired or is not yet valid"));
}

}  // namespace
}  // namespace mpf::core
