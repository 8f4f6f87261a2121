#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics_api/metrics_api_config.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_metrics_api();

namespace mpf::api::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsApiConfigTest, DescriptorIsASink) {
  const PluginDescriptor& d = mpf_builtin_plugin_metrics_api();
  EXPECT_STREQ(d.name, "metrics_api");
  EXPECT_EQ(d.kind, PluginKind::kSink);
}

TEST(MetricsApiConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  test::expect_config_yaml_matches(mpf_builtin_plugin_metrics_api(),
                                   std::string(MPF_TEST_SOURCE_DIR) + "/plugins/api/metrics_api/config.yaml");
}

TEST(MetricsApiConfigTest, RejectsBadConfig) {
  test::TestContext ctx;
  ConfigValue bad_version = ConfigValue::map();
  bad_version.set("preferred_version", ConfigValue::scalar("v2"));
  EXPECT_THAT(mpf_builtin_plugin_metrics_api().create_sink(bad_version, "sinks[0].options", ctx).status().message(),
              HasSubstr("preferred_version: must be"));
  ConfigValue bad_selector = ConfigValue::map();
  bad_selector.set("node_selector", ConfigValue::scalar("a b"));
  EXPECT_THAT(mpf_builtin_plugin_metrics_api().create_sink(bad_selector, "sinks[0].options", ctx).status().message(),
              HasSubstr("node_selector: unable to parse requirement"));
}

TEST(MetricsApiConfigTest, NeedsAClusterView) {
  test::TestContext ctx;  // no view set
  EXPECT_FALSE(mpf_builtin_plugin_metrics_api().create_sink(ConfigValue(), "sinks[0].options", ctx).is_ok());
}

TEST(MetricsApiConfigTest, ServingOptionsCarryTheSecurityFlags) {
  MetricsApiConfig config;
  config.kubeconfig = "/kc";
  config.client_ca_file = "/ca.crt";
  config.requestheader_allowed_names = {"front-proxy-client"};
  config.authorization_always_allow_paths = {"/healthz", "/metrics*"};
  config.authorization_webhook_cache_unauthorized_ttl = std::chrono::seconds(3);
  config.tls_cipher_suites = {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
  config.tls_curve_preferences = {"29", "23"};
  config.request_timeout = std::chrono::seconds(5);
  auto serving = serving_options_for(config);
  ASSERT_TRUE(serving.is_ok()) << serving.status().to_string();
  EXPECT_TRUE(serving->auth.enabled);  // on unless turned off
  EXPECT_EQ(serving->auth.fallback_kubeconfig, "/kc");
  EXPECT_EQ(serving->auth.authentication_kubeconfig, "");
  EXPECT_EQ(serving->auth.client_ca_file, "/ca.crt");
  EXPECT_EQ(serving->auth.requestheader_allowed_names, std::vector<std::string>{"front-proxy-client"});
  EXPECT_EQ(serving->auth.requestheader_username_headers, std::vector<std::string>{"x-remote-user"});
  EXPECT_EQ(serving->auth.always_allow_paths, (std::vector<std::string>{"/healthz", "/metrics*"}));
  EXPECT_EQ(serving->auth.always_allow_groups, std::vector<std::string>{"system:masters"});
  EXPECT_EQ(serving->auth.unauthorized_ttl, std::chrono::seconds(3));
  EXPECT_EQ(serving->cipher_suites, config.tls_cipher_suites);
  EXPECT_EQ(serving->curve_preferences, (std::vector<int>{29, 23}));
  EXPECT_EQ(serving->request_timeout, std::chrono::seconds(5));

  config.delegated_auth = false;
  EXPECT_FALSE(serving_options_for(config)->auth.enabled);
  config.tls_curve_preferences = {"X25519"};
  EXPECT_THAT(serving_options_for(config).status().message(), HasSubstr("\"X25519\" is not a curve ID number"));
}

}  // namespace
}  // namespace mpf::api::metrics
