#include "metrics_api/aggregated_discovery.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/plugins/api/metrics_api/test_util.h"

namespace mpf::api::metrics {
namespace {

using testing::render;
using V = AggregatedDiscoveryVersion;

TEST(AggregatedDiscovery, ExactV2Document) {
  const std::string_view versions[] = {"v1beta1"};
  EXPECT_EQ(render(JsonStyle::kCompact, [&](JsonWriter& w) { write_aggregated_discovery(w, V::kV2, versions); }),
            R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[)"
            R"({"metadata":{"name":"metrics.k8s.io"},"versions":[{"version":"v1beta1","resources":[)"
            R"({"resource":"nodes","responseKind":{"group":"metrics.k8s.io","version":"v1beta1","kind":"NodeMetrics"},)"
            R"("scope":"Cluster","singularResource":"","verbs":["get","list"]},)"
            R"({"resource":"pods","responseKind":{"group":"metrics.k8s.io","version":"v1beta1","kind":"PodMetrics"},)"
            R"("scope":"Namespaced","singularResource":"","verbs":["get","list"]}],"freshness":"Current"}]}]})");
}

TEST(AggregatedDiscovery, V2Beta1AndTwoVersionsPreferredFirst) {
  const std::string_view versions[] = {"v1", "v1beta1"};
  const std::string doc =
      render(JsonStyle::kCompact, [&](JsonWriter& w) { write_aggregated_discovery(w, V::kV2Beta1, versions); });
  EXPECT_NE(doc.find(R"("apiVersion":"apidiscovery.k8s.io/v2beta1")"), std::string::npos);
  EXPECT_LT(doc.find(R"("version":"v1")"), doc.find(R"("version":"v1beta1")"));
}

TEST(AggregatedDiscovery, EtagObjectHasNoTypeMeta) {
  const std::string_view versions[] = {"v1beta1"};
  const std::string doc =
      render(JsonStyle::kCompact, [&](JsonWriter& w) { write_aggregated_discovery(w, V::kV2, versions, false); });
  EXPECT_TRUE(doc.starts_with(R"({"metadata":{},"items":[)"));
}

TEST(AggregatedDiscovery, ContentType) {
  EXPECT_EQ(aggregated_discovery_content_type(V::kV2),
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  EXPECT_EQ(aggregated_discovery_content_type(V::kV2Beta1),
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
}

constexpr std::string_view kAggV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
constexpr std::string_view kAggV2b1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

TEST(WantedAggregatedDiscovery, KubectlHeaders) {
  // kubectl 1.30-1.33 (reference §10.1).
  const std::string v130 = std::string(kAggV2) + "," + std::string(kAggV2b1) + ",application/json";
  EXPECT_EQ(wanted_aggregated_discovery(v130), V::kV2);
  EXPECT_EQ(wanted_aggregated_discovery(v130, true), V::kV2);
  // kubectl 1.27-1.29: only v2beta1; the current apiserver serves the legacy list.
  const std::string v127 = std::string(kAggV2b1) + ",application/json";
  EXPECT_EQ(wanted_aggregated_discovery(v127), std::nullopt);
  EXPECT_EQ(wanted_aggregated_discovery(v127, true), V::kV2Beta1);
  // kubectl 1.20.
  EXPECT_EQ(wanted_aggregated_discovery("application/json, */*"), std::nullopt);
}

TEST(WantedAggregatedDiscovery, HeaderShapes) {
  EXPECT_EQ(wanted_aggregated_discovery(""), std::nullopt);
  EXPECT_EQ(wanted_aggregated_discovery("*/*"), std::nullopt);
  EXPECT_EQ(wanted_aggregated_discovery(kAggV2), V::kV2);
  EXPECT_EQ(wanted_aggregated_discovery(" application/json ; as=APIGroupDiscoveryList ; v=v2 ; g=apidiscovery.k8s.io "),
            V::kV2);
  EXPECT_EQ(wanted_aggregated_discovery("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer"),
            V::kV2);
  EXPECT_EQ(wanted_aggregated_discovery("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
            V::kV2);
  // A lower q puts the plain range after the aggregated one.
  EXPECT_EQ(wanted_aggregated_discovery("application/json;q=0.5," + std::string(kAggV2)), V::kV2);
  EXPECT_EQ(wanted_aggregated_discovery(std::string(kAggV2) + ";q=0.5,application/json"), std::nullopt);
  // Wrong group, kind or version: skipped, the next range decides.
  EXPECT_EQ(wanted_aggregated_discovery("application/json;g=other;v=v2;as=APIGroupDiscoveryList"), std::nullopt);
  EXPECT_EQ(wanted_aggregated_discovery("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList," +
                                        std::string(kAggV2)),
            V::kV2);
  EXPECT_EQ(wanted_aggregated_discovery("application/json;as=Table;v=v1;g=meta.k8s.io," + std::string(kAggV2)), V::kV2);
  // Unknown parameter or unserializable type: skipped.
  EXPECT_EQ(wanted_aggregated_discovery("application/json;foo=bar;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),
            std::nullopt);
  EXPECT_EQ(wanted_aggregated_discovery("text/html," + std::string(kAggV2)), V::kV2);
}

}  // namespace
}  // namespace mpf::api::metrics
