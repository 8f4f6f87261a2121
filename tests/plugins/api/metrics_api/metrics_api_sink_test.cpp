// The metrics_api sink end to end over real HTTPS: a hand-made snapshot and cluster view, curl as the
// client (so method, Accept and User-Agent are what a real client sends), exact bodies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include "core/status/self_metrics_registry.h"
#include "metrics_api/metric_freshness.h"
#include "metrics_api/metrics_api_sink.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/fake_cluster_view.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_metrics_api();

namespace mpf::api::metrics {
namespace {

using ::testing::HasSubstr;

using test::FakeClusterView;

ClusterSnapshot cluster() {
  ClusterSnapshot c;
  auto node = [&](std::string name, Labels labels) {
    c.nodes.push_back(std::make_shared<const ClusterNode>(ClusterNode{std::move(name), {}, 0, std::move(labels), {}, true}));
  };
  node("n1", {{"pool", "a"}, {"role", "x"}});
  node("n2", {{"pool", "b"}});
  node("n3", {{"pool", "a"}});  // known, never scraped
  auto pod = [&](std::string ns, std::string name, Labels labels) {
    c.pods.push_back(std::make_shared<const ClusterPod>(ClusterPod{std::move(ns), std::move(name), "uid", std::move(labels), 0}));
  };
  pod("default", "idle", {});  // Running, no metrics
  pod("default", "web-1", {{"app", "web"}});
  pod("kube-system", "dns", {{"app", "dns"}});
  return c;  // default/web-2 has metrics but is not Running
}

constexpr std::int64_t kT = 1633253824000000000;  // 2021-10-03T09:37:04Z

Usage usage(std::uint64_t cpu, std::uint64_t memory, std::int64_t window_ns) {
  Usage u;
  u.timestamp_ns = kT;
  u.window_ns = window_ns;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = kHasCpu | kHasMemory;
  return u;
}

SnapshotPtr snapshot() {
  auto s = std::make_shared<Snapshot>();
  s->started_at = std::chrono::system_clock::now();  // a timely collection for /livez
  s->nodes.push_back({s->names.intern("n1"), usage(116246336, 1616273408, 15012000000), {}, 0});
  Usage with_swap = usage(5000000, 52428800, 15000000000);  // n2's kubelet also reports swap
  with_swap.swap_usage_bytes = 1048576;
  with_swap.present |= kHasSwap;
  s->nodes.push_back({s->names.intern("n2"), with_swap, {}, 0});
  auto pod = [&](const char* ns, const char* name, std::vector<std::pair<const char*, Usage>> containers) {
    PodMetrics p;
    p.namespace_name = s->names.intern(ns);
    p.name = s->names.intern(name);
    p.usage = usage(0, 0, 15000000000);
    p.first_container = static_cast<std::uint32_t>(s->containers.size());
    p.container_count = static_cast<std::uint32_t>(containers.size());
    for (auto& [c, u] : containers) s->containers.push_back({s->names.intern(c), u});
    s->pods.push_back(p);
  };
  pod("default", "web-1", {{"app", usage(3055400, 12533760, 15000000000)}, {"sidecar", usage(1000000000, 1000, 15000000000)}});
  pod("default", "web-2", {{"app", usage(1, 1024, 15000000000)}});
  pod("kube-system", "dns", {{"coredns", usage(0, 4730880, 15000000000)}});
  return s;
}

struct Reply {
  int code = 0;
  std::string body;
};

class MetricsApiSinkTest : public ::testing::Test {
 protected:
  // The sink's options on a free loopback port, with the cluster view set.
  ConfigValue loopback_options() {
    view_ = std::make_shared<FakeClusterView>(cluster());
    ctx_.set_cluster_view(view_);
    ConfigValue options = ConfigValue::map();
    options.set("bind_address", ConfigValue::scalar("127.0.0.1"));
    options.set("secure_port", ConfigValue::scalar("0"));
    options.set("cert_dir", ConfigValue::scalar(dir_.file("certs")));
    return options;
  }

  void start(std::initializer_list<std::pair<const char*, const char*>> extra = {}, bool consume = true) {
    ConfigValue options = loopback_options();
    // The handlers are under test here; delegated authentication has its own tests.
    options.set("delegated_auth", ConfigValue::scalar("false"));
    for (const auto& [k, v] : extra) options.set(k, ConfigValue::scalar(v));
    auto made = mpf_builtin_plugin_metrics_api().create_sink(options, "sinks[0].options", ctx_);
    ASSERT_TRUE(made.is_ok()) << made.status().to_string();
    sink_ = std::move(made).value();
    ASSERT_TRUE(sink_->start().is_ok());
    if (consume) {
      ASSERT_TRUE(sink_->consume(snapshot(), std::chrono::steady_clock::now()).is_ok());
    }
    port_ = std::to_string(static_cast<MetricsApiSink&>(*sink_).port());
  }
  // The handlers use the sink: stop serving before it goes.
  void TearDown() override { ctx_.serving().stop(); }

  // One curl request; `args` adds method and headers. The creation time (the request time) is masked.
  Reply get(const std::string& target, const std::string& args = "-A test") {
    const std::string body = dir_.file("body");
    const std::string command = "curl -sS --max-time 20 --cacert '" + dir_.file("certs") + "/apiserver.crt' -o '" +
                                body + "' -w '%{http_code}' " + args + " 'https://127.0.0.1:" + port_ + target + "'";
    Reply reply;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[64] = {};
    if (pipe != nullptr) {
      if (std::fgets(buffer, sizeof buffer, pipe) != nullptr) reply.code = std::atoi(buffer);
      pclose(pipe);
    }
    std::ifstream in(body, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    static const std::regex kCreation(R"("creationTimestamp": ?"[^"]*")");
    reply.body = std::regex_replace(text.str(), kCreation, R"("creationTimestamp":"T")");
    return reply;
  }

  test::TempDir dir_;
  test::TestContext ctx_;
  std::shared_ptr<FakeClusterView> view_;
  SinkPtr sink_;
  std::string port_;
};

constexpr const char* kN1 =
    R"({"metadata":{"name":"n1","creationTimestamp":"T","labels":{"pool":"a","role":"x"}},"timestamp":"2021-10-03T09:37:04Z","window":"15.012s","usage":{"cpu":"116246336n","memory":"1578392Ki"}})";
constexpr const char* kN2 =
    R"({"metadata":{"name":"n2","creationTimestamp":"T","labels":{"pool":"b"}},"timestamp":"2021-10-03T09:37:04Z","window":"15s","usage":{"cpu":"5m","memory":"50Mi"}})";
constexpr const char* kWeb1 =
    R"({"metadata":{"name":"web-1","namespace":"default","creationTimestamp":"T","labels":{"app":"web"}},"timestamp":"2021-10-03T09:37:04Z","window":"15s","containers":[{"name":"app","usage":{"cpu":"3055400n","memory":"12240Ki"}},{"name":"sidecar","usage":{"cpu":"1","memory":"1k"}}]})";
constexpr const char* kDns =
    R"({"metadata":{"name":"dns","namespace":"kube-system","creationTimestamp":"T","labels":{"app":"dns"}},"timestamp":"2021-10-03T09:37:04Z","window":"15s","containers":[{"name":"coredns","usage":{"cpu":"0","memory":"4620Ki"}}]})";

std::string list(const char* kind, std::vector<const char*> items, const char* version = "v1beta1") {
  std::string out = std::string(R"({"kind":")") + kind + R"(","apiVersion":"metrics.k8s.io/)" + version +
                    R"(","metadata":{},"items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + std::string(items[i]);
  return out + "]}\n";
}

TEST_F(MetricsApiSinkTest, Discovery) {
  start();
  EXPECT_EQ(get("/apis").body,
            R"({"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"},{"groupVersion":"metrics.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}}]})"
            "\n");
  EXPECT_EQ(get("/apis/metrics.k8s.io").body,
            R"({"kind":"APIGroup","apiVersion":"v1","name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"},{"groupVersion":"metrics.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}})"
            "\n");
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1").body,
            R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"metrics.k8s.io/v1","resources":[{"name":"nodes","singularName":"","namespaced":false,"kind":"NodeMetrics","verbs":["get","list"]},{"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}]})"
            "\n");
}

TEST_F(MetricsApiSinkTest, PreferredVersionV1) {
  start({{"preferred_version", "v1"}});
  EXPECT_THAT(get("/apis/metrics.k8s.io").body,
              HasSubstr(R"("versions":[{"groupVersion":"metrics.k8s.io/v1","version":"v1"},)"));
  EXPECT_THAT(get("/apis/metrics.k8s.io").body,
              HasSubstr(R"("preferredVersion":{"groupVersion":"metrics.k8s.io/v1","version":"v1"})"));
}

TEST_F(MetricsApiSinkTest, NodeListAndGet) {
  start();
  Reply all = get("/apis/metrics.k8s.io/v1beta1/nodes");
  EXPECT_EQ(all.code, 200);
  EXPECT_EQ(all.body, list("NodeMetricsList", {kN1, kN2}));
  std::string n1 = std::string(kN1);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes/n1").body,
            R"({"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1beta1",)" + n1.substr(1) + "\n");
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1/nodes").body, list("NodeMetricsList", {kN1, kN2}, "v1"));
}

// metrics-server serves cpu and memory only; swap (which n2 reports) only with show_swap.
TEST_F(MetricsApiSinkTest, SwapOnlyWhenAsked) {
  start({{"show_swap", "true"}});
  EXPECT_THAT(get("/apis/metrics.k8s.io/v1beta1/nodes/n2").body,
              HasSubstr(R"("usage":{"cpu":"5m","memory":"50Mi","swap":"1Mi"})"));
  EXPECT_THAT(get("/apis/metrics.k8s.io/v1beta1/nodes/n1").body,
              HasSubstr(R"("usage":{"cpu":"116246336n","memory":"1578392Ki"})"));
}

TEST_F(MetricsApiSinkTest, NodeNotFoundVersusNoMetrics) {
  start();
  Reply unknown = get("/apis/metrics.k8s.io/v1beta1/nodes/nx");
  EXPECT_EQ(unknown.code, 404);
  EXPECT_EQ(unknown.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"node \"nx\" not found","reason":"NotFound","details":{"name":"nx","kind":"node"},"code":404})"
            "\n");
  Reply no_metrics = get("/apis/metrics.k8s.io/v1beta1/nodes/n3");
  EXPECT_EQ(no_metrics.code, 404);
  EXPECT_EQ(no_metrics.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodemetrics.metrics.k8s.io \"n3\" not found","reason":"NotFound","details":{"name":"n3","group":"metrics.k8s.io","kind":"nodemetrics"},"code":404})"
            "\n");
}

TEST_F(MetricsApiSinkTest, PodListsAndGet) {
  start();
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/pods").body, list("PodMetricsList", {kWeb1, kDns}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods").body, list("PodMetricsList", {kDns}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/namespaces/none/pods").body, list("PodMetricsList", {}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1/namespaces/default/pods/web-1").body,
            R"({"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1",)" + std::string(kWeb1).substr(1) + "\n");
}

TEST_F(MetricsApiSinkTest, PodNotRunningVersusNoMetrics) {
  start();
  Reply not_running = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-2");
  EXPECT_EQ(not_running.code, 404);
  EXPECT_EQ(not_running.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web-2\" not found","reason":"NotFound","details":{"name":"web-2","kind":"pods"},"code":404})"
            "\n");
  Reply no_metrics = get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/idle");
  EXPECT_EQ(no_metrics.code, 404);
  EXPECT_THAT(no_metrics.body, HasSubstr(R"("message":"podmetrics.metrics.k8s.io \"default/idle\" not found")"));
}

TEST_F(MetricsApiSinkTest, Selectors) {
  start({{"node_selector", "pool=a"}});
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes").body, list("NodeMetricsList", {kN1}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=role%21%3Dx").body, list("NodeMetricsList", {}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Ddns").body, list("PodMetricsList", {kDns}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.name%3Dweb-1&limit=500").body,
            list("PodMetricsList", {kWeb1}));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace!%3Ddefault").body,
            list("PodMetricsList", {kDns}));
}

TEST_F(MetricsApiSinkTest, BadRequests) {
  start();
  Reply bad = get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=a%20b");
  EXPECT_EQ(bad.code, 400);
  EXPECT_EQ(bad.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt","reason":"BadRequest","code":400})"
            "\n");
  Reply field = get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dn1");
  EXPECT_EQ(field.code, 400);
  EXPECT_THAT(field.body,
              HasSubstr(R"("message":"\"spec.nodeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")"));
  Reply watch = get("/apis/metrics.k8s.io/v1beta1/nodes?watch=true");
  EXPECT_EQ(watch.code, 405);
  EXPECT_THAT(watch.body, HasSubstr(R"(watch is not supported on resources of kind \"nodes.metrics.k8s.io\")"));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes", "-A test -X POST").code, 405);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes",
                "-A test -H 'Accept: application/json;as=Table;v=v2;g=meta.k8s.io'").code, 406);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes",
                "-A test -H 'Accept: application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io'").code, 406);
  EXPECT_EQ(get("/apis/metrics.k8s.io", "-A test -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io'").code,
            406);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes", "-A test -H 'Accept: application/yaml'").code, 406);
  EXPECT_EQ(get("/apis/metrics.k8s.io", "-A test -H 'Accept: application/vnd.kubernetes.protobuf'").code, 406);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes",
                "-A test -H 'Accept: application/vnd.kubernetes.protobuf, */*'").code, 200);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta2/nodes").code, 404);
}

// What kubectl get sends.
constexpr const char* kKubectlTable =
    "-A kubectl -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'";
constexpr const char* kColumns =
    R"("columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"Name of the resource","priority":0},{"name":"cpu","type":"string","format":"quantity","description":"","priority":0},{"name":"memory","type":"string","format":"quantity","description":"","priority":0},{"name":"Window","type":"string","format":"duration","description":"","priority":0}])";

std::string table(const std::string& rows, const char* version = "v1") {
  return std::string(R"({"kind":"Table","apiVersion":"meta.k8s.io/)") + version + R"(","metadata":{},)" + kColumns +
         R"(,"rows":[)" + rows + "]}\n";
}

TEST_F(MetricsApiSinkTest, NodeTable) {
  start();
  const std::string n1 =
      R"({"cells":["n1","116246336n","1578392Ki","15.012s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"n1","creationTimestamp":"T","labels":{"pool":"a","role":"x"}}}})";
  const std::string n2 =
      R"({"cells":["n2","5m","50Mi","15s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"n2","creationTimestamp":"T","labels":{"pool":"b"}}}})";
  Reply all = get("/apis/metrics.k8s.io/v1beta1/nodes?limit=500", kKubectlTable);
  EXPECT_EQ(all.code, 200);
  EXPECT_EQ(all.body, table(n1 + "," + n2));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes/n1", kKubectlTable).body, table(n1));
  // includeObject=None: a null object; Object: the whole NodeMetrics in the request's version.
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes/n2?includeObject=None", kKubectlTable).body,
            table(R"({"cells":["n2","5m","50Mi","15s"],"object":null})"));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1/nodes/n2?includeObject=Object", kKubectlTable).body,
            table(R"({"cells":["n2","5m","50Mi","15s"],"object":{"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1",)" +
                  std::string(kN2).substr(1) + "}"));
  // v1beta1 when asked for first; PartialObjectMetadata follows the Table's group version.
  Reply beta = get("/apis/metrics.k8s.io/v1beta1/nodes/n2",
                   "-A test -H 'Accept: application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json'");
  EXPECT_EQ(beta.body,
            table(R"({"cells":["n2","5m","50Mi","15s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1beta1","metadata":{"name":"n2","creationTimestamp":"T","labels":{"pool":"b"}}}})",
                  "v1beta1"));
  // An empty list is metrics-server's zero Table.
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=pool%3Dz", kKubectlTable).body,
            R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":null})" "\n");
}

TEST_F(MetricsApiSinkTest, NodeTableWithSwap) {
  start({{"show_swap", "true"}});
  // Columns come from the first node (n1, no swap): n2's swap has no column.
  Reply all = get("/apis/metrics.k8s.io/v1beta1/nodes?includeObject=None", kKubectlTable);
  EXPECT_THAT(all.body, HasSubstr(R"("rows":[{"cells":["n1","116246336n","1578392Ki","15.012s"],"object":null},{"cells":["n2","5m","50Mi","15s"],"object":null}])"));
  EXPECT_THAT(get("/apis/metrics.k8s.io/v1beta1/nodes/n2", kKubectlTable).body,
              HasSubstr(R"({"name":"swap","type":"string","format":"quantity","description":"","priority":0},{"name":"Window")"));
}

TEST_F(MetricsApiSinkTest, PodTable) {
  start();
  // Cells sum the containers: 3055400n + 1 core, 12240Ki + 1000 bytes.
  const std::string web1 =
      R"({"cells":["web-1","1003055400n","12534760","15s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web-1","namespace":"default","creationTimestamp":"T","labels":{"app":"web"}}}})";
  const std::string dns =
      R"({"cells":["dns","0","4620Ki","15s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"dns","namespace":"kube-system","creationTimestamp":"T","labels":{"app":"dns"}}}})";
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/pods?limit=500", kKubectlTable).body, table(web1 + "," + dns));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-1", kKubectlTable).body, table(web1));
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods?includeObject=Object", kKubectlTable).body,
            table(R"({"cells":["dns","0","4620Ki","15s"],"object":{"kind":"PodMetrics","apiVersion":"metrics.k8s.io/v1beta1",)" +
                  std::string(kDns).substr(1) + "}"));
}

TEST_F(MetricsApiSinkTest, TableIncludeObjectChecks) {
  start();
  Reply bad = get("/apis/metrics.k8s.io/v1beta1/pods?includeObject=All", kKubectlTable);
  EXPECT_EQ(bad.code, 400);
  EXPECT_EQ(bad.body,
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"unrecognized includeObject value: \"All\"","reason":"BadRequest","code":400})"
            "\n");
  // Checked only when there is a row to fill, and never for plain JSON.
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/namespaces/none/pods?includeObject=All", kKubectlTable).code, 200);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/pods?includeObject=All").code, 200);
  // The first acceptable clause wins; a higher q goes first.
  EXPECT_THAT(get("/apis/metrics.k8s.io/v1beta1/nodes/n1",
                  "-A test -H 'Accept: application/json, application/json;as=Table;v=v1;g=meta.k8s.io'").body,
              HasSubstr(R"({"kind":"NodeMetrics")"));
  EXPECT_THAT(get("/apis/metrics.k8s.io/v1beta1/nodes/n1",
                  "-A test -H 'Accept: application/json;q=0.5, application/json;as=Table;v=v1;g=meta.k8s.io'").body,
              HasSubstr(R"({"kind":"Table")"));
}

TEST_F(MetricsApiSinkTest, PrettyForCurl) {
  start();
  Reply pretty = get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods", "");  // curl's own User-Agent
  EXPECT_EQ(pretty.body, R"({
  "kind": "PodMetricsList",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": {},
  "items": [
    {
      "metadata": {
        "name": "dns",
        "namespace": "kube-system",
        "creationTimestamp":"T",
        "labels": {
          "app": "dns"
        }
      },
      "timestamp": "2021-10-03T09:37:04Z",
      "window": "15s",
      "containers": [
        {
          "name": "coredns",
          "usage": {
            "cpu": "0",
            "memory": "4620Ki"
          }
        }
      ]
    }
  ]
})");
  EXPECT_THAT(get("/apis?pretty=true").body, HasSubstr("\n  \"kind\": \"APIGroupList\""));
}

TEST_F(MetricsApiSinkTest, UnsyncedViewIs503) {
  start();
  view_->set_synced(false);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1/nodes").code, 503);
  EXPECT_EQ(get("/apis/metrics.k8s.io/v1beta1").code, 200);
}

TEST_F(MetricsApiSinkTest, ReadyzWaitsForMetrics) {
  start({}, /*consume=*/false);
  Reply r = get("/readyz");
  EXPECT_EQ(r.code, 500);
  EXPECT_THAT(r.body, HasSubstr("[-]metric-storage-ready failed: reason withheld\n"));
  EXPECT_THAT(r.body, HasSubstr("readyz check failed"));
  get("/readyz");  // logged once per change, not per probe
  EXPECT_EQ(ctx_.test_logger().count("Failed probe"), 1u);
  EXPECT_EQ(ctx_.test_logger().events_with_message("Failed probe").at(0).field("probe"), "metric-storage-ready");
  r = get("/livez");  // no snapshot yet is timely
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.body, "ok");

  ASSERT_TRUE(sink_->consume(snapshot(), std::chrono::steady_clock::now()).is_ok());
  r = get("/readyz");
  EXPECT_EQ(r.code, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(get("/healthz").body, "ok");
  EXPECT_EQ(get("/livez").code, 200);
  EXPECT_EQ(get("/readyz/ping").body, "ok");
  EXPECT_EQ(get("/readyz/nope").code, 404);
  EXPECT_EQ(get("/readyzx").code, 404);
}

TEST_F(MetricsApiSinkTest, ReadyzFailsOnUnsyncedViewAndAfterStop) {
  start();
  view_->set_synced(false);
  Reply r = get("/readyz");
  EXPECT_EQ(r.code, 500);
  EXPECT_THAT(r.body, HasSubstr("[-]metric-informer-sync failed: reason withheld\n"));
  view_->set_synced(true);
  EXPECT_EQ(get("/readyz").code, 200);
  sink_->stop();
  r = get("/readyz");
  EXPECT_EQ(r.code, 500);
  EXPECT_THAT(r.body, HasSubstr("[-]shutdown failed: reason withheld\n"));
  EXPECT_EQ(get("/livez").code, 200);
}

TEST_F(MetricsApiSinkTest, LivezFailsWhenCollectionIsLate) {
  ctx_.settings().resolution = std::chrono::seconds(10);
  start({}, /*consume=*/false);
  auto late = std::const_pointer_cast<Snapshot>(snapshot());
  late->started_at = std::chrono::system_clock::now() - std::chrono::seconds(16);
  ASSERT_TRUE(sink_->consume(late, std::chrono::steady_clock::now()).is_ok());
  const Reply r = get("/livez");
  EXPECT_EQ(r.code, 500);
  EXPECT_THAT(r.body, HasSubstr("[-]metric-collection-timely failed: reason withheld\n"));
}

TEST_F(MetricsApiSinkTest, ProtobufForKubectlTopAndItsErrors) {
  start();
  const std::string headers = dir_.file("headers");
  const std::string kubectl_top = "-A kubectl -H 'Accept: application/vnd.kubernetes.protobuf, */*' -D '" + headers + "'";
  auto content_type = [&] {
    std::ifstream in(headers);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Content-Type: ", 0) == 0) return line.substr(14, line.find('\r') - 14);
    }
    return std::string();
  };
  const std::string magic("k8s\0", 4);
  for (const char* path : {"/apis/metrics.k8s.io/v1beta1/nodes", "/apis/metrics.k8s.io/v1beta1/nodes/n1",
                           "/apis/metrics.k8s.io/v1beta1/pods", "/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods",
                           "/apis/metrics.k8s.io/v1/namespaces/default/pods/web-1"}) {
    Reply r = get(path, kubectl_top);
    EXPECT_EQ(r.code, 200) << path;
    EXPECT_EQ(r.body.substr(0, 4), magic) << path;
    EXPECT_EQ(content_type(), "application/vnd.kubernetes.protobuf") << path;
  }
  EXPECT_THAT(get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods", kubectl_top).body, HasSubstr("coredns"));
  // Errors come in the negotiated encoding too.
  Reply missing = get("/apis/metrics.k8s.io/v1beta1/nodes/nx", kubectl_top);
  EXPECT_EQ(missing.code, 404);
  EXPECT_EQ(missing.body.substr(0, 4), magic);
  EXPECT_THAT(missing.body, HasSubstr("NotFound"));
  EXPECT_EQ(content_type(), "application/vnd.kubernetes.protobuf");
  // Discovery stays JSON for the same Accept (its */* allows it).
  Reply discovery = get("/apis/metrics.k8s.io/v1beta1", kubectl_top);
  EXPECT_EQ(discovery.code, 200);
  EXPECT_EQ(content_type(), "application/json");
}

TEST_F(MetricsApiSinkTest, AggregatedDiscoveryWhenAskedFor) {
  start();
  const char* kubectl = "-A kubectl -H 'Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'";
  Reply v2 = get("/apis", kubectl);
  EXPECT_EQ(v2.code, 200);
  EXPECT_THAT(v2.body, HasSubstr(R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2")"));
  EXPECT_THAT(v2.body, HasSubstr(R"("responseKind":{"group":"metrics.k8s.io","version":"v1beta1","kind":"PodMetrics"})"));
  EXPECT_THAT(get("/apis", "-A test -H 'Accept: application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'").body,
              HasSubstr(R"("apiVersion":"apidiscovery.k8s.io/v2beta1")"));
  EXPECT_THAT(get("/apis").body, HasSubstr(R"("kind":"APIGroupList")"));
}

TEST_F(MetricsApiSinkTest, OpenApiDocumentsWithKubeOpenapiCaching) {
  start();
  const std::string headers = dir_.file("openapi-headers");
  auto header = [&](const std::string& name) {
    std::ifstream in(headers);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(name + ": ", 0) == 0) return line.substr(name.size() + 2, line.find('\r') - name.size() - 2);
    }
    return std::string();
  };
  const std::string dump = "-A test -D '" + headers + "'";
  Reply v2 = get("/openapi/v2", dump);
  EXPECT_EQ(v2.code, 200);
  EXPECT_THAT(v2.body, HasSubstr(R"("title":"Kubernetes metrics-server")"));
  EXPECT_THAT(v2.body, HasSubstr(R"("io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics")"));
  const std::string etag = header("Etag");
  EXPECT_EQ(etag.size(), 130u);  // quoted SHA-512 in hex
  EXPECT_EQ(get("/openapi/v2", "-A test -H 'If-None-Match: " + etag + "'").code, 304);

  Reply index = get("/openapi/v3");
  EXPECT_EQ(index.code, 200);
  const std::string marker = "/openapi/v3/apis/metrics.k8s.io/v1beta1?hash=";
  const std::size_t at = index.body.find(marker);
  ASSERT_NE(at, std::string::npos) << index.body;
  const std::string hash = index.body.substr(at + marker.size(), 128);
  Reply doc = get(marker + hash, dump);
  EXPECT_EQ(doc.code, 200);
  EXPECT_THAT(doc.body, HasSubstr(R"("openapi":"3.0.0")"));
  EXPECT_EQ(header("Cache-Control"), "public, immutable");
  Reply stale = get(marker + "0000", dump);
  EXPECT_EQ(stale.code, 301);
  EXPECT_EQ(header("Location"), marker + hash);
  EXPECT_EQ(get("/openapi/v3/apis/other.k8s.io/v1").code, 404);
}

TEST_F(MetricsApiSinkTest, EveryReturnedItemIsObservedInTheFreshnessHistogram) {
  start();
  const char* kFamily = "metrics_server_api_metric_freshness_seconds";
  get("/apis/metrics.k8s.io/v1beta1/nodes");                           // 2 items, pre-rendered list
  get("/apis/metrics.k8s.io/v1beta1/nodes/n1");                        // 1
  get("/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods");     // 1, rendered on the fly
  get("/apis/metrics.k8s.io/v1beta1/nodes/nx");                        // an error: none
  auto counts = ctx_.registry().histogram_counts(kFamily);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->count, 4u);
  // The samples are from 2021: every observation is beyond the last bound (364.31 s).
  EXPECT_EQ(counts->cumulative.back(), 0u);
  EXPECT_GT(counts->sum, 4 * 1e8);
  EXPECT_THAT(ctx_.registry().render_prometheus_text(),
              HasSubstr("# HELP metrics_server_api_metric_freshness_seconds [ALPHA] Freshness of metrics exported\n"
                        "# TYPE metrics_server_api_metric_freshness_seconds histogram\n"
                        "metrics_server_api_metric_freshness_seconds_bucket{le=\"1\"} 0\n"
                        "metrics_server_api_metric_freshness_seconds_bucket{le=\"1.364\"} 0\n"));
}

TEST(MetricFreshnessTest, SortedBatchesCountLikeSingleObservations) {
  core::SelfMetricsRegistry one_by_one, batched;
  MetricFreshness a(one_by_one), b(batched);
  const std::int64_t now = 1'700'000'000'000'000'000;
  std::vector<std::int64_t> ts;
  for (int i = 0; i < 500; ++i) ts.push_back(now - static_cast<std::int64_t>(i) * 997'000'000);  // 0 .. ~497 s old
  ts.push_back(now - 1'000'000'000);  // exactly on the bound 1: counts in le="1"
  a.observe(ts, now);
  std::sort(ts.begin(), ts.end());
  b.observe_sorted(ts, now);
  auto ca = one_by_one.histogram_counts("metrics_server_api_metric_freshness_seconds");
  auto cb = batched.histogram_counts("metrics_server_api_metric_freshness_seconds");
  ASSERT_TRUE(ca && cb);
  EXPECT_EQ(ca->cumulative, cb->cumulative);
  EXPECT_EQ(ca->count, cb->count);
  EXPECT_NEAR(ca->sum, cb->sum, 1e-6 * ca->sum);
}

TEST_F(MetricsApiSinkTest, WarnsOnceWhenServingWithoutDelegatedAuth) {
  start();
  int warnings = 0;
  for (const auto& e : ctx_.test_logger().events()) {
    warnings += e.message.find("without authentication or authorization") != std::string::npos;
  }
  EXPECT_EQ(warnings, 1);
}

TEST_F(MetricsApiSinkTest, DelegatedAuthIsTheDefaultAndNeedsTheHostToProvideIt) {
  auto made = mpf_builtin_plugin_metrics_api().create_sink(loopback_options(), "sinks[0].options", ctx_);
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  // The test context's server has no access control factory, so serving must refuse rather than serve
  // without authentication.
  EXPECT_THAT((*made)->start().message(), ::testing::HasSubstr("delegated authentication is not available"));
}

}  // namespace
}  // namespace mpf::api::metrics
