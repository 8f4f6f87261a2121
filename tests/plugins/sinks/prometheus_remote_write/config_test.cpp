#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "plugin_options.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

namespace mpf::sinks::remote_write {
namespace {

using ::testing::HasSubstr;
using test::PluginOptions;

constexpr const char* kUrl = "http://127.0.0.1:9090/api/v1/write";

PluginOptions with_url(const std::string& url = kUrl) { return PluginOptions().set("url", url); }

// The refusal message of `options`, which must be refused as invalid_argument.
std::string refusal(const PluginOptions& options) {
  mpf::test::TestContext ctx;
  auto made = test::create_sink(options, ctx);
  EXPECT_FALSE(made.is_ok());
  if (made.is_ok()) return "<created>";
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << made.status().message();
  return made.status().message();
}

TEST(RemoteWriteConfigTest, DescriptorIsASink) {
  const PluginDescriptor& d = mpf_builtin_plugin_prometheus_remote_write();
  EXPECT_STREQ(d.name, "prometheus_remote_write");
  EXPECT_EQ(d.kind, PluginKind::kSink);
  EXPECT_NE(d.create_sink, nullptr);
}

TEST(RemoteWriteConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  mpf::test::expect_config_yaml_matches(
      mpf_builtin_plugin_prometheus_remote_write(),
      std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sinks/prometheus_remote_write/config.yaml");
}

TEST(RemoteWriteConfigTest, CreatesAnExporterFromAUrl) {
  mpf::test::TestContext ctx;
  auto made = test::create_sink(with_url(), ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  EXPECT_NE((*made)->as_exporter(), nullptr);
}

TEST(RemoteWriteConfigTest, CreatesWithEveryCompatibleOption) {
  mpf::test::TestContext ctx;
  auto made = test::create_sink(with_url("https://remote.example:8443/push?tenant=a")
                                    .set_map("external_labels", {{"cluster", "prod"}, {"Zone", "a"}})
                                    .set_map("headers", {{"X-Scope-OrgID", "team-a"}})
                                    .set("bearer_token", "tok")
                                    .set("insecure_skip_verify", "true")
                                    .set("max_samples_per_request", "1000000")
                                    .set("cumulative", "false")
                                    .set("totals", "false"),
                                ctx);
  EXPECT_TRUE(made.is_ok()) << made.status().message();
}

TEST(RemoteWriteConfigTest, RefusesAMissingUrl) {
  EXPECT_THAT(refusal(PluginOptions()), HasSubstr("sinks[0].options.url: required option"));
}

TEST(RemoteWriteConfigTest, RefusesABadUrl) {
  EXPECT_THAT(refusal(with_url("ftp://x/write")), HasSubstr("url: \"ftp://x/write\": must start with http://"));
  EXPECT_THAT(refusal(with_url("http://user:pw@x/write")), HasSubstr("user info is not allowed"));
}

TEST(RemoteWriteConfigTest, RefusesMaxSamplesOutOfRange) {
  EXPECT_THAT(refusal(with_url().set("max_samples_per_request", "0")),
              HasSubstr("max_samples_per_request: must be from 1 to 1000000, got 0"));
  EXPECT_THAT(refusal(with_url().set("max_samples_per_request", "1000001")),
              HasSubstr("max_samples_per_request: must be from 1 to 1000000, got 1000001"));
}

TEST(RemoteWriteConfigTest, RefusesExternalLabelNamesPrometheusRejects) {
  EXPECT_THAT(refusal(with_url().set_map("external_labels", {{"1zone", "a"}})),
              HasSubstr("external_labels.1zone: a label name must match"));
  EXPECT_THAT(refusal(with_url().set_map("external_labels", {{"my-zone", "a"}})),
              HasSubstr("external_labels.my-zone: a label name must match"));
}

TEST(RemoteWriteConfigTest, RefusesReservedExternalLabelNames) {
  EXPECT_THAT(refusal(with_url().set_map("external_labels", {{"__name__", "x"}})),
              HasSubstr("external_labels.__name__: names starting with \"__\" are reserved"));
  EXPECT_THAT(refusal(with_url().set_map("external_labels", {{"__tenant", "x"}})), HasSubstr("reserved"));
}

TEST(RemoteWriteConfigTest, RefusesExternalLabelsCollidingWithTheSinksOwn) {
  for (const char* name : {"node", "namespace", "pod", "container"}) {
    EXPECT_THAT(refusal(with_url().set_map("external_labels", {{name, "x"}})),
                HasSubstr(std::string("external_labels.") + name + ": collides"));
  }
}

TEST(RemoteWriteConfigTest, RefusesAnEmptyExternalLabelValue) {
  EXPECT_THAT(refusal(with_url().set_map("external_labels", {{"cluster", ""}})),
              HasSubstr("external_labels.cluster: the value must not be empty"));
}

TEST(RemoteWriteConfigTest, RefusesHeadersTheSinkSetsItself) {
  for (const char* name : {"Content-Type", "content-encoding", "X-Prometheus-Remote-Write-Version", "HOST",
                           "Content-Length"}) {
    EXPECT_THAT(refusal(with_url().set_map("headers", {{name, "x"}})),
                HasSubstr(std::string("headers.") + name + ": set by the sink itself"));
  }
}

TEST(RemoteWriteConfigTest, RefusesMalformedHeaders) {
  EXPECT_THAT(refusal(with_url().set_map("headers", {{"X Org", "a"}})),
              HasSubstr("headers.X Org: not a valid HTTP header name"));
  EXPECT_THAT(refusal(with_url().set_map("headers", {{"X-Org", "a\r\nX-Evil: 1"}})),
              HasSubstr("headers.X-Org: the value must not contain CR, LF or NUL"));
}

TEST(RemoteWriteConfigTest, RefusesAnAuthorizationHeaderWithAuthOptions) {
  EXPECT_THAT(refusal(with_url().set("bearer_token", "t").set_map("headers", {{"authorization", "Bearer x"}})),
              HasSubstr("headers.authorization: conflicts with"));
}

TEST(RemoteWriteConfigTest, RefusesBasicAuthWithABearerToken) {
  EXPECT_THAT(refusal(with_url().set("basic_auth_username", "u").set("basic_auth_password", "p").set("bearer_token", "t")),
              HasSubstr("basic auth and a bearer token cannot be used together"));
  EXPECT_THAT(refusal(with_url().set("basic_auth_username", "u").set("basic_auth_password", "p").set("bearer_token_file", "/t")),
              HasSubstr("basic auth and a bearer token cannot be used together"));
}

TEST(RemoteWriteConfigTest, RefusesBothBearerTokenOptions) {
  EXPECT_THAT(refusal(with_url().set("bearer_token", "t").set("bearer_token_file", "/t")),
              HasSubstr("bearer_token: set bearer_token or bearer_token_file, not both"));
}

TEST(RemoteWriteConfigTest, RefusesIncompleteBasicAuth) {
  EXPECT_THAT(refusal(with_url().set("basic_auth_password", "p")),
              HasSubstr("basic_auth_username: required with a basic auth password"));
  EXPECT_THAT(refusal(with_url().set("basic_auth_username", "u")),
              HasSubstr("set exactly one of basic_auth_password and basic_auth_password_file"));
  EXPECT_THAT(refusal(with_url().set("basic_auth_username", "u").set("basic_auth_password", "p")
                          .set("basic_auth_password_file", "/p")),
              HasSubstr("set exactly one of basic_auth_password and basic_auth_password_file"));
}

TEST(RemoteWriteConfigTest, RefusesAnUnreadablePasswordFile) {
  mpf::test::TempDir dir;
  const std::string missing = dir.file("missing");
  EXPECT_THAT(refusal(with_url().set("basic_auth_username", "u").set("basic_auth_password_file", missing)),
              HasSubstr("basic_auth_password_file: cannot read \"" + missing + "\""));
}

TEST(RemoteWriteConfigTest, RefusesTlsOptionsOnPlainHttp) {
  EXPECT_THAT(refusal(with_url().set("insecure_skip_verify", "true")), HasSubstr("need an https:// URL"));
  EXPECT_THAT(refusal(with_url().set("ca_file", "/ca.pem")), HasSubstr("need an https:// URL"));
}

TEST(RemoteWriteConfigTest, RefusesACertificateWithoutItsKey) {
  EXPECT_THAT(refusal(with_url("https://x/write").set("client_certificate_file", "/c.pem")),
              HasSubstr("client_certificate_file and client_key_file go together"));
}

TEST(RemoteWriteConfigTest, RefusesAnUnreadableCaFile) {
  mpf::test::TempDir dir;
  const std::string missing = dir.file("ca.pem");
  EXPECT_THAT(refusal(with_url("https://x/write").set("ca_file", missing)), HasSubstr(missing));
}

TEST(RemoteWriteConfigTest, RefusesUnknownOptions) {
  EXPECT_THAT(refusal(with_url().set("max_samples_per_send", "5")),
              HasSubstr("sinks[0].options.max_samples_per_send: unknown option"));
}

}  // namespace
}  // namespace mpf::sinks::remote_write
