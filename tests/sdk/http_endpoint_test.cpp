#include "mpf/sdk/http_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mpf {
namespace {

using ::testing::HasSubstr;

TEST(HttpEndpoint, SplitsSchemeHostPortAndTarget) {
  Result<HttpEndpoint> e = parse_http_endpoint("http://127.0.0.1:9090/api/v1/write");
  ASSERT_TRUE(e.is_ok()) << e.status().message();
  EXPECT_FALSE(e->tls);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 9090);
  EXPECT_EQ(e->target, "/api/v1/write");

  e = parse_http_endpoint("https://influx.example");
  ASSERT_TRUE(e.is_ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->target, "/");

  e = parse_http_endpoint("http://[::1]:8428/insert?db=x");
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 8428);
  EXPECT_EQ(e->target, "/insert?db=x");

  e = parse_http_endpoint("http://h?x=1");
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->port, 80);
  EXPECT_EQ(e->target, "/?x=1");
}

TEST(HttpEndpoint, RefusesWhatItCannotDial) {
  EXPECT_THAT(parse_http_endpoint("ftp://x").status().message(), HasSubstr("must start with http:// or https://"));
  EXPECT_THAT(parse_http_endpoint("http://user:pw@h/").status().message(), HasSubstr("user info is not allowed"));
  EXPECT_THAT(parse_http_endpoint("http://:80/").status().message(), HasSubstr("no host"));
  EXPECT_THAT(parse_http_endpoint("http://h:0/").status().message(), HasSubstr("from 1 to 65535"));
  EXPECT_THAT(parse_http_endpoint("http://h:65536/").status().message(), HasSubstr("from 1 to 65535"));
  EXPECT_THAT(parse_http_endpoint("http://h:/").status().message(), HasSubstr("empty port"));
  EXPECT_THAT(parse_http_endpoint("http://h:8a/").status().message(), HasSubstr("from 1 to 65535"));
  EXPECT_THAT(parse_http_endpoint("http://[::1/").status().message(), HasSubstr("unclosed ["));
  EXPECT_THAT(parse_http_endpoint("http://h/#frag").status().message(), HasSubstr("fragment"));
  EXPECT_EQ(parse_http_endpoint("http://h:99999999999999999999/").status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpEndpoint, BasicAuthorizationIsRfc7617) {
  // RFC 7617 section 2's example.
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_authorization("a", ""), "Basic YTo=");
  EXPECT_EQ(basic_authorization("ab", "c"), "Basic YWI6Yw==");
  EXPECT_EQ(basic_authorization("", ""), "Basic Og==");
}

TEST(HttpEndpoint, ResponsesAreClassifiedForRetries) {
  EXPECT_TRUE(status_for_http_response("w", 204, "").is_ok());
  EXPECT_TRUE(status_for_http_response("w", 200, "").is_ok());
  Status s = status_for_http_response("remote write", 503, "overloaded\n");
  EXPECT_TRUE(s.is_retryable());
  EXPECT_EQ(s.message(), "remote write: HTTP 503: overloaded");
  EXPECT_TRUE(status_for_http_response("w", 429, "").is_retryable());
  s = status_for_http_response("w", 400, "out of order sample");
  EXPECT_EQ(s.code(), StatusCode::kPermanent);
  EXPECT_EQ(s.message(), "w: HTTP 400: out of order sample");
  EXPECT_EQ(status_for_http_response("w", 401, "").message(), "w: HTTP 401");
  EXPECT_EQ(status_for_http_response("w", 302, "").code(), StatusCode::kPermanent);
  EXPECT_EQ(status_for_http_response("w", 400, std::string(1000, 'x')).message().size(), std::string("w: HTTP 400: ").size() + 256);
}

}  // namespace
}  // namespace mpf
