#include "metrics_api/table_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/plugins/api/metrics_api/test_util.h"

namespace mpf::api::metrics {
namespace {

using testing::render;

constexpr std::int64_t kSecond = 1000000000;
constexpr std::int64_t kRequestTime = 1633253830 * kSecond;  // 2021-10-03T09:37:10Z

std::string node_table(std::span<const NodeMetricsItem> nodes, const TableOptions& options = {}) {
  return render(JsonStyle::kCompact, [&](JsonWriter& w) { write_node_metrics_table(w, nodes, kRequestTime, options); });
}

std::string pod_table(std::span<const PodMetricsItem> pods, const TableOptions& options = {}) {
  return render(JsonStyle::kCompact, [&](JsonWriter& w) { write_pod_metrics_table(w, pods, kRequestTime, options); });
}

constexpr const char* kName =
    R"({"name":"Name","type":"string","format":"name","description":"Name of the resource","priority":0})";
constexpr const char* kCpu = R"({"name":"cpu","type":"string","format":"quantity","description":"","priority":0})";
constexpr const char* kMemory =
    R"({"name":"memory","type":"string","format":"quantity","description":"","priority":0})";
constexpr const char* kWindow =
    R"({"name":"Window","type":"string","format":"duration","description":"","priority":0})";

// Reference §1.7's example, byte for byte.
TEST(TableDocument, ReferenceNodeTable) {
  const Labels labels{{"kubernetes.io/os", "linux"}};
  const NodeMetricsItem node{"e2e-control-plane", &labels, 0, 15012000000, MetricsUsage{116246336, 1616273408, {}}};
  EXPECT_EQ(node_table(std::span(&node, 1)),
            std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":[)") +
                kName + "," + kCpu + "," + kMemory + "," + kWindow +
                R"(],"rows":[{"cells":["e2e-control-plane","116246336n","1578392Ki","15.012s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"e2e-control-plane","creationTimestamp":"2021-10-03T09:37:10Z","labels":{"kubernetes.io/os":"linux"}}}}]})");
}

// metrics-server's table_test.go: node row ["node1","10m","1µs"]-style cells, pod ["pod1","10m","5Mi","1µs"].
TEST(TableDocument, PodCellsSumContainers) {
  const std::vector<ContainerItem> containers{{"a", {5000000, 2 * 1048576, {}}}, {"b", {5000000, 3 * 1048576, {}}}};
  const PodMetricsItem pod{"ns", "pod1", nullptr, 0, 1000, containers};
  TableOptions options;
  options.include_object = IncludeObject::kNone;
  EXPECT_EQ(pod_table(std::span(&pod, 1), options),
            std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":[)") +
                kName + "," + kCpu + "," + kMemory + "," + kWindow +
                R"(],"rows":[{"cells":["pod1","10m","5Mi","1µs"],"object":null}]})");
}

// Columns come from the first pod with containers: a zero-container pod before it gets [name, window];
// if no pod has containers there are no resource columns at all.
TEST(TableDocument, ZeroContainerQuirk) {
  const std::vector<ContainerItem> containers{{"c", {3055400, 12533760, {}}}};
  const std::vector<PodMetricsItem> pods{{"ns", "empty", nullptr, 0, 15 * kSecond, {}},
                                         {"ns", "full", nullptr, 0, 15 * kSecond, containers}};
  TableOptions options;
  options.include_object = IncludeObject::kNone;
  options.table_api_version = kTableApiVersionV1beta1;
  EXPECT_EQ(pod_table(pods, options),
            std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1beta1","metadata":{},"columnDefinitions":[)") +
                kName + "," + kCpu + "," + kMemory + "," + kWindow +
                R"(],"rows":[{"cells":["empty","15s"],"object":null},{"cells":["full","3055400n","12240Ki","15s"],"object":null}]})");
  EXPECT_EQ(pod_table(std::span(pods.data(), 1), options),
            std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/v1beta1","metadata":{},"columnDefinitions":[)") +
                kName + "," + kWindow + R"(],"rows":[{"cells":["empty","15s"],"object":null}]})");
}

TEST(TableDocument, EmptyListIsZeroTable) {
  EXPECT_EQ(pod_table({}), R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":null})");
  EXPECT_EQ(node_table({}), R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":null})");
}

TEST(TableDocument, IncludeObjectObject) {
  const std::vector<ContainerItem> containers{{"c", {1, 1024, {}}}};
  const PodMetricsItem pod{"ns", "p", nullptr, 0, kSecond, containers};
  TableOptions options;
  options.include_object = IncludeObject::kObject;
  options.object_api_version = kApiVersionV1;
  EXPECT_NE(pod_table(std::span(&pod, 1), options)
                .find(R"("object":{"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1","metadata":{"name":"p","namespace":"ns","creationTimestamp":"2021-10-03T09:37:10Z"},"timestamp":"1970-01-01T00:00:00Z","window":"1s","containers":[{"name":"c","usage":{"cpu":"1n","memory":"1Ki"}}]}}]})"),
            std::string::npos);
}

}  // namespace
}  // namespace mpf::api::metrics
