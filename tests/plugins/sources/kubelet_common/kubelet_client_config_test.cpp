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

}  // namespace
}  // namespace mpf::sources::kubelet
