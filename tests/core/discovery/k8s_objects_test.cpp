// The Kubernetes object decoders (core/discovery/k8s_objects.h) on objects rendered by real clusters
// (tests/fixtures/k8s-api, see SOURCES.md there), by the simulator's fake API server, and on hand-made
// edge cases: key order, duplicates, escapes, wrong types, hostile nesting and truncation.
#include "core/discovery/k8s_objects.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace mpf::core {
namespace {

using ::testing::HasSubstr;

std::string fixture(std::string_view name) {
  std::ifstream in(std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/k8s-api/" + std::string(name), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes.empty()) << "missing fixture " << name;
  return bytes;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

template <class T>
void expect_failure(const Result<T>& result, std::string_view fragment) {
  ASSERT_FALSE(result.is_ok()) << "expected a failure mentioning: " << fragment;
  EXPECT_EQ(result.status().code(), StatusCode::kPermanent);
  EXPECT_THAT(result.status().message(), HasSubstr(std::string(fragment)));
}

bool labels_sorted_unique(const Labels& labels) {
  return std::adjacent_find(labels.begin(), labels.end(),
                            [](const auto& a, const auto& b) { return !(a.first < b.first); }) == labels.end();
}

// As fake-apiserver renders them (tests/sim/fake_apiserver_objects.cpp, --seed 7 --anchor-unix-ms
// 1704794400000); mpf_core_tests does not link the simulator, so they are copied here.
constexpr std::string_view kSimNode =
    R"json({"kind":"Node","apiVersion":"v1","metadata":{"name":"node-00001","uid":"3ab839f9-8a1c-41af-99eb-33fd8ec58b64","resourceVersion":"7","creationTimestamp":"2024-01-08T12:41:37Z","labels":{"beta.kubernetes.io/arch":"amd64","beta.kubernetes.io/instance-type":"m5.xlarge","beta.kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","kubernetes.io/hostname":"node-00001","kubernetes.io/os":"linux","node.kubernetes.io/instance-type":"m5.xlarge","sim.mpf.io/pool":"general","topology.kubernetes.io/region":"sim-1","topology.kubernetes.io/zone":"sim-1a"},"annotations":{"node.alpha.kubernetes.io/ttl":"0","volumes.kubernetes.io/controller-managed-attach-detach":"true"}},"spec":{"podCIDR":"10.128.0.0/24","podCIDRs":["10.128.0.0/24"],"providerID":"sim://node-00001"},"status":{"capacity":{"cpu":"4","ephemeral-storage":"101430960Ki","hugepages-1Gi":"0","hugepages-2Mi":"0","memory":"16777216Ki","pods":"110"},"allocatable":{"cpu":"3840m","ephemeral-storage":"101430960Ki","hugepages-1Gi":"0","hugepages-2Mi":"0","memory":"15626240Ki","pods":"110"},"conditions":[{"type":"MemoryPressure","status":"False","lastHeartbeatTime":"2026-11-24T12:56:02Z","lastTransitionTime":"2024-01-08T12:41:37Z","reason":"KubeletHasSufficientMemory","message":"kubelet has sufficient memory available"},{"type":"DiskPressure","status":"False","lastHeartbeatTime":"2026-11-24T12:56:02Z","lastTransitionTime":"2024-01-08T12:41:37Z","reason":"KubeletHasNoDiskPressure","message":"kubelet has no disk pressure"},{"type":"PIDPressure","status":"False","lastHeartbeatTime":"2026-11-24T12:56:02Z","lastTransitionTime":"2024-01-08T12:41:37Z","reason":"KubeletHasSufficientPID","message":"kubelet has sufficient PID available"},{"type":"Ready","status":"True","lastHeartbeatTime":"2026-11-24T12:56:02Z","lastTransitionTime":"2024-01-08T12:41:37Z","reason":"KubeletReady","message":"kubelet is posting ready status"}],"addresses":[{"type":"InternalIP","address":"127.1.0.1"},{"type":"Hostname","address":"node-00001"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},"nodeInfo":{"machineID":"a42cd1d32f2c475cbeb6a1a19a7b1c00","systemUUID":"a42cd1d3-2f2c-475c-beb6-a1a19a7b1c00","bootID":"08e18e3b-3eee-4096-b10c-e34b757c9dad","kernelVersion":"6.1.0-sim-amd64","osImage":"Debian GNU/Linux 12 (bookworm)","containerRuntimeVersion":"containerd://1.7.24","kubeletVersion":"v1.33.1","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"}}})json";

// A full Pod in list-item form (no kind), as a PodList holds it.
constexpr std::string_view kSimPod =
    R"json({"metadata":{"name":"kube-proxy-dhqr5","generateName":"kube-proxy-","namespace":"kube-system","uid":"c07bfab8-3e7c-4add-8ce6-3213995d469f","resourceVersion":"10","creationTimestamp":"2024-01-08T12:41:59Z","labels":{"app":"kube-proxy","controller-revision-hash":"74h6nm76bj","pod-template-generation":"1"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"kube-proxy","uid":"1f165045-b61a-46e7-9bab-5be2e2cefb0a","controller":true,"blockOwnerDeletion":true}]},"spec":{"containers":[{"name":"kube-proxy","image":"registry.sim.mpf.io/kube-proxy:1.0","resources":{},"imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","nodeName":"node-00001","schedulerName":"default-scheduler","priority":0},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2024-01-08T12:41:59Z"},{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2024-01-08T12:41:59Z"},{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2024-01-08T12:41:59Z"},{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2024-01-08T12:41:59Z"}],"hostIP":"127.1.0.1","hostIPs":[{"ip":"127.1.0.1"}],"podIP":"10.128.0.2","podIPs":[{"ip":"10.128.0.2"}],"startTime":"2024-01-08T12:41:59Z","containerStatuses":[{"name":"kube-proxy","state":{"running":{"startedAt":"2024-01-08T12:42:00Z"}},"ready":true,"restartCount":0,"image":"registry.sim.mpf.io/kube-proxy:1.0","imageID":"","started":true}],"qosClass":"BestEffort"}})json";

constexpr std::string_view kSimPartialObjectMetadata =
    R"json({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"kube-proxy-xr2k5","generateName":"kube-proxy-","namespace":"kube-system","uid":"9345654f-8a18-4d14-8c98-68176da110c5","resourceVersion":"12","creationTimestamp":"2024-01-08T21:25:11Z","labels":{"app":"kube-proxy","controller-revision-hash":"74h6nm76bj","pod-template-generation":"1"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"kube-proxy","uid":"1f165045-b61a-46e7-9bab-5be2e2cefb0a","controller":true,"blockOwnerDeletion":true}]}})json";

// The ERROR event kube-apiserver's watch cache sends for a resourceVersion it no longer has.
constexpr std::string_view kExpiredEvent =
    R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}})json";

std::string node_list(std::string_view items) {
  return R"({"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"11"},"items":[)" + std::string(items) +
         "]}";
}

std::string pod_list(std::string_view items) {
  return R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"11"},"items":[)" + std::string(items) +
         "]}";
}

// A Node with `status` as its status object.
std::string node_with_status(std::string_view status) {
  return R"({"metadata":{"name":"n"},"status":)" + std::string(status) + "}";
}

ClusterNode only_node(const Result<ListPage<ClusterNode>>& page) {
  EXPECT_TRUE(page.is_ok()) << page.status().to_string();
  if (!page.is_ok() || page->items.size() != 1) {
    ADD_FAILURE() << "expected one node";
    return {};
  }
  return page->items[0];
}

ClusterPod only_pod(const Result<ListPage<ClusterPod>>& page) {
  EXPECT_TRUE(page.is_ok()) << page.status().to_string();
  if (!page.is_ok() || page->items.size() != 1) {
    ADD_FAILURE() << "expected one pod";
    return {};
  }
  return page->items[0];
}

// --- Nodes ---------------------------------------------------------------------------------------

TEST(K8sObjectsNodeList, SimulatorNode) {
  ClusterNode node = only_node(decode_node_list(node_list(kSimNode)));
  EXPECT_EQ(node.name, "node-00001");
  EXPECT_EQ(node.kubelet_port, 10250);
  EXPECT_TRUE(node.ready);
  EXPECT_EQ(node.metrics_path, "");
  EXPECT_EQ(node.addresses, (std::vector<NodeAddress>{{"InternalIP", "127.1.0.1"}, {"Hostname", "node-00001"}}));
  ASSERT_EQ(node.labels.size(), 10u);
  EXPECT_EQ(node.labels.front(), (std::pair<std::string, std::string>("beta.kubernetes.io/arch", "amd64")));
  EXPECT_EQ(node.labels.back(), (std::pair<std::string, std::string>("topology.kubernetes.io/zone", "sim-1a")));
  EXPECT_TRUE(labels_sorted_unique(node.labels));
}

TEST(K8sObjectsNodeList, HandWrittenKubeadmPage) {
  auto page = decode_node_list(fixture("nodelist-page-kubeadm-v1.30-handwritten.json"));
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->resource_version, "48213");
  EXPECT_EQ(page->continue_token, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTMsInN0YXJ0Ijoid29ya2VyLWJcdTAwMDAifQ");
  ASSERT_EQ(page->items.size(), 3u);

  const ClusterNode& cp = page->items[0];
  EXPECT_EQ(cp.name, "cp-1");
  EXPECT_TRUE(cp.ready);
  EXPECT_EQ(cp.kubelet_port, 10250);
  EXPECT_EQ(cp.labels.size(), 7u);
  EXPECT_EQ(cp.labels[5], (std::pair<std::string, std::string>("node-role.kubernetes.io/control-plane", "")));
  EXPECT_EQ(cp.addresses, (std::vector<NodeAddress>{{"InternalIP", "192.168.10.11"}, {"Hostname", "cp-1"}}));
  EXPECT_EQ(cp.metrics_path, "");

  const ClusterNode& a = page->items[1];
  EXPECT_EQ(a.name, "worker-a");
  EXPECT_TRUE(a.ready);
  EXPECT_EQ(a.metrics_path, "/metrics/resource");
  EXPECT_EQ(a.addresses, (std::vector<NodeAddress>{{"InternalIP", "192.168.10.21"},
                                                    {"ExternalIP", "203.0.113.21"},
                                                    {"InternalDNS", "worker-a.internal.example.com"},
                                                    {"Hostname", "worker-a"}}));
  EXPECT_EQ(a.labels.back(), (std::pair<std::string, std::string>("topology.kubernetes.io/zone", "rack-2")));

  const ClusterNode& b = page->items[2];
  EXPECT_EQ(b.name, "worker-b");
  EXPECT_FALSE(b.ready);  // Ready is "Unknown": the node controller gave up on the kubelet
  EXPECT_EQ(b.kubelet_port, 11250);
}

TEST(K8sObjectsNodeList, KubectlOutputWithSortedKeys) {
  // kubectl -o json sorts keys: "items" before "metadata", condition "status" before "type".
  auto page = decode_node_list(fixture("nodelist-v1.35-minikube-kubectl-newrelic.json"));
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->resource_version, "");
  EXPECT_EQ(page->continue_token, "");
  ASSERT_EQ(page->items.size(), 1u);
  const ClusterNode& node = page->items[0];
  EXPECT_EQ(node.name, "datagen-1-35");
  EXPECT_TRUE(node.ready);
  EXPECT_EQ(node.kubelet_port, 10250);
  EXPECT_EQ(node.addresses, (std::vector<NodeAddress>{{"InternalIP", "192.168.67.2"}, {"Hostname", "datagen-1-35"}}));
  ASSERT_EQ(node.labels.size(), 12u);
  EXPECT_EQ(node.labels[0], (std::pair<std::string, std::string>("beta.kubernetes.io/arch", "arm64")));
  EXPECT_EQ(node.labels[8], (std::pair<std::string, std::string>("minikube.k8s.io/updated_at", "2026_06_26T12_12_14_0700")));
}

TEST(K8sObjectsNodeList, ListMetadataAfterItemsAndKindLast) {
  auto page = decode_node_list(R"({"items":[{"metadata":{"name":"a"}}],"metadata":{"continue":"c2","resourceVersion":"9"},"kind":"NodeList"})");
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->resource_version, "9");
  EXPECT_EQ(page->continue_token, "c2");
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "a");
  EXPECT_EQ(page->items[0].kubelet_port, 0);
  EXPECT_FALSE(page->items[0].ready);
}

TEST(K8sObjectsNodeList, EmptyAndNullItems) {
  for (std::string_view text : {R"({"kind":"NodeList","metadata":{"resourceVersion":"5"},"items":[]})",
                                R"({"kind":"NodeList","metadata":{"resourceVersion":"5"},"items":null})",
                                R"({"kind":"NodeList","metadata":{"resourceVersion":"5"}})"}) {
    auto page = decode_node_list(text);
    ASSERT_TRUE(page.is_ok()) << text << ": " << page.status().to_string();
    EXPECT_TRUE(page->items.empty());
    EXPECT_EQ(page->resource_version, "5");
  }
}

TEST(K8sObjectsNodeList, LabelsSortedLastDuplicateWinsAndObjectsMerge) {
  ClusterNode node = only_node(decode_node_list(node_list(
      R"({"metadata":{"labels":{"zone":"a","app":"x","zone":"b","mid":null},"name":"n","labels":{"app":"y","extra":"e"}}})")));
  EXPECT_EQ(node.labels, (Labels{{"app", "y"}, {"extra", "e"}, {"mid", ""}, {"zone", "b"}}));
}

TEST(K8sObjectsNodeList, EscapesAreDecoded) {
  ClusterNode node = only_node(decode_node_list(node_list(
      R"({"metadata":{"name":"caf\u00e9-\"q\"","labels":{"a\/b":"x\\y","emoji":"\ud83d\ude00","nl":"1\n2"},)"
      R"("annotations":{"metrics.k8s.io/resource-metrics-path":"\/metrics\/resource"}}})")));
  EXPECT_EQ(node.name, "caf\xC3\xA9-\"q\"");
  EXPECT_EQ(node.labels, (Labels{{"a/b", "x\\y"}, {"emoji", "\xF0\x9F\x98\x80"}, {"nl", "1\n2"}}));
  EXPECT_EQ(node.metrics_path, "/metrics/resource");
}

TEST(K8sObjectsNodeList, ReadyCondition) {
  auto ready = [](std::string_view conditions) {
    return only_node(decode_node_list(node_list(node_with_status(conditions)))).ready;
  };
  EXPECT_TRUE(ready(R"({"conditions":[{"status":"True","type":"Ready"}]})"));  // kubectl's key order
  EXPECT_FALSE(ready(R"({"conditions":[{"type":"Ready","status":"False"}]})"));
  EXPECT_FALSE(ready(R"({"conditions":[{"type":"Ready","status":"Unknown"}]})"));
  EXPECT_FALSE(ready(R"({"conditions":[{"type":"Ready"}]})"));
  EXPECT_FALSE(ready(R"({"conditions":[{"type":"DiskPressure","status":"True"}]})"));
  EXPECT_FALSE(ready(R"({"conditions":[]})"));
  EXPECT_FALSE(ready(R"({"conditions":null})"));
  EXPECT_FALSE(ready(R"({})"));
  // The first Ready condition counts, as client-go's GetNodeCondition.
  EXPECT_TRUE(ready(R"({"conditions":[{"type":"Ready","status":"True"},{"type":"Ready","status":"False"}]})"));
  // A repeated "conditions" array replaces the first.
  EXPECT_FALSE(ready(R"({"conditions":[{"type":"Ready","status":"True"}],"conditions":[{"type":"Ready","status":"False"}]})"));
  // Null elements are no conditions.
  EXPECT_TRUE(ready(R"({"conditions":[null,{"type":"Ready","status":"True"}]})"));
}

TEST(K8sObjectsNodeList, AddressesInOrderAndRepeatedArrayReplaces) {
  ClusterNode node = only_node(decode_node_list(node_list(node_with_status(
      R"({"addresses":[{"type":"Hostname","address":"x"}],"addresses":[{"address":"10.0.0.1","type":"InternalIP"},null,{"type":"ExternalIP","address":"1.2.3.4"}]})"))));
  EXPECT_EQ(node.addresses, (std::vector<NodeAddress>{{"InternalIP", "10.0.0.1"}, {"ExternalIP", "1.2.3.4"}}));
}

TEST(K8sObjectsNodeList, KubeletPort) {
  auto port = [](std::string_view value) {
    return decode_node_list(
        node_list(node_with_status(R"({"daemonEndpoints":{"kubeletEndpoint":{"Port":)" + std::string(value) + "}}}")));
  };
  EXPECT_EQ(only_node(port("10250")).kubelet_port, 10250);
  EXPECT_EQ(only_node(port("0")).kubelet_port, 0);
  EXPECT_EQ(only_node(port("65535")).kubelet_port, 65535);
  EXPECT_EQ(only_node(port("null")).kubelet_port, 0);
  expect_failure(port("65536"), "items[0].status.daemonEndpoints.kubeletEndpoint.Port out of range 0..65535: 65536");
  expect_failure(port("-1"), "out of range 0..65535: -1");
  expect_failure(port("99999999999999999999999999"), "out of range");
  expect_failure(port("10250.0"), "Port must be an integer or null");
  expect_failure(port("1e3"), "Port must be an integer or null");
  expect_failure(port("\"10250\""), "Port must be an integer or null");
  expect_failure(port("true"), "Port must be an integer or null");
  // Lower-case "port" is not the field (Go matches case-insensitively only without an exact match;
  // Kubernetes always sends "Port").
  EXPECT_EQ(only_node(decode_node_list(
                node_list(node_with_status(R"({"daemonEndpoints":{"kubeletEndpoint":{"port":1}}})"))))
                .kubelet_port,
            0);
}

TEST(K8sObjectsNodeList, DuplicateKeysLastValueWins) {
  ClusterNode node = only_node(decode_node_list(node_list(
      R"({"metadata":{"name":"first","name":"second"},"metadata":{"labels":{"a":"1"}},)"
      R"("status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":1,"Port":2}}}})")));
  EXPECT_EQ(node.name, "second");
  EXPECT_EQ(node.labels, (Labels{{"a", "1"}}));
  EXPECT_EQ(node.kubelet_port, 2);
  auto page = decode_node_list(R"({"items":[{"metadata":{"name":"a"}}],"items":[{"metadata":{"name":"b"}}]})");
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "b");
}

TEST(K8sObjectsNodeList, UnknownFieldsOfAnyTypeAreSkipped) {
  ClusterNode node = only_node(decode_node_list(node_list(
      R"({"x":[1,2.5e300,{"metadata":{"name":"no"}},[[null]],true,"s"],"metadata":{"name":"n","uid":{"weird":1},)"
      R"("namespace":7,"creationTimestamp":[]},"spec":{"taints":[{"key":"k","effect":"NoSchedule"}]},)"
      R"("status":{"images":[{"names":["a"],"sizeBytes":18446744073709551615}],"nodeInfo":{},"phase":"Running"}})")));
  EXPECT_EQ(node.name, "n");  // a Node's namespace, uid and creationTimestamp are not read
}

TEST(K8sObjectsNodeList, NodeWithoutNameFailsThePage) {
  expect_failure(decode_node_list(node_list(R"({"metadata":{"name":"a"}},{"metadata":{"labels":{}}})")),
                 "items[1]: a Node without metadata.name");
  expect_failure(decode_node_list(node_list(R"({"metadata":{"name":""}})")), "items[0]: a Node without metadata.name");
  expect_failure(decode_node_list(node_list("{}")), "items[0]: a Node without metadata.name");
}

TEST(K8sObjectsNodeList, StructuralErrors) {
  expect_failure(decode_node_list(R"({"items":{}})"), "items must be an array or null");
  expect_failure(decode_node_list(R"({"items":"x"})"), "items must be an array or null");
  expect_failure(decode_node_list(R"({"items":[1]})"), "items[0] is not an object");
  expect_failure(decode_node_list(R"({"items":[null]})"), "items[0] is not an object");
  expect_failure(decode_node_list(R"({"items":[[]]})"), "items[0] is not an object");
  expect_failure(decode_node_list(node_list(R"({"metadata":[]})")), "items[0].metadata must be an object or null");
  expect_failure(decode_node_list(node_list(R"({"metadata":{"name":5}})")), "items[0].metadata.name must be a string");
  expect_failure(decode_node_list(node_list(R"({"metadata":{"name":"n","labels":[]}})")),
                 "items[0].metadata.labels must be an object or null");
  expect_failure(decode_node_list(node_list(R"({"metadata":{"name":"n","labels":{"a":1}}})")),
                 "items[0].metadata.labels values must be strings");
  expect_failure(decode_node_list(node_list(node_with_status(R"({"addresses":{}})"))),
                 "items[0].status.addresses must be an array or null");
  expect_failure(decode_node_list(node_list(node_with_status(R"({"addresses":["10.0.0.1"]})"))),
                 "status.addresses[] elements must be objects");
  expect_failure(decode_node_list(node_list(node_with_status(R"({"conditions":[{"type":true}]})"))),
                 "status.conditions[].type must be a string");
  expect_failure(decode_node_list(node_list(node_with_status("5"))), "items[0].status must be an object");
  expect_failure(decode_node_list(R"({"metadata":{"resourceVersion":5}})"), "metadata.resourceVersion must be a string");
  expect_failure(decode_node_list("[]"), "the body is not a JSON object");
  expect_failure(decode_node_list("\"NodeList\""), "the body is not a JSON object");
  expect_failure(decode_node_list("null"), "the body is not a JSON object");
}

TEST(K8sObjectsNodeList, WrongKinds) {
  expect_failure(decode_node_list(R"({"kind":"PodList","items":[]})"), "kind \"PodList\" is not a NodeList");
  expect_failure(decode_node_list(node_list(R"({"kind":"Pod","metadata":{"name":"p"}})")),
                 "items[0]: kind \"Pod\" is not a Node");
  EXPECT_TRUE(decode_node_list(R"({"kind":"List","items":[{"kind":"Node","metadata":{"name":"n"}}]})").is_ok());
  // A Status where a list was expected says what the server said.
  expect_failure(decode_node_list(
                     R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"The provided continue parameter is too old","reason":"Expired","code":410})"),
                 "the body is a Status, not a list: 410 Expired: The provided continue parameter is too old");
}

// --- Node watch events -----------------------------------------------------------------------------

TEST(K8sObjectsNodeEvent, SimulatorWatchStream) {
  // fake-apiserver: sendInitialEvents=true (3 ADDED, the initial-events-end BOOKMARK), then a
  // touch-node (MODIFIED) and a delete-node (DELETED).
  std::vector<std::string> lines = lines_of(fixture("watch-nodes-initial-events-fake-apiserver.jsonl"));
  ASSERT_EQ(lines.size(), 6u);
  std::vector<WatchEvent<ClusterNode>> events;
  for (const std::string& line : lines) {
    auto event = decode_node_event(line);
    ASSERT_TRUE(event.is_ok()) << event.status().to_string();
    events.push_back(std::move(event).value());
  }
  EXPECT_EQ(events[0].type, WatchEventType::kAdded);
  EXPECT_EQ(events[0].object.name, "node-00001");
  EXPECT_EQ(events[0].resource_version, "7");
  EXPECT_TRUE(events[0].object.ready);
  EXPECT_EQ(events[0].object.kubelet_port, 10250);
  EXPECT_FALSE(events[0].initial_events_end);
  EXPECT_EQ(events[2].object.addresses[0], (NodeAddress{"InternalIP", "127.1.0.3"}));

  EXPECT_EQ(events[3].type, WatchEventType::kBookmark);
  EXPECT_EQ(events[3].resource_version, "15");
  EXPECT_TRUE(events[3].initial_events_end);
  EXPECT_EQ(events[3].object, ClusterNode{});

  EXPECT_EQ(events[4].type, WatchEventType::kModified);
  EXPECT_EQ(events[4].object.name, "node-00002");
  EXPECT_EQ(events[4].resource_version, "16");
  EXPECT_EQ(events[5].type, WatchEventType::kDeleted);
  EXPECT_EQ(events[5].object.name, "node-00003");
  EXPECT_EQ(events[5].resource_version, "17");
}

TEST(K8sObjectsNodeEvent, ObjectBeforeTypeAndTrailingNewline) {
  auto event = decode_node_event(R"({"object":)" + std::string(kSimNode) + R"(,"type":"MODIFIED"})" + "\r\n");
  ASSERT_TRUE(event.is_ok()) << event.status().to_string();
  EXPECT_EQ(event->type, WatchEventType::kModified);
  EXPECT_EQ(event->object.name, "node-00001");
  EXPECT_EQ(event->resource_version, "7");
}

TEST(K8sObjectsNodeEvent, ExpiredError) {
  auto event = decode_node_event(kExpiredEvent);
  ASSERT_TRUE(event.is_ok()) << event.status().to_string();
  EXPECT_EQ(event->type, WatchEventType::kError);
  EXPECT_EQ(event->status, (ApiStatus{410, "Expired", "too old resource version: 1 (2)"}));
  EXPECT_EQ(event->resource_version, "");
  EXPECT_EQ(event->object, ClusterNode{});
  // Type after object, code before message: the same.
  auto reordered = decode_node_event(
      R"({"object":{"code":410,"metadata":{},"reason":"Expired","message":"m","kind":"Status","status":"Failure"},"type":"ERROR"})");
  ASSERT_TRUE(reordered.is_ok()) << reordered.status().to_string();
  EXPECT_EQ(reordered->status, (ApiStatus{410, "Expired", "m"}));
}

TEST(K8sObjectsNodeEvent, BookmarkWithoutAnnotation) {
  auto event = decode_node_event(R"({"type":"BOOKMARK","object":{"kind":"Node","apiVersion":"v1","metadata":{"resourceVersion":"12345"}}})");
  ASSERT_TRUE(event.is_ok()) << event.status().to_string();
  EXPECT_EQ(event->type, WatchEventType::kBookmark);
  EXPECT_EQ(event->resource_version, "12345");
  EXPECT_FALSE(event->initial_events_end);
}

TEST(K8sObjectsNodeEvent, Failures) {
  expect_failure(decode_node_event(R"({"object":{"metadata":{"name":"n"}}})"), "a watch event without \"type\"");
  expect_failure(decode_node_event(R"({"type":null,"object":{"metadata":{"name":"n"}}})"), "without \"type\"");
  expect_failure(decode_node_event(R"({"type":"ADDED"})"), "a watch event without \"object\"");
  expect_failure(decode_node_event(R"({"type":"ADDED","object":null})"), "without \"object\"");
  expect_failure(decode_node_event(R"({"type":"SYNC","object":{"metadata":{"name":"n"}}})"),
                 "unknown watch event type \"SYNC\"");
  expect_failure(decode_node_event(R"({"type":"added","object":{"metadata":{"name":"n"}}})"), "unknown watch event type");
  expect_failure(decode_node_event(R"({"type":1,"object":{}})"), "type must be a string or null");
  expect_failure(decode_node_event(R"({"type":"ADDED","object":"n"})"), "object must be an object or null");
  expect_failure(decode_node_event(R"({"type":"DELETED","object":{"metadata":{}}})"), "object: a Node without metadata.name");
  expect_failure(decode_node_event(R"({"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"n"}}})"),
                 "object: kind \"Pod\" is not a Node");
  expect_failure(decode_node_event(R"({"type":"ADDED","object":{"metadata":{"name":7}}})"),
                 "object.metadata.name must be a string");
  expect_failure(decode_node_event(R"({"type":"ERROR","object":{"code":"410"}})"), "object.code must be an integer");
  expect_failure(decode_node_event(R"({"type":"ERROR","object":{"code":4294967296}})"), "object.code out of range");
  expect_failure(decode_node_event(""), "node watch event: byte 0: The document is empty.");
}

// --- Pods ------------------------------------------------------------------------------------------

TEST(K8sObjectsPodList, SimulatorPartialObjectMetadataPage) {
  auto page = decode_pod_list(fixture("podmeta-list-page-fake-apiserver.json"));
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->resource_version, "19");
  EXPECT_EQ(page->continue_token,
            "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTksInN0YXJ0IjoidGVhbS1iL2JhdGNoLXJ1bm5lci1iODVyZDh3dnEtNmZuNjRcdTAwMDAifQ==");
  ASSERT_EQ(page->items.size(), 3u);
  const ClusterPod& first = page->items[0];
  EXPECT_EQ(first.namespace_name, "kube-system");
  EXPECT_EQ(first.name, "kube-proxy-dhqr5");
  EXPECT_EQ(first.uid, "c07bfab8-3e7c-4add-8ce6-3213995d469f");
  EXPECT_EQ(first.creation_unix_seconds, 1704717719);  // 2024-01-08T12:41:59Z
  EXPECT_EQ(first.labels, (Labels{{"app", "kube-proxy"}, {"controller-revision-hash", "74h6nm76bj"},
                                  {"pod-template-generation", "1"}}));
  const ClusterPod& last = page->items[2];
  EXPECT_EQ(last.namespace_name, "team-b");
  EXPECT_EQ(last.name, "batch-runner-b85rd8wvq-6fn64");
  EXPECT_EQ(last.creation_unix_seconds, 1704768964);  // 2024-01-09T02:56:04Z
  EXPECT_EQ(last.labels, (Labels{{"app", "batch-runner"}, {"pod-template-hash", "b85rd8wvq"}}));
}

TEST(K8sObjectsPodList, SimulatorFullPodAndMetadataInOneList) {
  auto page = decode_pod_list(pod_list(std::string(kSimPod) + "," + std::string(kSimPartialObjectMetadata)));
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].name, "kube-proxy-dhqr5");
  EXPECT_EQ(page->items[0].uid, "c07bfab8-3e7c-4add-8ce6-3213995d469f");
  EXPECT_EQ(page->items[1].name, "kube-proxy-xr2k5");
  EXPECT_EQ(page->items[1].creation_unix_seconds, 1704749111);  // 2024-01-08T21:25:11Z
}

TEST(K8sObjectsPodList, RealKubeletPodList) {
  // A kubelet's /pods of minikube v1.35: full Pods with managedFields, static pods without
  // creationTimestamp and with a config hash for uid, Failed and Succeeded job pods.
  auto page = decode_pod_list(fixture("podlist-v1.35-minikube-kubelet-newrelic.json"));
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  EXPECT_EQ(page->resource_version, "");
  ASSERT_EQ(page->items.size(), 24u);
  for (const ClusterPod& pod : page->items) {
    EXPECT_FALSE(pod.namespace_name.empty());
    EXPECT_FALSE(pod.uid.empty());
    EXPECT_TRUE(labels_sorted_unique(pod.labels)) << pod.name;
  }
  auto find = [&](std::string_view name) -> const ClusterPod& {
    auto it = std::find_if(page->items.begin(), page->items.end(), [&](const ClusterPod& p) { return p.name == name; });
    EXPECT_NE(it, page->items.end()) << name;
    return it != page->items.end() ? *it : page->items[0];
  };
  const ClusterPod& kindnet = find("kindnet-zkpn8");
  EXPECT_EQ(kindnet.namespace_name, "kube-system");
  EXPECT_EQ(kindnet.uid, "ebb73de1-03ec-4c34-bda3-bb8a44f01c2b");
  EXPECT_EQ(kindnet.creation_unix_seconds, 1782468739);  // 2026-06-26T10:12:19Z
  EXPECT_EQ(kindnet.labels, (Labels{{"app", "kindnet"},
                                    {"controller-revision-hash", "89b9544c4"},
                                    {"k8s-app", "kindnet"},
                                    {"pod-template-generation", "1"},
                                    {"tier", "node"}}));
  const ClusterPod& etcd = find("etcd-datagen-1-35");
  EXPECT_EQ(etcd.uid, "eaf7d48161d81d9c3359e1c008571fd6");
  EXPECT_EQ(etcd.creation_unix_seconds, 0);
  EXPECT_EQ(etcd.labels, (Labels{{"component", "etcd"}, {"tier", "control-plane"}}));
  EXPECT_EQ(find("e2e-kube-state-metrics-75b885dc9-97mtr").labels.size(), 8u);
}

TEST(K8sObjectsPodList, CreationTimestamps) {
  auto created = [](std::string_view value) {
    return decode_pod_list(pod_list(R"({"metadata":{"namespace":"ns","name":"p","creationTimestamp":)" +
                                    std::string(value) + "}}"));
  };
  EXPECT_EQ(only_pod(created("\"2024-01-09T10:00:00Z\"")).creation_unix_seconds, 1704794400);
  EXPECT_EQ(only_pod(created("\"2024-01-09T10:00:00.999999Z\"")).creation_unix_seconds, 1704794400);
  EXPECT_EQ(only_pod(created("\"2024-01-09T11:30:00+01:30\"")).creation_unix_seconds, 1704794400);
  EXPECT_EQ(only_pod(created("\"2024-01-09T08:00:00-02:00\"")).creation_unix_seconds, 1704794400);
  EXPECT_EQ(only_pod(created("\"1969-12-31T23:59:59Z\"")).creation_unix_seconds, -1);
  EXPECT_EQ(only_pod(created("null")).creation_unix_seconds, 0);
  EXPECT_EQ(only_pod(created("\"\"")).creation_unix_seconds, 0);
  expect_failure(created("\"2024-01-09 10:00:00Z\""),
                 "items[0].metadata.creationTimestamp is not an RFC 3339 time: \"2024-01-09 10:00:00Z\"");
  expect_failure(created("\"2024-02-30T10:00:00Z\""), "not an RFC 3339 time");
  expect_failure(created("\"2024-01-09T10:00:00\""), "not an RFC 3339 time");
  expect_failure(created("1704794400"), "items[0].metadata.creationTimestamp must be a string or null");
}

TEST(K8sObjectsPodList, PodIdentityRequired) {
  expect_failure(decode_pod_list(pod_list(R"({"metadata":{"name":"p"}})")), "items[0]: a Pod without metadata.namespace");
  expect_failure(decode_pod_list(pod_list(R"({"metadata":{"namespace":"ns"}})")), "items[0]: a Pod without metadata.name");
  expect_failure(decode_pod_list(pod_list(R"({"metadata":{"namespace":"ns","name":"p","uid":5}})")),
                 "items[0].metadata.uid must be a string");
}

TEST(K8sObjectsPodList, Kinds) {
  for (std::string_view kind : {"PodList", "PartialObjectMetadataList", "List"}) {
    auto page = decode_pod_list(R"({"kind":")" + std::string(kind) + R"(","items":[{"metadata":{"namespace":"n","name":"p"}}]})");
    EXPECT_TRUE(page.is_ok()) << kind << ": " << page.status().to_string();
  }
  expect_failure(decode_pod_list(R"({"kind":"NodeList","items":[]})"), "kind \"NodeList\" is not a PodList");
  expect_failure(decode_pod_list(pod_list(R"({"kind":"Node","metadata":{"namespace":"n","name":"p"}})")),
                 "items[0]: kind \"Node\" is not a Pod");
}

TEST(K8sObjectsPodList, PodStatusIsNotRead) {
  // A Pod's status (phase, conditions, ...) is skipped whatever it holds; only a Node's is read.
  ClusterPod pod = only_pod(decode_pod_list(pod_list(
      R"({"metadata":{"namespace":"n","name":"p"},"status":{"addresses":7,"conditions":"x","daemonEndpoints":[]}})")));
  EXPECT_EQ(pod.name, "p");
}

TEST(K8sObjectsPodEvent, SimulatorMetadataWatchStream) {
  std::vector<std::string> lines = lines_of(fixture("watch-pods-metadata-fake-apiserver.jsonl"));
  ASSERT_EQ(lines.size(), 9u);
  std::vector<WatchEvent<ClusterPod>> events;
  for (const std::string& line : lines) {
    auto event = decode_pod_event(line);
    ASSERT_TRUE(event.is_ok()) << event.status().to_string();
    events.push_back(std::move(event).value());
  }
  EXPECT_EQ(events[0].type, WatchEventType::kAdded);
  EXPECT_EQ(events[0].object.namespace_name, "kube-system");
  EXPECT_EQ(events[0].object.name, "kube-proxy-dhqr5");
  EXPECT_EQ(events[0].resource_version, "10");
  EXPECT_EQ(events[6].type, WatchEventType::kBookmark);
  EXPECT_EQ(events[6].resource_version, "15");
  EXPECT_TRUE(events[6].initial_events_end);
  EXPECT_EQ(events[8].type, WatchEventType::kDeleted);
  EXPECT_EQ(events[8].object.namespace_name, "team-c");
  EXPECT_EQ(events[8].object.name, "recommender-blkd8gwqhd-c49p4");
  EXPECT_EQ(events[8].object.uid, "223dcfb4-e5eb-4ffc-93a4-e3aa5e73898c");
  EXPECT_EQ(events[8].resource_version, "19");
}

TEST(K8sObjectsPodEvent, FullPodObjectAndErrors) {
  auto event = decode_pod_event(R"({"type":"ADDED","object":)" + std::string(kSimPartialObjectMetadata) + "}");
  ASSERT_TRUE(event.is_ok()) << event.status().to_string();
  EXPECT_EQ(event->object.name, "kube-proxy-xr2k5");
  EXPECT_EQ(event->resource_version, "12");
  std::string full_pod(kSimPod);
  full_pod.insert(1, R"("kind":"Pod","apiVersion":"v1",)");
  auto modified = decode_pod_event(R"({"object":)" + full_pod + R"(,"type":"MODIFIED"})");
  ASSERT_TRUE(modified.is_ok()) << modified.status().to_string();
  EXPECT_EQ(modified->object.uid, "c07bfab8-3e7c-4add-8ce6-3213995d469f");
  auto error = decode_pod_event(kExpiredEvent);
  ASSERT_TRUE(error.is_ok()) << error.status().to_string();
  EXPECT_EQ(error->status.code, 410);
  expect_failure(decode_pod_event(R"({"type":"ADDED","object":{"metadata":{"name":"p"}}})"),
                 "pod watch event: byte 51: object: a Pod without metadata.namespace");
}

// --- Status ----------------------------------------------------------------------------------------

TEST(K8sObjectsStatus, ErrorBodies) {
  auto not_found = decode_status(
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"nodes"},"code":404})");
  ASSERT_TRUE(not_found.is_ok()) << not_found.status().to_string();
  EXPECT_EQ(*not_found, (ApiStatus{404, "NotFound", "nodes \"nope\" not found"}));
  auto forbidden = decode_status(
      R"({"code":403,"message":"nodes is forbidden: User \"system:serviceaccount:kube-system:mpf\" cannot list resource \"nodes\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"nodes"},"status":"Failure","metadata":{},"apiVersion":"v1","kind":"Status"})");
  ASSERT_TRUE(forbidden.is_ok()) << forbidden.status().to_string();
  EXPECT_EQ(forbidden->code, 403);
  EXPECT_EQ(forbidden->reason, "Forbidden");
  // Unauthorized bodies carry no reason.
  auto unauthorized = decode_status(
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","code":401})");
  ASSERT_TRUE(unauthorized.is_ok());
  EXPECT_EQ(*unauthorized, (ApiStatus{401, "", "Unauthorized"}));
}

TEST(K8sObjectsStatus, NotAStatus) {
  expect_failure(decode_status("<html><body>502 Bad Gateway</body></html>"), "Status body: byte 0: Invalid value.");
  expect_failure(decode_status(""), "The document is empty.");
  expect_failure(decode_status(R"({"code":500,"message":"x"})"), "not a Status: no \"kind\"");
  expect_failure(decode_status(std::string(kSimNode)), "not a Status: kind \"Node\"");
  expect_failure(decode_status(R"([{"kind":"Status"}])"), "the body is not a JSON object");
  expect_failure(decode_status(R"({"kind":"Status","code":"404"})"), "code must be an integer or null");
  expect_failure(decode_status(R"({"kind":"Status","code":404.5})"), "code must be an integer or null");
  expect_failure(decode_status(R"({"kind":"Status","message":{}})"), "message must be a string or null");
}

// --- Hostile input ---------------------------------------------------------------------------------

TEST(K8sObjectsHostile, SyntaxErrorsNameOffsetAndReason) {
  expect_failure(decode_node_list(R"({"items":[{"metadata":{"name":"a"} "spec":{}}]})"),
                 "node list: byte 35: Missing a comma or '}' after an object member.");
  expect_failure(decode_node_list(R"({"items":[]} {})"), "The document root must not be followed by other values.");
  expect_failure(decode_node_list(R"({"items":[],"x":NaN})"), "Invalid value.");
  expect_failure(decode_node_list(R"({"items":[],"x":Infinity})"), "Invalid value.");
  expect_failure(decode_node_list(R"({"items":[],"x":-Infinity})"), "Invalid value.");
  expect_failure(decode_node_list(R"({"items":[],"x":'s'})"), "Invalid value.");
  expect_failure(decode_node_list(R"({"items":[],})"), "Missing a name for object member.");
  expect_failure(decode_node_list(R"({"items":[],"x":"\ud800"})"), "The surrogate pair in string is invalid.");
  expect_failure(decode_node_list(R"({"items":[],"x":"\q"})"), "Invalid escape character in string.");
}

TEST(K8sObjectsHostile, HugeNumbers) {
  // Skipped numbers are only scanned; RapidJSON still rejects what no double holds.
  EXPECT_TRUE(decode_node_list(R"({"items":[],"x":1e300,"y":-123456789012345678901234567890})").is_ok());
  expect_failure(decode_node_list(R"({"items":[],"x":1e400})"), "Number too big to be stored in double.");
  expect_failure(decode_node_list(R"({"items":[],"x":)" + std::string(400, '9') + "}"), "Number too big");
}

TEST(K8sObjectsHostile, NestingLimit) {
  auto nested = [](int levels) {  // the root object plus `levels` arrays under an unknown key
    return R"({"items":[],"x":)" + std::string(static_cast<std::size_t>(levels), '[') +
           std::string(static_cast<std::size_t>(levels), ']') + "}";
  };
  EXPECT_TRUE(decode_node_list(nested(kMaxJsonDepth - 1)).is_ok());
  expect_failure(decode_node_list(nested(kMaxJsonDepth)), "JSON nested deeper than 64 levels");
  // Far deeper than any stack would take if the reader recursed unchecked.
  expect_failure(decode_node_list(nested(1'000'000)), "JSON nested deeper than 64 levels");
  std::string deep_objects = R"({"type":"ADDED","object":)";
  for (int i = 0; i < 100'000; ++i) deep_objects += R"({"a":)";
  expect_failure(decode_node_event(deep_objects), "JSON nested deeper than 64 levels");
  // Deep interpreted structure: the limit counts every level.
  std::string deep_status = node_with_status(R"({"conditions":[{"type":"Ready","x":)" +
                                             std::string(70, '[') + std::string(70, ']') + "}]}");
  expect_failure(decode_node_list(node_list(deep_status)), "JSON nested deeper than 64 levels");
}

TEST(K8sObjectsHostile, NulBytes) {
  std::string body = node_list(R"({"metadata":{"name":"n"}})");
  expect_failure(decode_node_list(body + std::string(1, '\0') + "garbage"), "NUL byte in the body");
  expect_failure(decode_node_list(body + std::string(1, '\0')), "NUL byte in the body");
  std::string in_string = R"({"items":[],"x":"a)" + std::string(1, '\0') + R"(b"})";
  expect_failure(decode_node_list(in_string), "Missing a closing quotation mark in string.");
  // An escaped NUL is a character like any other.
  EXPECT_EQ(only_node(decode_node_list(node_list(R"({"metadata":{"name":"a\u0000b"}})"))).name, std::string("a\0b", 3));
}

TEST(K8sObjectsHostile, InvalidUtf8InKeptStrings) {
  expect_failure(decode_node_list(node_list("{\"metadata\":{\"name\":\"a\xFF\"}}")),
                 "items[0].metadata.name is not valid UTF-8");
  expect_failure(decode_node_list(node_list("{\"metadata\":{\"name\":\"n\",\"labels\":{\"k\xC0\xAF\":\"v\"}}}")),
                 "a metadata.labels key is not valid UTF-8");
  expect_failure(decode_node_list(node_list(R"({"metadata":{"name":"n","labels":{"k":"\udc00"}}})")),
                 "a metadata.labels value is not valid UTF-8");
  // Invalid bytes in skipped values do not matter.
  EXPECT_TRUE(decode_node_list(node_list("{\"metadata\":{\"name\":\"n\",\"generateName\":\"\xFF\"}}")).is_ok());
}

TEST(K8sObjectsHostile, EveryTruncationFailsCleanly) {
  const std::string bodies[] = {fixture("nodelist-page-kubeadm-v1.30-handwritten.json"),
                                fixture("podmeta-list-page-fake-apiserver.json")};
  for (const std::string& body : bodies) {
    const bool nodes = body.find("NodeList") != std::string::npos;
    // Every prefix up to the closing brace is incomplete JSON.
    const std::size_t end = body.rfind('}');
    for (std::size_t n = 0; n < end; n += (n < 2000 ? 1 : 7)) {
      const std::string_view prefix(body.data(), n);
      const Status status = nodes ? decode_node_list(prefix).status() : decode_pod_list(prefix).status();
      ASSERT_EQ(status.code(), StatusCode::kPermanent) << "prefix of " << n << " bytes";
    }
  }
  const std::string event(kExpiredEvent);
  for (std::size_t n = 0; n < event.size(); ++n) {
    EXPECT_FALSE(decode_node_event(std::string_view(event.data(), n)).is_ok()) << n;
    EXPECT_FALSE(decode_status(std::string_view(event.data(), n)).is_ok()) << n;
  }
}

TEST(K8sObjectsHostile, ManyLabelsAndItemsStayLinear) {
  // 100 000 labels in reverse order (the sort's worst case for an insertion-based approach) and
  // 20 000 pods: each would take minutes if anything were quadratic.
  std::string labels;
  for (int i = 100'000; i > 0; --i) {
    if (!labels.empty()) labels += ',';
    labels += "\"k" + std::to_string(i) + "\":\"v\"";
  }
  ClusterNode node = only_node(decode_node_list(node_list(R"({"metadata":{"name":"n","labels":{)" + labels + "}}}")));
  ASSERT_EQ(node.labels.size(), 100'000u);
  EXPECT_TRUE(labels_sorted_unique(node.labels));
  EXPECT_EQ(node.labels.front().first, "k1");

  std::string items;
  for (int i = 0; i < 20'000; ++i) {
    if (!items.empty()) items += ',';
    items += R"({"kind":"PartialObjectMetadata","metadata":{"namespace":"ns-)" + std::to_string(i % 50) +
             R"(","name":"pod-)" + std::to_string(i) +
             R"(","uid":"00000000-0000-4000-8000-000000000000","creationTimestamp":"2024-01-09T10:00:00Z","labels":{"app":"a","pod-template-hash":"h"}}})";
  }
  auto page = decode_pod_list(pod_list(items));
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  ASSERT_EQ(page->items.size(), 20'000u);
  EXPECT_EQ(page->items.back().name, "pod-19999");
  EXPECT_EQ(page->items.back().namespace_name, "ns-49");
}

}  // namespace
}  // namespace mpf::core
