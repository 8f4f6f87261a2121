// The ConfigMap kube-apiserver publishes, decoded and merged with the flags as the API server does.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/auth/authentication_configmap.h"
#include "core/auth/authentication_settings.h"
#include "core/auth/ttl_cache.h"
#include "core/net/cert_generator.h"

namespace mpf::core::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ca_pem(const std::string& name) {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  auto pair = generate_self_signed(request);
  EXPECT_TRUE(pair.is_ok());
  return pair->certificate_pem;
}

// JSON string escaping of a PEM for a hand-written ConfigMap.
std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string configmap_json(const std::string& client_ca, const std::string& front_proxy_ca) {
  return R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"extension-apiserver-authentication",)"
         R"("namespace":"kube-system","resourceVersion":"42"},"data":{"client-ca-file":)" +
         json_string(client_ca) + R"(,"requestheader-allowed-names":"[\"front-proxy-client\"]",)"
         R"("requestheader-client-ca-file":)" + json_string(front_proxy_ca) +
         R"(,"requestheader-extra-headers-prefix":"[\"X-Remote-Extra-\"]",)"
         R"("requestheader-group-headers":"[\"X-Remote-Group\"]",)"
         R"("requestheader-username-headers":"[\"X-Remote-User\"]"}})";
}

TEST(AuthenticationConfigMapTest, DecodesTheObjectAListAndWatchEvents) {
  const std::string client_ca = ca_pem("client-ca"), proxy_ca = ca_pem("front-proxy-ca");
  auto configmap = decode_configmap(configmap_json(client_ca, proxy_ca));
  ASSERT_TRUE(configmap.is_ok()) << configmap.status().to_string();
  EXPECT_EQ(configmap->name, "extension-apiserver-authentication");
  EXPECT_EQ(configmap->namespace_name, "kube-system");
  EXPECT_EQ(configmap->data.at("client-ca-file"), client_ca);

  auto list = decode_configmap_list(R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[)" +
                                    configmap_json(client_ca, proxy_ca) + "]}");
  ASSERT_TRUE(list.is_ok()) << list.status().to_string();
  EXPECT_EQ(list->resource_version, "7");
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].data.size(), 6u);

  auto modified = decode_configmap_event(R"({"type":"MODIFIED","object":)" + configmap_json(client_ca, proxy_ca) + "}");
  ASSERT_TRUE(modified.is_ok());
  EXPECT_EQ(modified->type, WatchEventType::kModified);
  EXPECT_EQ(modified->resource_version, "42");
  auto expired = decode_configmap_event(
      R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}})json");
  ASSERT_TRUE(expired.is_ok());
  EXPECT_EQ(expired->type, WatchEventType::kError);
  EXPECT_EQ(expired->status.code, 410);
  EXPECT_EQ(expired->status.reason, "Expired");
  auto bookmark = decode_configmap_event(R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"99"}}})");
  ASSERT_TRUE(bookmark.is_ok());
  EXPECT_EQ(bookmark->resource_version, "99");
}

TEST(AuthenticationConfigMapTest, RefusesWhatIsNotAConfigMap) {
  EXPECT_THAT(decode_configmap("{").status().message(), HasSubstr("not JSON at offset"));
  EXPECT_THAT(decode_configmap(R"({"kind":"Secret"})").status().message(), HasSubstr("kind is \"Secret\""));
  EXPECT_THAT(decode_configmap(R"({"kind":"ConfigMap","data":{"a":1}})").status().message(),
              HasSubstr("data.a is not a string"));
  EXPECT_THAT(decode_configmap_list(R"({"items":{}})").status().message(), HasSubstr("items is not an array"));
  EXPECT_THAT(decode_configmap_event(R"({"type":"SOMETHING","object":{}})").status().message(),
              HasSubstr("unknown type"));
  EXPECT_THAT(decode_configmap_event(R"({"type":"ADDED"})").status().message(), HasSubstr("no object"));
}

TEST(AuthenticationConfigMapTest, HeaderListsAreJsonArraysInAString) {
  ConfigMapData configmap{"kube-system", "extension-apiserver-authentication",
                          {{"a", R"(["X-Remote-User","X-User"])"}, {"empty", ""}, {"bad", "X-Remote-User"}, {"num", "[1]"}}};
  EXPECT_THAT(*configmap_string_list(configmap, "a"), ElementsAre("X-Remote-User", "X-User"));
  EXPECT_TRUE(configmap_string_list(configmap, "empty")->empty());
  EXPECT_TRUE(configmap_string_list(configmap, "missing")->empty());
  EXPECT_THAT(configmap_string_list(configmap, "bad").status().message(),
              HasSubstr("kube-system/extension-apiserver-authentication key bad: not a JSON array of strings"));
  EXPECT_FALSE(configmap_string_list(configmap, "num").is_ok());
}

TEST(AuthenticationSettingsTest, TheConfigMapFillsWhatTheFlagsLeaveOut) {
  const std::string client_ca = ca_pem("client-ca"), proxy_ca = ca_pem("front-proxy-ca");
  auto configmap = decode_configmap(configmap_json(client_ca, proxy_ca));
  ASSERT_TRUE(configmap.is_ok());

  FixedAuthenticationParts lookup_all;
  lookup_all.lookup_client_ca = lookup_all.lookup_request_header = true;
  auto merged = merge_authentication_settings(lookup_all, &*configmap);
  ASSERT_TRUE(merged.is_ok()) << merged.status().to_string();
  ASSERT_TRUE(merged->client_ca && merged->request_header);
  EXPECT_EQ(merged->client_ca->pem(), client_ca);
  EXPECT_EQ(merged->request_header->ca->pem(), proxy_ca);
  EXPECT_THAT(merged->request_header->allowed_names, ElementsAre("front-proxy-client"));
  EXPECT_THAT(merged->request_header->username_headers, ElementsAre("X-Remote-User"));
  EXPECT_THAT(merged->request_header->group_headers, ElementsAre("X-Remote-Group"));
  EXPECT_THAT(merged->request_header->extra_headers_prefix, ElementsAre("X-Remote-Extra-"));
  EXPECT_TRUE(merged->request_header->uid_headers.empty());

  // A flag-given part is kept whatever the ConfigMap says; without a ConfigMap nothing is added.
  FixedAuthenticationParts fixed_client;
  fixed_client.client_ca = *CertificatePool::from_pem(ca_pem("flag-ca"), "flag");
  fixed_client.lookup_request_header = true;
  auto kept = merge_authentication_settings(fixed_client, &*configmap);
  ASSERT_TRUE(kept.is_ok());
  EXPECT_EQ(kept->client_ca, fixed_client.client_ca);
  EXPECT_TRUE(kept->request_header);
  auto absent = merge_authentication_settings(lookup_all, nullptr);
  ASSERT_TRUE(absent.is_ok());
  EXPECT_FALSE(absent->client_ca);
  EXPECT_FALSE(absent->request_header);

  // Header names without the CA trust nobody.
  ConfigMapData no_ca = *configmap;
  no_ca.data.erase("requestheader-client-ca-file");
  EXPECT_FALSE(merge_authentication_settings(lookup_all, &no_ca)->request_header);
  ConfigMapData broken = *configmap;
  broken.data["requestheader-client-ca-file"] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  EXPECT_FALSE(merge_authentication_settings(lookup_all, &broken).is_ok());
}

TEST(AuthenticationSettingsTest, FlagFilesAreReadAtStartAndNameTheFlag) {
  mpf::DelegatedAuthOptions options;
  options.client_ca_file = "/nonexistent/ca.crt";
  EXPECT_THAT(fixed_authentication_parts(options).status().message(),
              HasSubstr("--client-ca-file: cannot read \"/nonexistent/ca.crt\""));
  options = {};
  options.requestheader_client_ca_file = "/nonexistent/proxy.crt";
  EXPECT_THAT(fixed_authentication_parts(options).status().message(), HasSubstr("--requestheader-client-ca-file"));
  options = {};
  auto nothing_given = fixed_authentication_parts(options);
  ASSERT_TRUE(nothing_given.is_ok());
  EXPECT_TRUE(nothing_given->lookup_client_ca);
  EXPECT_TRUE(nothing_given->lookup_request_header);
  options.skip_lookup = true;
  EXPECT_FALSE(fixed_authentication_parts(options)->lookup_request_header);
}

TEST(TtlCacheTest, EntriesExpireAndCapacityEvictsTheLeastRecentlyUsed) {
  TtlCache<int> cache(2);
  const auto now = std::chrono::steady_clock::now();
  cache.put("a", 1, now + std::chrono::seconds(10));
  cache.put("b", 2, now + std::chrono::seconds(1));
  EXPECT_EQ(cache.get("a", now), 1);  // "a" is now the most recently used
  EXPECT_EQ(cache.get("b", now + std::chrono::seconds(2)), std::nullopt);  // expired, and dropped
  EXPECT_EQ(cache.size(), 1u);
  cache.put("b", 2, now + std::chrono::seconds(10));
  cache.put("c", 3, now + std::chrono::seconds(10));  // full: "a" is the least recently used now
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(cache.get("a", now), std::nullopt);
  EXPECT_EQ(cache.get("b", now), 2);
  EXPECT_EQ(cache.get("c", now), 3);
  cache.put("c", 4, now + std::chrono::seconds(10));  // replacing is not evicting
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(cache.get("c", now), 4);
}

}  // namespace
}  // namespace mpf::core::auth
