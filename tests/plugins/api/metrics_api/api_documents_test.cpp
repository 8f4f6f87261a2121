#include "metrics_api/api_documents.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/plugins/api/metrics_api/test_util.h"

namespace mpf::api::metrics {
namespace {

using testing::render;

using testing::without_json_whitespace;

// Reference §1.3, hand-formatted there (one resource per line), so compared whitespace-free.
constexpr std::string_view kReferenceResourceList = R"({
  "kind": "APIResourceList",
  "apiVersion": "v1",
  "groupVersion": "metrics.k8s.io/v1beta1",
  "resources": [
    {"name": "nodes", "singularName": "", "namespaced": false, "kind": "NodeMetrics", "verbs": ["get", "list"]},
    {"name": "pods",  "singularName": "", "namespaced": true,  "kind": "PodMetrics",  "verbs": ["get", "list"]}
  ]
})";

constexpr std::string_view kReferenceGroup = R"({"kind":"APIGroup","apiVersion":"v1","name":"metrics.k8s.io",
 "versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],
 "preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}})";

TEST(ApiResourceList, ReferenceExampleCompact) {
  EXPECT_EQ(render(JsonStyle::kCompact, [](JsonWriter& w) { write_api_resource_list(w, "v1beta1"); }),
            without_json_whitespace(kReferenceResourceList));
}

TEST(ApiResourceList, PrettyAsMarshalIndentPrintsIt) {
  EXPECT_EQ(render(JsonStyle::kPretty, [](JsonWriter& w) { write_api_resource_list(w, "v1"); }), R"({
  "kind": "APIResourceList",
  "apiVersion": "v1",
  "groupVersion": "metrics.k8s.io/v1",
  "resources": [
    {
      "name": "nodes",
      "singularName": "",
      "namespaced": false,
      "kind": "NodeMetrics",
      "verbs": [
        "get",
        "list"
      ]
    },
    {
      "name": "pods",
      "singularName": "",
      "namespaced": true,
      "kind": "PodMetrics",
      "verbs": [
        "get",
        "list"
      ]
    }
  ]
})");
}

TEST(ApiGroup, ReferenceExampleCompact) {
  const std::string_view versions[] = {"v1beta1"};
  EXPECT_EQ(render(JsonStyle::kCompact, [&](JsonWriter& w) { write_api_group(w, versions, "v1beta1"); }),
            without_json_whitespace(kReferenceGroup));
}

TEST(ApiGroup, BothVersionsWithV1Preferred) {
  const std::string_view versions[] = {"v1", "v1beta1"};
  EXPECT_EQ(render(JsonStyle::kCompact, [&](JsonWriter& w) { write_api_group(w, versions, "v1"); }),
            R"({"kind":"APIGroup","apiVersion":"v1","name":"metrics.k8s.io","versions":[)"
            R"({"groupVersion":"metrics.k8s.io/v1","version":"v1"},)"
            R"({"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],)"
            R"("preferredVersion":{"groupVersion":"metrics.k8s.io/v1","version":"v1"}})");
}

TEST(ApiGroupList, SingleGroupWithoutTypeMetaOnTheItem) {
  const std::string_view versions[] = {"v1beta1"};
  const std::string group_fields = without_json_whitespace(kReferenceGroup).substr(
      std::string_view(R"({"kind":"APIGroup","apiVersion":"v1",)").size());
  EXPECT_EQ(render(JsonStyle::kCompact, [&](JsonWriter& w) { write_api_group_list(w, versions, "v1beta1"); }),
            R"({"kind":"APIGroupList","apiVersion":"v1","groups":[{)" + group_fields + "]}");
}

TEST(ApiGroupList, OptionalServerAddressByClientCidrs) {
  const std::string_view versions[] = {"v1beta1"};
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_api_group_list(w, versions, "v1beta1", "10.96.0.1:443");
  });
  EXPECT_NE(out.find(R"("version":"v1beta1"},"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0",)"
                     R"("serverAddress":"10.96.0.1:443"}]}]})"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace mpf::api::metrics
