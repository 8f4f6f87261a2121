#include "kubelet_common/kubelet_client_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mpf::sources::kubelet {
namespace {

using ::testing::HasSubstr;

// metrics-server's kubelet client validation matrix (options/kubelet_client.go, behaviour doc §4.6).
TEST(KubeletClientConfigTest, IncompatibleCombinationsAreRefused) {
  struct Case {
    const char* name;
    void (*setup)(KubeletClientConfig&);
    const char* error;  // nullptr: valid
  };
  const Case cases[] = {
      {"defaults", [](KubeletClientConfig&) {}, nullptr},
      {"ca only", [](KubeletClientConfig& c) { c.ca_file = "ca.crt"; }, nullptr},
      {"insecure only", [](KubeletClientConfig& c) { c.insecure_tls = true; }, nullptr},
      {"ca and insecure", [](KubeletClientConfig& c) { c.ca_file = "ca.crt"; c.insecure_tls = true; },
       "ca_file and insecure_tls"},
      {"cert without key", [](KubeletClientConfig& c) { c.client_certificate_file = "c.crt"; }, "together"},
      {"key without cert", [](KubeletClientConfig& c) { c.client_key_file = "c.key"; }, "together"},
      {"cert and key", [](KubeletClientConfig& c) { c.client_certificate_file = "c"; c.client_key_file = "k"; },
       nullptr},
      {"plain http", [](KubeletClientConfig& c) { c.plain_http = true; }, nullptr},
      {"plain http and ca", [](KubeletClientConfig& c) { c.plain_http = true; c.ca_file = "ca"; }, "plain_http"},
      {"plain http and insecure", [](KubeletClientConfig& c) { c.plain_http = true; c.insecure_tls = true; },
       "plain_http"},
      {"plain http and cert",
       [](KubeletClientConfig& c) {
         c.plain_http = true;
         c.client_certificate_file = "c";
         c.client_key_file = "k";
       },
       "plain_http"},
      {"port zero", [](KubeletClientConfig& c) { c.port = 0; }, "port"},
      {"no address types", [](KubeletClientConfig& c) { c.preferred_address_types.clear(); }, "preferred_address_types"},
  };
  for (const Case& tc : cases) {
    KubeletClientConfig c;
    tc.setup(c);
    Status st = validate_kubelet_client_config(c);
    if (tc.error == nullptr) {
      EXPECT_TRUE(st.is_ok()) << tc.name << ": " << st.message();
    } else {
      EXPECT_THAT(st.message(), HasSubstr(tc.error)) << tc.name;
    }
  }
}

TEST(KubeletClientConfigTest, MapsOntoHttpClientOptions) {
  KubeletClientConfig c;
  c.insecure_tls = true;
  c.bearer_token_file = "/var/run/token";
  c.max_response_bytes = 4096;
  HttpClientOptions o = http_client_options(c, "ua");
  EXPECT_TRUE(o.tls);
  EXPECT_TRUE(o.insecure_skip_verify);
  EXPECT_EQ(o.bearer_token_file, "/var/run/token");
  EXPECT_EQ(o.max_response_bytes, 4096u);
  EXPECT_EQ(o.user_agent, "ua");
  c.insecure_tls = false;
  c.plain_http = true;
  o = http_client_options(c, "ua");
  EXPECT_FALSE(o.tls);
  EXPECT_TRUE(o.bearer_token_file.empty()) << "no credentials over plain HTTP";
}

// metrics-server copies its API server rest config for kubelets (kubelet_client.go) and then applies
// the kubelet flags on top; each override replaces exactly its part.
TEST(KubeletClientConfigTest, InheritsTheApiServerIdentityUnlessOverridden) {
  HttpClientOptions api;
  api.ca_pem = "API CA";
  api.bearer_token = "api-token";
  api.client_certificate_pem = "API CERT";
  api.client_key_pem = "API KEY";
  api.max_response_bytes = 1u << 30;

  KubeletClientConfig c;
  HttpClientOptions o = http_client_options(c, "ua", &api);
  EXPECT_EQ(o.ca_pem, "API CA");
  EXPECT_EQ(o.bearer_token, "api-token");
  EXPECT_EQ(o.client_certificate_pem, "API CERT");
  EXPECT_EQ(o.max_response_bytes, static_cast<std::size_t>(c.max_response_bytes)) << "the kubelet cap applies";

  c.ca_file = "/kubelet-ca.crt";
  c.client_certificate_file = "/kubelet.crt";
  c.client_key_file = "/kubelet.key";
  c.bearer_token_file = "/kubelet-token";
  o = http_client_options(c, "ua", &api);
  EXPECT_EQ(o.ca_file, "/kubelet-ca.crt");
  EXPECT_TRUE(o.ca_pem.empty());
  EXPECT_EQ(o.client_certificate_file, "/kubelet.crt");
  EXPECT_TRUE(o.client_certificate_pem.empty() && o.client_key_pem.empty());
  EXPECT_EQ(o.bearer_token_file, "/kubelet-token");
  EXPECT_TRUE(o.bearer_token.empty());

  KubeletClientConfig insecure;
  insecure.insecure_tls = true;
  o = http_client_options(insecure, "ua", &api);
  EXPECT_TRUE(o.insecure_skip_verify);
  EXPECT_TRUE(o.ca_pem.empty() && o.ca_file.empty());
  EXPECT_EQ(o.bearer_token, "api-token");

  KubeletClientConfig plain;
  plain.plain_http = true;
  o = http_client_options(plain, "ua", &api);
  EXPECT_FALSE(o.tls);
  EXPECT_TRUE(o.bearer_token.empty() && o.client_certificate_pem.empty() && o.ca_pem.empty())
      << "the API identity must not leak to an unencrypted endpoint";
}

}  // namespace
}  // namespace mpf::sources::kubelet
