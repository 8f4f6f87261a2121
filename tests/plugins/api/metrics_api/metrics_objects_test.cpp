#include "metrics_api/metrics_objects.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "tests/plugins/api/metrics_api/test_util.h"

namespace mpf::api::metrics {
namespace {

using testing::render;

using testing::read_fixture;
using testing::without_json_whitespace;

constexpr std::int64_t kSecond = 1000000000;
constexpr std::int64_t kRequestTime = 1633253830 * kSecond;  // 2021-10-03T09:37:10Z
constexpr std::int64_t kNodeSampleTime = 1633253824 * kSecond + 123000000;  // ...:04.123Z

const Labels kNodeLabels{{"beta.kubernetes.io/arch", "amd64"},
                         {"kubernetes.io/hostname", "e2e-control-plane"},
                         {"kubernetes.io/os", "linux"},
                         {"node-role.kubernetes.io/control-plane", ""}};

NodeMetricsItem reference_node() {
  return NodeMetricsItem{"e2e-control-plane", &kNodeLabels, kNodeSampleTime, 15012000000,
                         MetricsUsage{116246336, 1616273408, std::nullopt}};
}

// Reference §1.6, `GET /apis/metrics.k8s.io/v1beta1/nodes`, as printed there (pretty, but with
// "usage" hand-folded onto one line) -- so compared whitespace-free against our compact form, and our
// pretty form is checked separately below.
constexpr std::string_view kReferenceNodeList = R"({
  "kind": "NodeMetricsList",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": {},
  "items": [
    {
      "metadata": {
        "name": "e2e-control-plane",
        "creationTimestamp": "2021-10-03T09:37:10Z",
        "labels": {
          "beta.kubernetes.io/arch": "amd64",
          "kubernetes.io/hostname": "e2e-control-plane",
          "kubernetes.io/os": "linux",
          "node-role.kubernetes.io/control-plane": ""
        }
      },
      "timestamp": "2021-10-03T09:37:04Z",
      "window": "15.012s",
      "usage": {"cpu": "116246336n", "memory": "1578392Ki"}
    }
  ]
})";

TEST(NodeMetrics, ReferenceListExampleCompact) {
  const NodeMetricsItem nodes[] = {reference_node()};
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_node_metrics_list(w, nodes, kRequestTime, kApiVersionV1beta1);
  });
  EXPECT_EQ(out, without_json_whitespace(kReferenceNodeList));
}

TEST(NodeMetrics, ReferenceListExamplePretty) {
  const NodeMetricsItem nodes[] = {reference_node()};
  const std::string out = render(JsonStyle::kPretty, [&](JsonWriter& w) {
    write_node_metrics_list(w, nodes, kRequestTime, kApiVersionV1beta1);
  });
  // The reference text with its one hand-folded line unfolded the way MarshalIndent prints it.
  std::string expected(kReferenceNodeList);
  const std::string folded = R"("usage": {"cpu": "116246336n", "memory": "1578392Ki"})";
  expected.replace(expected.find(folded), folded.size(),
                   "\"usage\": {\n        \"cpu\": \"116246336n\",\n        \"memory\": \"1578392Ki\"\n      }");
  EXPECT_EQ(out, expected);
}

TEST(NodeMetrics, TopLevelObjectCarriesTypeMeta) {
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_node_metrics(w, reference_node(), kRequestTime, true, kApiVersionV1beta1);
  });
  EXPECT_EQ(out,
            R"({"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1beta1","metadata":{"name":"e2e-control-plane",)"
            R"("creationTimestamp":"2021-10-03T09:37:10Z","labels":{"beta.kubernetes.io/arch":"amd64",)"
            R"("kubernetes.io/hostname":"e2e-control-plane","kubernetes.io/os":"linux",)"
            R"("node-role.kubernetes.io/control-plane":""}},"timestamp":"2021-10-03T09:37:04Z",)"
            R"("window":"15.012s","usage":{"cpu":"116246336n","memory":"1578392Ki"}})");
}

TEST(NodeMetrics, V1ApiVersionAndSwap) {
  NodeMetricsItem node{"n1", nullptr, 0, 1000, MetricsUsage{10000000, 5 * 1024 * 1024, 1000}};
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_node_metrics(w, node, 0, true, kApiVersionV1);
  });
  EXPECT_EQ(out, R"({"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1","metadata":{"name":"n1",)"
                 R"("creationTimestamp":"1970-01-01T00:00:00Z"},"timestamp":"1970-01-01T00:00:00Z",)"
                 "\"window\":\"1\xC2\xB5s\",\"usage\":{\"cpu\":\"10m\",\"memory\":\"5Mi\",\"swap\":\"1k\"}}");
}

TEST(NodeMetrics, EmptyLabelsAreOmitted) {
  const Labels empty;
  NodeMetricsItem node{"n1", &empty, 0, 0, {}};
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) { write_node_metrics(w, node, 0, false, kApiVersionV1beta1); });
  EXPECT_EQ(out.find("labels"), std::string::npos);
  EXPECT_EQ(out.find("kind"), std::string::npos);
}

TEST(NodeMetrics, EmptyListHasEmptyItemsArray) {
  const std::string compact = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_node_metrics_list(w, {}, kRequestTime, kApiVersionV1beta1);
  });
  EXPECT_EQ(compact, R"({"kind":"NodeMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[]})");
  const std::string pretty = render(JsonStyle::kPretty, [&](JsonWriter& w) {
    write_pod_metrics_list(w, {}, kRequestTime, kApiVersionV1beta1);
  });
  EXPECT_EQ(pretty, "{\n  \"kind\": \"PodMetricsList\",\n  \"apiVersion\": \"metrics.k8s.io/v1beta1\",\n"
                    "  \"metadata\": {},\n  \"items\": []\n}");
}

const Labels kPodLabels{{"k8s-app", "kube-dns"}, {"pod-template-hash", "558bd4d5db"}};
const ContainerItem kCoredns[] = {{"coredns", MetricsUsage{3055400, 12533760, std::nullopt}}};

PodMetricsItem reference_pod() {
  return PodMetricsItem{"kube-system", "coredns-558bd4d5db-4dpjz", &kPodLabels, 1633253827 * kSecond,
                        15 * kSecond, kCoredns};
}

// Reference §1.6, `GET .../namespaces/kube-system/pods/coredns-558bd4d5db-4dpjz` (hand-folded lines).
constexpr std::string_view kReferencePod = R"({
  "kind": "PodMetrics",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": {
    "name": "coredns-558bd4d5db-4dpjz",
    "namespace": "kube-system",
    "creationTimestamp": "2021-10-03T09:37:10Z",
    "labels": {"k8s-app": "kube-dns", "pod-template-hash": "558bd4d5db"}
  },
  "timestamp": "2021-10-03T09:37:07Z",
  "window": "15s",
  "containers": [
    {"name": "coredns", "usage": {"cpu": "3055400n", "memory": "12240Ki"}}
  ]
})";

TEST(PodMetrics, ReferenceExampleCompact) {
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_pod_metrics(w, reference_pod(), kRequestTime, true, kApiVersionV1beta1);
  });
  EXPECT_EQ(out, without_json_whitespace(kReferencePod));
}

TEST(PodMetrics, ReferenceExamplePretty) {
  const std::string out = render(JsonStyle::kPretty, [&](JsonWriter& w) {
    write_pod_metrics(w, reference_pod(), kRequestTime, true, kApiVersionV1beta1);
  });
  EXPECT_EQ(out, R"({
  "kind": "PodMetrics",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": {
    "name": "coredns-558bd4d5db-4dpjz",
    "namespace": "kube-system",
    "creationTimestamp": "2021-10-03T09:37:10Z",
    "labels": {
      "k8s-app": "kube-dns",
      "pod-template-hash": "558bd4d5db"
    }
  },
  "timestamp": "2021-10-03T09:37:07Z",
  "window": "15s",
  "containers": [
    {
      "name": "coredns",
      "usage": {
        "cpu": "3055400n",
        "memory": "12240Ki"
      }
    }
  ]
})");
}

TEST(PodMetrics, ListItemsHaveNoTypeMetaAndEmptyContainersStayAnArray) {
  PodMetricsItem pods[] = {reference_pod(), reference_pod()};
  pods[1].name = "decreased";
  pods[1].labels = nullptr;
  pods[1].containers = {};
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) {
    write_pod_metrics_list(w, pods, kRequestTime, kApiVersionV1beta1);
  });
  const std::string first = without_json_whitespace(kReferencePod).substr(
      std::string_view(R"({"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1beta1",)").size());
  EXPECT_EQ(out, R"({"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[{)" + first +
                     R"(,{"metadata":{"name":"decreased","namespace":"kube-system",)"
                     R"("creationTimestamp":"2021-10-03T09:37:10Z"},"timestamp":"2021-10-03T09:37:07Z",)"
                     R"("window":"15s","containers":[]}]})");
}

// The Kubernetes website's real responses, re-encoded from their decoded values. metrics-server of
// that time (0.5) still sent metadata.selfLink, which current releases do not; that line is dropped
// from the expectation, everything else must be equal byte for byte (pretty form, as printed there).
std::string without_self_link(std::string text) {
  return std::regex_replace(text, std::regex("\n *\"selfLink\": \"[^\"]*\","), "");
}

TEST(WebsiteFixtures, NodeMetricsReencodes) {
  const std::string fixture = read_fixture("nodemetrics-v1beta1-minikube-k8s-website.json");
  ASSERT_FALSE(fixture.empty());
  const NodeMetricsItem node{"minikube", nullptr, 1643309313 * kSecond, 30 * kSecond,
                             MetricsUsage{487558164, 732212ull * 1024, std::nullopt}};
  const std::string out = render(JsonStyle::kPretty, [&](JsonWriter& w) {
    write_node_metrics(w, node, 1643309323 * kSecond, true, kApiVersionV1beta1);
  });
  std::string expected = without_self_link(fixture);
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(out, expected);
}

TEST(WebsiteFixtures, PodMetricsReencodes) {
  const std::string fixture = read_fixture("podmetrics-v1beta1-kube-scheduler-minikube-k8s-website.json");
  ASSERT_FALSE(fixture.empty());
  const ContainerItem containers[] = {{"kube-scheduler", MetricsUsage{9559630, 22244ull * 1024, std::nullopt}}};
  const PodMetricsItem pod{"kube-system", "kube-scheduler-minikube", nullptr, 1643311471 * kSecond, 30 * kSecond,
                           containers};
  const std::string out = render(JsonStyle::kPretty, [&](JsonWriter& w) {
    write_pod_metrics(w, pod, 1643311500 * kSecond, true, kApiVersionV1beta1);
  });
  std::string expected = without_self_link(fixture);
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(out, expected);
}

TEST(Labels, ValuesAndKeysUseGoEscaping) {
  const Labels labels{{"a&b", "<x>"}};
  NodeMetricsItem node{"n\"1", &labels, 0, 0, {}};
  const std::string out = render(JsonStyle::kCompact, [&](JsonWriter& w) { write_node_metrics(w, node, 0, false, kApiVersionV1beta1); });
  EXPECT_NE(out.find(R"("name":"n\"1")"), std::string::npos);
  EXPECT_NE(out.find(R"("labels":{"a\u0026b":"\u003cx\u003e"})"), std::string::npos);
}

}  // namespace
}  // namespace mpf::api::metrics
