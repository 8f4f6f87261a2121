#include "metrics_api/openapi_documents.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <string_view>

namespace mpf::api::metrics {
namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  EXPECT_FALSE(d.HasParseError()) << json.substr(0, 200);
  return d;
}

// Every "$ref" under `v`, recursively.
void collect_refs(const rapidjson::Value& v, std::set<std::string>& out) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (std::string_view(m.name.GetString()) == "$ref" && m.value.IsString()) out.insert(m.value.GetString());
      collect_refs(m.value, out);
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) collect_refs(e, out);
  }
}

std::set<std::string> property_names(const rapidjson::Value& schema) {
  std::set<std::string> names;
  for (const auto& m : schema["properties"].GetObject()) names.insert(m.name.GetString());
  return names;
}

const std::string_view kV1beta1[] = {"v1beta1"};
const std::string_view kBoth[] = {"v1", "v1beta1"};

TEST(OpenApi, InfoVersionTruncatedAtDash) {
  EXPECT_EQ(openapi_info_version("v0.8.1-12-gabcdef"), "v0.8.1");
  EXPECT_EQ(openapi_info_version("v0.8.1"), "v0.8.1");
  EXPECT_EQ(openapi_info_version(""), "unversioned");
}

TEST(OpenApi, V2RefsResolveAndPathsPresent) {
  const OpenApiInfo info{"v0.8.1-dirty", kBoth};
  const rapidjson::Document d = parse(openapi_v2_document(info));
  EXPECT_STREQ(d["swagger"].GetString(), "2.0");
  EXPECT_STREQ(d["info"]["title"].GetString(), "Kubernetes metrics-server");
  EXPECT_STREQ(d["info"]["version"].GetString(), "v0.8.1");
  std::set<std::string> refs;
  collect_refs(d, refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    if (ref.starts_with("#/definitions/")) {
      EXPECT_TRUE(d["definitions"].HasMember(ref.substr(14).c_str())) << ref;
    } else {
      ASSERT_TRUE(ref.starts_with("#/parameters/")) << ref;
      EXPECT_TRUE(d["parameters"].HasMember(ref.substr(13).c_str())) << ref;
    }
  }
  for (std::string_view v : {"v1", "v1beta1"}) {
    const std::string base = "/apis/metrics.k8s.io/" + std::string(v);
    const std::string id = std::string("Metrics") + (v == "v1" ? "V1" : "V1beta1");
    const std::pair<std::string, std::string> expected[] = {
        {base + "/", "get" + id + "APIResources"},
        {base + "/nodes", "list" + id + "NodeMetrics"},
        {base + "/nodes/{name}", "read" + id + "NodeMetrics"},
        {base + "/pods", "list" + id + "PodMetricsForAllNamespaces"},
        {base + "/namespaces/{namespace}/pods", "list" + id + "NamespacedPodMetrics"},
        {base + "/namespaces/{namespace}/pods/{name}", "read" + id + "NamespacedPodMetrics"},
    };
    for (const auto& [path, op] : expected) {
      ASSERT_TRUE(d["paths"].HasMember(path.c_str())) << path;
      EXPECT_EQ(std::string(d["paths"][path.c_str()]["get"]["operationId"].GetString()), op);
    }
  }
  EXPECT_STREQ(d["paths"]["/apis/"]["get"]["operationId"].GetString(), "getAPIVersions");
  EXPECT_STREQ(d["paths"]["/apis/metrics.k8s.io/"]["get"]["operationId"].GetString(), "getMetricsAPIGroup");
  EXPECT_FALSE(d["paths"].HasMember("/version/"));
  const auto& list = d["paths"]["/apis/metrics.k8s.io/v1beta1/nodes"]["get"];
  EXPECT_STREQ(list["x-kubernetes-action"].GetString(), "list");
  EXPECT_STREQ(list["x-kubernetes-group-version-kind"]["kind"].GetString(), "NodeMetrics");
  EXPECT_STREQ(list["tags"][0].GetString(), "metrics_v1beta1");
  EXPECT_EQ(list["produces"].Size(), 5u);
  // 11 list options + pretty at path level, all shared.
  EXPECT_EQ(d["paths"]["/apis/metrics.k8s.io/v1beta1/nodes"]["parameters"].Size(), 12u);
  const auto& get_params = d["paths"]["/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}"]["parameters"];
  ASSERT_EQ(get_params.Size(), 3u);
  EXPECT_STREQ(get_params[0]["name"].GetString(), "name");
  EXPECT_STREQ(get_params[0]["description"].GetString(), "name of the PodMetrics");
  EXPECT_TRUE(get_params[0]["required"].GetBool());
}

TEST(OpenApi, DefinitionsMatchTheObjectsWeWrite) {
  const OpenApiInfo info{"v0.8.1", kV1beta1};
  const rapidjson::Document d = parse(openapi_v2_document(info));
  const auto& defs = d["definitions"];
  const std::string p = "io.k8s.metrics.pkg.apis.metrics.v1beta1.";
  // The fields metrics_objects.cpp writes.
  EXPECT_EQ(property_names(defs[(p + "NodeMetrics").c_str()]),
            (std::set<std::string>{"apiVersion", "kind", "metadata", "timestamp", "usage", "window"}));
  EXPECT_EQ(property_names(defs[(p + "PodMetrics").c_str()]),
            (std::set<std::string>{"apiVersion", "containers", "kind", "metadata", "timestamp", "window"}));
  EXPECT_EQ(property_names(defs[(p + "ContainerMetrics").c_str()]), (std::set<std::string>{"name", "usage"}));
  EXPECT_EQ(property_names(defs[(p + "NodeMetricsList").c_str()]),
            (std::set<std::string>{"apiVersion", "items", "kind", "metadata"}));
  const auto& meta = property_names(defs["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
  for (const char* f : {"name", "namespace", "creationTimestamp", "labels"}) EXPECT_TRUE(meta.contains(f)) << f;
  EXPECT_STREQ(defs[(p + "NodeMetrics").c_str()]["x-kubernetes-group-version-kind"][0]["version"].GetString(),
               "v1beta1");
  EXPECT_STREQ(defs["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]["format"].GetString(), "date-time");
  EXPECT_STREQ(defs["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"].GetString(), "string");
  EXPECT_FALSE(defs[(p + "NodeMetrics").c_str()]["properties"]["metadata"].HasMember("default"));  // pruned in v2
  EXPECT_FALSE(defs.HasMember("io.k8s.apimachinery.pkg.version.Info"));
  const auto& required = defs[(p + "PodMetrics").c_str()]["required"];
  ASSERT_EQ(required.Size(), 3u);
  EXPECT_STREQ(required[2].GetString(), "containers");
}

TEST(OpenApi, VersionPathIsOptional) {
  const OpenApiInfo info{"v0.8.1", kV1beta1, true};
  const rapidjson::Document d = parse(openapi_v2_document(info));
  EXPECT_STREQ(d["paths"]["/version/"]["get"]["operationId"].GetString(), "getCodeVersion");
  EXPECT_TRUE(d["definitions"].HasMember("io.k8s.apimachinery.pkg.version.Info"));
  EXPECT_EQ(openapi_v3_paths(info).back(), "version");
}

TEST(OpenApi, V3GroupVersionDocument) {
  const OpenApiInfo info{"v0.8.1", kV1beta1};
  EXPECT_EQ(openapi_v3_paths(info),
            (std::vector<std::string>{"apis", "apis/metrics.k8s.io", "apis/metrics.k8s.io/v1beta1"}));
  EXPECT_EQ(openapi_v3_group_version(info, "apis/metrics.k8s.io/v1"), "");
  const rapidjson::Document d = parse(openapi_v3_group_version(info, "apis/metrics.k8s.io/v1beta1"));
  EXPECT_STREQ(d["openapi"].GetString(), "3.0.0");
  std::set<std::string> refs;
  collect_refs(d, refs);
  for (const std::string& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/components/schemas/")) << ref;
    EXPECT_TRUE(d["components"]["schemas"].HasMember(ref.substr(21).c_str())) << ref;
  }
  const auto& schemas = d["components"]["schemas"];
  // Refs with siblings are wrapped in allOf; defaults are kept in v3.
  const auto& metadata = schemas["io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics"]["properties"]["metadata"];
  EXPECT_TRUE(metadata.HasMember("allOf"));
  EXPECT_FALSE(metadata.HasMember("$ref"));
  EXPECT_TRUE(metadata["default"].IsObject());
  EXPECT_TRUE(schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"].HasMember("oneOf"));
  const auto& get = d["paths"]["/apis/metrics.k8s.io/v1beta1/nodes/{name}"];
  EXPECT_STREQ(get["get"]["operationId"].GetString(), "readMetricsV1beta1NodeMetrics");
  EXPECT_TRUE(get["get"]["responses"]["200"]["content"].HasMember("application/json"));
  EXPECT_TRUE(get["parameters"][0]["schema"]["uniqueItems"].GetBool());
}

TEST(OpenApi, V3IndexHashes) {
  const OpenApiInfo info{"v0.8.1", kV1beta1};
  const rapidjson::Document d = parse(openapi_v3_index(info));
  const std::string url = d["paths"]["apis/metrics.k8s.io/v1beta1"]["serverRelativeURL"].GetString();
  const std::string hash = openapi_hash(openapi_v3_group_version(info, "apis/metrics.k8s.io/v1beta1"));
  EXPECT_EQ(url, "/openapi/v3/apis/metrics.k8s.io/v1beta1?hash=" + hash);
  EXPECT_EQ(hash.size(), 128u);
  EXPECT_EQ(openapi_v3_index(info), openapi_v3_index(info));  // deterministic
  const OpenApiInfo other{"v0.8.2", kV1beta1};
  EXPECT_NE(openapi_v3_index(info), openapi_v3_index(other));  // content change -> new hash
}

TEST(OpenApi, HashIsUpperHexSha512) {
  EXPECT_EQ(openapi_hash("abc"),
            "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A2192992A274FC1A836BA3C23A3FEEBBD"
            "454D4423643CE80E2A9AC94FA54CA49F");
  EXPECT_EQ(openapi_hash(""),
            "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F"
            "63B931BD47417A81A538327AF927DA3E");
}

}  // namespace
}  // namespace mpf::api::metrics
