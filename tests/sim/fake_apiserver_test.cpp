// fake-apiserver: in process (discovery, lists against the model, selectors, paging, watch, expiry,
// metadata-only form, a 150 000-pod list) and as a child process driven by real kubectl.
#include <utility>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "tests/sim/fake_apiserver.h"
#include "tests/sim/in_process_apiserver.h"
#include "tests/sim/kubeconfig_writer.h"
#include "tests/sim/watch_reader.h"
#include "tests/test_common/farm_process.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using test::read_text;
using test::TempDir;

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::string error;
};

struct Target {
  uint16_t port = 0;
  std::string ca_pem;  // Empty: plain HTTP.
  std::string token;
};

template <class Stream>
HttpResult exchange(Stream& stream, const std::string& method, const std::string& path, const std::string& accept,
                    const std::string& token) {
  HttpResult result;
  http::request<http::empty_body> request(method == "POST" ? http::verb::post : http::verb::get, path, 11);
  request.set(http::field::host, "127.0.0.1");
  if (!accept.empty()) request.set(http::field::accept, accept);
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  beast::error_code ec;
  http::write(stream, request, ec);
  if (ec) {
    result.error = "write: " + ec.message();
    return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  http::read(stream, buffer, parser, ec);
  if (ec) {
    result.error = "read: " + ec.message();
    return result;
  }
  result.status = parser.get().result_int();
  result.body = std::move(parser.get().body());
  return result;
}

HttpResult call(const Target& target, const std::string& path, const std::string& accept = "",
                const std::string& method = "GET") {
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), target.port), ec);
  if (ec) return HttpResult{0, "", "connect: " + ec.message()};
  if (target.ca_pem.empty()) return exchange(socket, method, path, accept, target.token);
  ssl::context ctx(ssl::context::tls_client);
  ctx.add_certificate_authority(asio::buffer(target.ca_pem), ec);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  beast::ssl_stream<tcp::socket&> stream(socket, ctx);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return HttpResult{0, "", "handshake: " + ec.message()};
  return exchange(stream, method, path, accept, target.token);
}

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body.substr(0, 300);
  return doc;
}

std::vector<std::string> item_names(const rapidjson::Document& doc) {
  std::vector<std::string> names;
  if (!doc.IsObject() || !doc.HasMember("items")) return names;
  for (const auto& item : doc["items"].GetArray()) names.emplace_back(item["metadata"]["name"].GetString());
  return names;
}


size_t count_containing(const std::vector<std::string>& lines, const std::string& needle) {
  size_t n = 0;
  for (const std::string& line : lines) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// A server in this process, serving on its own thread.
class InProcess : public InProcessApiServer {
 public:
  using InProcessApiServer::InProcessApiServer;
  Target target() const { return Target{server().port(), server().ca_certificate_pem(), ""}; }
};

ApiServerOptions small_cluster(bool plain_http = true) {
  ApiServerOptions o;
  o.model.nodes = 6;
  o.model.pods_per_node = 5;
  o.model.seed = 7;
  o.plain_http = plain_http;
  return o;
}

TEST(FakeApiServerTest, ServesDiscoveryDocuments) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const Target t = server.target();
  auto version = parse(call(t, "/version").body);
  EXPECT_STREQ(version["gitVersion"].GetString(), "v1.33.1");
  EXPECT_STREQ(version["minor"].GetString(), "33");
  auto api = parse(call(t, "/api").body);
  EXPECT_STREQ(api["kind"].GetString(), "APIVersions");
  EXPECT_STREQ(api["versions"][0].GetString(), "v1");
  auto v1 = parse(call(t, "/api/v1").body);
  EXPECT_STREQ(v1["kind"].GetString(), "APIResourceList");
  std::set<std::string> resources;
  for (const auto& r : v1["resources"].GetArray()) resources.insert(r["name"].GetString());
  EXPECT_TRUE(resources.count("nodes") && resources.count("pods") && resources.count("namespaces"));
  auto apis = parse(call(t, "/apis").body);
  EXPECT_STREQ(apis["kind"].GetString(), "APIGroupList");
  EXPECT_TRUE(apis["groups"].IsArray());
  const HttpResult missing = call(t, "/apis/metrics.k8s.io/v1beta1");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_STREQ(parse(missing.body)["kind"].GetString(), "Status");
  EXPECT_EQ(call(t, "/api/v1/nodes", "", "POST").status, 405u);
}

// --aggregate-metrics: /apis/metrics.k8s.io/... is proxied as is (status, body); an unreachable backend
// answers 503 as kube-apiserver's aggregator does, and /apis lists the group either way. (kubectl top
// through metrics-server: tests/integration/kubectl_top_test.sh.)
TEST(FakeApiServerTest, AggregatesMetricsApiBackend) {
  InProcess backend(small_cluster());
  ASSERT_TRUE(backend);
  ApiServerOptions options = small_cluster();
  options.aggregate_metrics = "http://127.0.0.1:" + std::to_string(backend->port());
  InProcess server(options);
  ASSERT_TRUE(server);
  const std::string path = "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=a%3Db";
  const HttpResult direct = call(backend.target(), path);
  const HttpResult proxied = call(server.target(), path);
  EXPECT_EQ(proxied.status, direct.status);
  EXPECT_EQ(proxied.body, direct.body);
  EXPECT_EQ(call(server.target(), "/apis/metrics.k8s.io").status, 404u);  // This backend serves no group.
  auto apis = parse(call(server.target(), "/apis").body);
  ASSERT_TRUE(apis["groups"].IsArray());
  ASSERT_EQ(apis["groups"].Size(), 1u);
  EXPECT_STREQ(apis["groups"][0]["name"].GetString(), "metrics.k8s.io");
  EXPECT_STREQ(apis["groups"][0]["preferredVersion"]["version"].GetString(), "v1beta1");
  EXPECT_EQ(call(server.target(), "/api/v1/nodes").status, 200u);  // Not proxied.

  ApiServerOptions gone = small_cluster();
  gone.aggregate_metrics = "https://127.0.0.1:1";
  InProcess unreachable(gone);
  ASSERT_TRUE(unreachable);
  const HttpResult failed = call(unreachable.target(), "/apis/metrics.k8s.io/v1beta1/pods");
  EXPECT_EQ(failed.status, 503u);
  auto status = parse(failed.body);
  EXPECT_STREQ(status["kind"].GetString(), "Status");
  EXPECT_STREQ(status["reason"].GetString(), "ServiceUnavailable");
  EXPECT_STREQ(status["message"].GetString(), "the server is currently unable to handle the request");
  EXPECT_EQ(parse(call(unreachable.target(), "/apis").body)["groups"].Size(), 1u);
}

TEST(FakeApiServerTest, ListsMatchTheModel) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const Target t = server.target();
  const auto model = server->model();
  auto nodes = parse(call(t, "/api/v1/nodes").body);
  EXPECT_STREQ(nodes["kind"].GetString(), "NodeList");
  ASSERT_EQ(nodes["items"].Size(), model->nodes().size());
  for (size_t i = 0; i < model->nodes().size(); ++i) {
    const auto& item = nodes["items"][static_cast<rapidjson::SizeType>(i)];
    const NodeSpec& spec = model->node(i);
    EXPECT_EQ(item["metadata"]["name"].GetString(), spec.name);
    EXPECT_EQ(item["status"]["addresses"][0]["address"].GetString(), spec.address);
    EXPECT_EQ(item["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"].GetInt(), 10250);
    EXPECT_STREQ(item["status"]["conditions"][3]["type"].GetString(), "Ready");
    EXPECT_EQ(item["metadata"]["labels"]["sim.mpf.io/pool"].GetString(), std::string(i % 4 == 3 ? "batch" : "general"));
  }
  std::set<std::string> expected;
  for (const NodeSpec& node : model->nodes()) {
    for (const PodSpec& pod : node.pods) expected.insert(pod.namespace_name + "/" + pod.name + "@" + node.name + "#" + pod.uid);
  }
  auto pods = parse(call(t, "/api/v1/pods").body);
  std::set<std::string> served;
  for (const auto& item : pods["items"].GetArray()) {
    served.insert(std::string(item["metadata"]["namespace"].GetString()) + "/" + item["metadata"]["name"].GetString() +
                  "@" + item["spec"]["nodeName"].GetString() + "#" + item["metadata"]["uid"].GetString());
    EXPECT_STREQ(item["status"]["phase"].GetString(), "Running");
  }
  EXPECT_EQ(served, expected);
  EXPECT_EQ(std::stoull(pods["metadata"]["resourceVersion"].GetString()), server->resource_version());

  const PodSpec& pod = model->node(2).pods[1];
  auto one = parse(call(t, "/api/v1/namespaces/" + pod.namespace_name + "/pods/" + pod.name).body);
  EXPECT_STREQ(one["kind"].GetString(), "Pod");
  EXPECT_EQ(one["metadata"]["uid"].GetString(), pod.uid);
  EXPECT_EQ(one["spec"]["containers"].Size(), pod.containers.size());
  const HttpResult missing = call(t, "/api/v1/nodes/node-09999");
  EXPECT_EQ(missing.status, 404u);
  auto status = parse(missing.body);
  EXPECT_STREQ(status["message"].GetString(), "nodes \"node-09999\" not found");
  EXPECT_STREQ(status["details"]["kind"].GetString(), "nodes");
  EXPECT_EQ(call(t, "/api/v1/namespaces/no-such-ns/pods/" + pod.name).status, 404u);
  auto namespaces = item_names(parse(call(t, "/api/v1/namespaces").body));
  EXPECT_NE(std::find(namespaces.begin(), namespaces.end(), pod.namespace_name), namespaces.end());
}

TEST(FakeApiServerTest, LabelAndFieldSelectors) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const Target t = server.target();
  const auto model = server->model();
  auto count = [&](const std::string& query) { return item_names(parse(call(t, "/api/v1/pods?" + query).body)).size(); };
  EXPECT_EQ(count("labelSelector=app%3Dkube-proxy"), model->nodes().size());
  EXPECT_EQ(count("labelSelector=app+in+%28kube-proxy%29"), model->nodes().size());
  EXPECT_EQ(count("labelSelector=app+notin+%28kube-proxy%29"), model->nodes().size() * 4);
  EXPECT_EQ(count("labelSelector=pod-template-hash"), model->nodes().size() * 4);
  EXPECT_EQ(count("fieldSelector=spec.nodeName%3Dnode-00002"), 5u);
  EXPECT_EQ(count("fieldSelector=spec.nodeName!%3Dnode-00002"), 25u);
  EXPECT_EQ(count("fieldSelector=status.phase%3D%3DRunning"), 30u);
  EXPECT_EQ(count("fieldSelector=status.phase!%3DRunning"), 0u);
  EXPECT_EQ(count("fieldSelector=metadata.namespace%3Dkube-system,spec.nodeName%3Dnode-00001&labelSelector=app%3Dkube-proxy"), 1u);
  const PodSpec& pod = model->node(3).pods[2];
  EXPECT_EQ(item_names(parse(call(t, "/api/v1/namespaces/" + pod.namespace_name + "/pods?fieldSelector=metadata.name%3D" + pod.name).body)),
            std::vector<std::string>{pod.name});
  auto batch = item_names(parse(call(t, "/api/v1/nodes?labelSelector=sim.mpf.io%2Fpool%3Dbatch").body));
  EXPECT_EQ(batch, std::vector<std::string>{"node-00004"});

  const HttpResult bad_label = call(t, "/api/v1/pods?labelSelector=a+b");
  EXPECT_EQ(bad_label.status, 400u);
  EXPECT_NE(bad_label.body.find("unable to parse requirement"), std::string::npos) << bad_label.body;
  const HttpResult bad_field = call(t, "/api/v1/nodes?fieldSelector=spec.nodeName%3Dx");
  EXPECT_EQ(bad_field.status, 400u);
  EXPECT_NE(bad_field.body.find("field label not supported: spec.nodeName"), std::string::npos);
  EXPECT_EQ(call(t, "/api/v1/pods?fieldSelector=nonsense").status, 400u);
}

TEST(FakeApiServerTest, PagesWithLimitAndContinue) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const Target t = server.target();
  const auto all = item_names(parse(call(t, "/api/v1/pods").body));
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    auto page = parse(call(t, "/api/v1/pods?limit=7" + (token.empty() ? "" : "&continue=" + token)).body);
    auto names = item_names(page);
    EXPECT_LE(names.size(), 7u);
    paged.insert(paged.end(), names.begin(), names.end());
    token = page["metadata"].HasMember("continue") ? page["metadata"]["continue"].GetString() : "";
    if (pages == 0) {
      EXPECT_EQ(page["metadata"]["remainingItemCount"].GetInt(), 23);
    }
    ++pages;
  } while (!token.empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(paged, all);
  // Paging with a selector: only matching items, still in order.
  auto first = parse(call(t, "/api/v1/pods?limit=4&labelSelector=app%3Dkube-proxy").body);
  EXPECT_EQ(item_names(first).size(), 4u);
  auto rest = parse(call(t, std::string("/api/v1/pods?limit=4&labelSelector=app%3Dkube-proxy&continue=") +
                                first["metadata"]["continue"].GetString()).body);
  EXPECT_EQ(item_names(rest).size(), 2u);
  EXPECT_FALSE(rest["metadata"].HasMember("continue"));
  EXPECT_EQ(call(t, "/api/v1/pods?limit=4&continue=%21%21").status, 400u);
}

TEST(FakeApiServerTest, MetadataOnlyForm) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const Target t = server.target();
  const std::string accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
  auto list = parse(call(t, "/api/v1/pods?fieldSelector=status.phase%3DRunning", accept).body);
  EXPECT_STREQ(list["kind"].GetString(), "PartialObjectMetadataList");
  EXPECT_STREQ(list["apiVersion"].GetString(), "meta.k8s.io/v1");
  ASSERT_EQ(list["items"].Size(), 30u);
  const auto& item = list["items"][0];
  EXPECT_STREQ(item["kind"].GetString(), "PartialObjectMetadata");
  EXPECT_STREQ(item["apiVersion"].GetString(), "meta.k8s.io/v1");
  EXPECT_TRUE(item["metadata"].HasMember("uid"));
  EXPECT_TRUE(item["metadata"].HasMember("labels"));
  EXPECT_FALSE(item.HasMember("spec"));
  const PodSpec& pod = server->model()->node(0).pods[0];
  auto one = parse(call(t, "/api/v1/namespaces/" + pod.namespace_name + "/pods/" + pod.name,
                        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1").body);
  EXPECT_STREQ(one["kind"].GetString(), "PartialObjectMetadata");
  EXPECT_FALSE(one.HasMember("status"));
}

TEST(FakeApiServerTest, WatchSendsInitialStateThenChanges) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const uint64_t start = server->resource_version();
  // From "0": the current state as ADDED events, then changes.
  WatchReader nodes(server->port(), "/api/v1/nodes?watch=true&resourceVersion=0&timeoutSeconds=30");
  EXPECT_TRUE(nodes.wait_for([](const auto& l) { return l.size() >= 6; }));
  EXPECT_EQ(count_containing(nodes.lines(), "\"type\":\"ADDED\""), 6u);
  // From the list's resourceVersion: only what happens afterwards, metadata only.
  WatchReader pods(server->port(), "/api/v1/pods?watch=1&resourceVersion=" + std::to_string(start) + "&timeoutSeconds=30",
                   "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
  WatchReader kube_system(server->port(), "/api/v1/namespaces/kube-system/pods?watch=true&resourceVersion=" +
                                              std::to_string(start) + "&labelSelector=app%3Dkube-proxy&timeoutSeconds=30");
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(pods.lines().empty());

  const auto before = server->model();
  const uint64_t after_rename = server->rename_pods();
  EXPECT_GT(after_rename, start);
  const auto renamed = server->model();
  size_t changed = 0, changed_proxies = 0;
  for (size_t n = 0; n < before->nodes().size(); ++n) {
    for (size_t p = 0; p < before->node(n).pods.size(); ++p) {
      if (before->node(n).pods[p].uid != renamed->node(n).pods[p].uid) {
        ++changed;
        changed_proxies += before->node(n).pods[p].app == "kube-proxy" ? 1 : 0;
      }
    }
  }
  ASSERT_GT(changed, 0u);
  EXPECT_TRUE(pods.wait_for([&](const auto& l) { return l.size() >= 2 * changed; }));
  EXPECT_EQ(count_containing(pods.lines(), "\"type\":\"DELETED\""), changed);
  EXPECT_EQ(count_containing(pods.lines(), "\"type\":\"ADDED\""), changed);
  EXPECT_EQ(count_containing(pods.lines(), "\"kind\":\"PartialObjectMetadata\""), 2 * changed);
  // The list now shows the renamed pods.
  auto list = item_names(parse(call(server.target(), "/api/v1/pods").body));
  for (const NodeSpec& node : renamed->nodes()) {
    for (const PodSpec& pod : node.pods) EXPECT_NE(std::find(list.begin(), list.end(), pod.name), list.end()) << pod.name;
  }

  EXPECT_GT(server->delete_node("node-00003"), after_rename);
  EXPECT_EQ(call(server.target(), "/fake/touch-node?name=node-00001", "", "POST").status, 200u);
  EXPECT_EQ(call(server.target(), "/fake/touch-node?name=node-00003", "", "POST").status, 404u);
  EXPECT_TRUE(nodes.wait_for([](const auto& l) { return l.size() >= 8; }));
  const auto node_lines = nodes.lines();
  EXPECT_NE(node_lines[6].find("\"type\":\"DELETED\""), std::string::npos);
  EXPECT_NE(node_lines[6].find("node-00003"), std::string::npos);
  EXPECT_NE(node_lines[7].find("\"type\":\"MODIFIED\""), std::string::npos);
  EXPECT_NE(node_lines[7].find("node-00001"), std::string::npos);
  EXPECT_EQ(item_names(parse(call(server.target(), "/api/v1/nodes").body)).size(), 5u);
  EXPECT_EQ(item_names(parse(call(server.target(), "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-00003").body)).size(), 0u);
  // Pods on the deleted node went with it (5 more DELETED events).
  EXPECT_TRUE(pods.wait_for([&](const auto& l) { return l.size() >= 2 * changed + 5; }));
  // The namespaced, label-selected watch saw only kube-proxy pods.
  EXPECT_TRUE(kube_system.wait_for([&](const auto& l) { return l.size() >= 2 * changed_proxies + 1; }));
  for (const std::string& line : kube_system.lines()) EXPECT_NE(line.find("kube-proxy-"), std::string::npos) << line;
}

TEST(FakeApiServerTest, BookmarksAndTimeout) {
  ApiServerOptions options = small_cluster();
  options.bookmark_interval = 100ms;
  InProcess server(options);
  ASSERT_TRUE(server);
  WatchReader watch(server->port(), "/api/v1/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&timeoutSeconds=1");
  EXPECT_TRUE(watch.wait_done(5s));
  const auto lines = watch.lines();
  ASSERT_GT(lines.size(), 31u);
  EXPECT_EQ(count_containing(lines, "\"type\":\"ADDED\""), 30u);
  EXPECT_NE(lines[30].find("k8s.io/initial-events-end"), std::string::npos) << lines[30];
  EXPECT_GE(count_containing(lines, "\"type\":\"BOOKMARK\""), 3u);
}

TEST(FakeApiServerTest, ExpiredWatchesAndResourceVersionsGet410) {
  InProcess server(small_cluster());
  ASSERT_TRUE(server);
  const Target t = server.target();
  const uint64_t start = server->resource_version();
  auto page = parse(call(t, "/api/v1/pods?limit=5").body);
  const std::string token = page["metadata"]["continue"].GetString();
  WatchReader open(server->port(), "/api/v1/pods?watch=true&resourceVersion=" + std::to_string(start));
  std::this_thread::sleep_for(100ms);
  server->rename_pods();
  EXPECT_EQ(call(t, "/fake/expire-watches", "", "POST").status, 200u);
  EXPECT_TRUE(open.wait_done(5s));
  const auto lines = open.lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("\"type\":\"ERROR\""), std::string::npos);
  EXPECT_NE(lines.back().find("\"code\":410"), std::string::npos) << lines.back();
  EXPECT_NE(lines.back().find("\"reason\":\"Expired\""), std::string::npos);

  WatchReader old(server->port(), "/api/v1/pods?watch=true&resourceVersion=" + std::to_string(start));
  EXPECT_TRUE(old.wait_done(5s));
  ASSERT_EQ(old.lines().size(), 1u);
  EXPECT_NE(old.lines()[0].find("too old resource version: " + std::to_string(start)), std::string::npos);
  const HttpResult expired = call(t, "/api/v1/pods?limit=5&continue=" + token);
  EXPECT_EQ(expired.status, 410u);
  EXPECT_STREQ(parse(expired.body)["reason"].GetString(), "Expired");
  EXPECT_EQ(call(t, "/api/v1/pods?resourceVersion=" + std::to_string(start) + "&resourceVersionMatch=Exact").status, 410u);
  EXPECT_EQ(call(t, "/api/v1/pods?resourceVersion=99999999").status, 504u);
  // Resuming from the current resourceVersion still works.
  WatchReader fresh(server->port(), "/api/v1/nodes?watch=true&timeoutSeconds=1&resourceVersion=" +
                                        std::to_string(server->resource_version()));
  EXPECT_TRUE(fresh.wait_done(5s));
  EXPECT_TRUE(fresh.lines().empty());
  EXPECT_EQ(fresh.status(), 200u);
}

TEST(FakeApiServerTest, WatchWindowExpiresOldResourceVersions) {
  ApiServerOptions options = small_cluster();
  options.watch_window = 1;
  InProcess server(options);
  ASSERT_TRUE(server);
  const uint64_t start = server->resource_version();
  server->rename_pods();  // At least one DELETED + ADDED pair: more events than the window keeps.
  ASSERT_GE(server->resource_version(), start + 2);
  WatchReader old(server->port(), "/api/v1/pods?watch=true&resourceVersion=" + std::to_string(start));
  EXPECT_TRUE(old.wait_done(5s));
  ASSERT_EQ(old.lines().size(), 1u);
  EXPECT_NE(old.lines()[0].find("\"code\":410"), std::string::npos);
  WatchReader recent(server->port(), "/api/v1/pods?watch=true&timeoutSeconds=1&resourceVersion=" +
                                         std::to_string(server->resource_version() - 1));
  EXPECT_TRUE(recent.wait_done(5s));
  EXPECT_EQ(recent.lines().size(), 1u);
}

TEST(FakeApiServerTest, TlsAndTokenAndKubeconfig) {
  TempDir dir;
  ApiServerOptions options = small_cluster(false);
  options.token = "t0ken";
  options.kubeconfig_out = dir.file("kubeconfig");
  InProcess server(options);
  ASSERT_TRUE(server);
  Target t = server.target();
  EXPECT_EQ(call(t, "/api/v1/nodes").status, 401u);
  t.token = "t0ken";
  EXPECT_EQ(call(t, "/api/v1/nodes").status, 200u);
  const std::string kubeconfig = read_text(dir.file("kubeconfig"));
  EXPECT_NE(kubeconfig.find("server: \"" + server->url() + "\""), std::string::npos) << kubeconfig;
  EXPECT_NE(kubeconfig.find("certificate-authority-data: " + base64_encode(server->ca_certificate_pem())), std::string::npos);
  EXPECT_NE(kubeconfig.find("token: \"t0ken\""), std::string::npos);
  EXPECT_NE(kubeconfig.find("current-context: \"sim\""), std::string::npos);
  // Without --token the kubeconfig still carries one (kubectl prompts for a user name otherwise).
  ApiServerOptions open_options = small_cluster(false);
  open_options.kubeconfig_out = dir.file("open-kubeconfig");
  InProcess open_server(open_options);
  ASSERT_TRUE(open_server);
  EXPECT_NE(read_text(dir.file("open-kubeconfig")).find("token: \"fake-apiserver\""), std::string::npos);
  EXPECT_EQ(call(open_server.target(), "/api/v1/nodes").status, 200u);
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_encode("abc"), "YWJj");
  EXPECT_EQ(base64_encode("a"), "YQ==");
}

// The Metrics pipeline's scale target: 5000 nodes x 30 pods, listed in full over TLS.
TEST(FakeApiServerTest, Lists150000PodsQuickly) {
  ApiServerOptions options;
  options.model.nodes = 5000;
  options.model.pods_per_node = 30;
  const auto build_start = std::chrono::steady_clock::now();
  InProcess server(options);
  ASSERT_TRUE(server);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  for (const bool metadata : {false, true}) {
    const auto start = std::chrono::steady_clock::now();
    const HttpResult list = call(server.target(), "/api/v1/pods",
                                 metadata ? "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" : "");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(list.status, 200u) << list.error;
    size_t items = 0;
    for (size_t at = 0; (at = list.body.find("\"generateName\":", at)) != std::string::npos; ++at) ++items;
    EXPECT_EQ(items, 150000u);
    std::printf("[ perf     ] %s list of 150000 pods over TLS: %.3f s, %.1f MB (server built in %.2f s)\n",
                metadata ? "PartialObjectMetadataList" : "PodList", seconds, static_cast<double>(list.body.size()) / 1e6,
                build_s);
    EXPECT_LT(seconds, 10.0);
  }
}

// ----- the binary, driven by real kubectl

struct KubectlResult {
  int status = -1;
  std::string output;
};

KubectlResult run(const std::string& command) {
  KubectlResult result;
  if (FILE* pipe = ::popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return result;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

struct StartedServer {
  std::unique_ptr<test::ChildProcess> process;
  std::string log;
};

StartedServer start_binary(const TempDir& dir, std::vector<std::string> args) {
  StartedServer started;
  started.log = dir.file("apiserver.log");
  std::vector<std::string> argv{MPF_FAKE_APISERVER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--ready-file", dir.file("ready")});
  auto process = std::make_unique<test::ChildProcess>(argv, started.log);
  if (test::wait_for_file(dir.file("ready"), *process, 60s)) started.process = std::move(process);
  return started;
}

TEST(FakeApiServerProcessTest, HelpAndBadFlags) {
  const KubectlResult help = run(std::string(MPF_FAKE_APISERVER_BINARY) + " --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("--kubeconfig-out"), std::string::npos);
  EXPECT_EQ(run(std::string(MPF_FAKE_APISERVER_BINARY) + " --bogus").status, 2);
  EXPECT_NE(help.output.find("--aggregate-metrics"), std::string::npos);
  EXPECT_NE(run(std::string(MPF_FAKE_APISERVER_BINARY) + " --aggregate-metrics 127.0.0.1:443").status, 0);
  EXPECT_NE(run(std::string(MPF_FAKE_APISERVER_BINARY) + " --aggregate-ca ca.pem").status, 0);
}

TEST(FakeApiServerProcessTest, RealKubectlReadsTheModel) {
  TempDir dir;
  const std::string kubeconfig = dir.file("kubeconfig");
  StartedServer server = start_binary(dir, {"--nodes", "4", "--pods-per-node", "6", "--seed", "11", "--token", "k-token",
                                            "--kubeconfig-out", kubeconfig});
  ASSERT_TRUE(server.process) << read_text(server.log);
  ModelConfig config;
  config.nodes = 4;
  config.pods_per_node = 6;
  config.seed = 11;
  const ClusterModel model(config);
  // Isolate kubectl from any user configuration and cache.
  const std::string kubectl = "HOME='" + dir.path() + "' KUBECONFIG= kubectl --kubeconfig '" + kubeconfig +
                              "' --cache-dir '" + dir.file("cache") + "' --request-timeout 20s";

  KubectlResult nodes = run(kubectl + " get nodes -o name");
  ASSERT_EQ(nodes.status, 0) << nodes.output;
  std::vector<std::string> expected_nodes;
  for (const NodeSpec& node : model.nodes()) expected_nodes.push_back("node/" + node.name);
  EXPECT_EQ(split_lines(nodes.output), expected_nodes);
  KubectlResult table = run(kubectl + " get nodes");
  EXPECT_EQ(table.status, 0) << table.output;
  EXPECT_NE(table.output.find("node-00004"), std::string::npos);

  KubectlResult pods = run(kubectl + " get pods -A --no-headers -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,NODE:.spec.nodeName");
  ASSERT_EQ(pods.status, 0) << pods.output;
  std::set<std::string> expected_pods, served_pods;
  for (const NodeSpec& node : model.nodes()) {
    for (const PodSpec& pod : node.pods) expected_pods.insert(pod.namespace_name + " " + pod.name + " " + node.name);
  }
  for (const std::string& line : split_lines(pods.output)) {
    char ns[128], name[128], node[128];
    if (std::sscanf(line.c_str(), "%127s %127s %127s", ns, name, node) == 3) served_pods.insert(std::string(ns) + " " + name + " " + node);
  }
  EXPECT_EQ(served_pods, expected_pods) << pods.output;

  const PodSpec& pod = model.node(1).pods[2];
  KubectlResult selected = run(kubectl + " get pods -n " + pod.namespace_name + " -l app=" + pod.app + " -o name");
  ASSERT_EQ(selected.status, 0) << selected.output;
  std::vector<std::string> expected_selected;
  for (const NodeSpec& node : model.nodes()) {
    for (const PodSpec& p : node.pods) {
      if (p.namespace_name == pod.namespace_name && p.app == pod.app) expected_selected.push_back("pod/" + p.name);
    }
  }
  std::sort(expected_selected.begin(), expected_selected.end());
  EXPECT_EQ(split_lines(selected.output), expected_selected);

  KubectlResult node_json = run(kubectl + " get node node-00002 -o json");
  ASSERT_EQ(node_json.status, 0) << node_json.output;
  auto doc = parse(node_json.output);
  EXPECT_STREQ(doc["kind"].GetString(), "Node");
  EXPECT_EQ(doc["metadata"]["name"].GetString(), model.node(1).name);
  EXPECT_EQ(doc["status"]["addresses"][0]["address"].GetString(), model.node(1).address);

  KubectlResult missing = run(kubectl + " get node node-00099");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("nodes \"node-00099\" not found"), std::string::npos) << missing.output;

  // With a wrong token: 401, which kubectl reports as a request for credentials.
  const std::string no_token = dir.file("no-token");
  KubeconfigSpec spec;
  spec.server = split_lines(read_text(dir.file("ready")))[2].substr(4);
  spec.insecure_skip_tls_verify = true;
  spec.token = "wrong-token";  // With no credentials at all kubectl would prompt for a user name.
  ASSERT_TRUE(write_kubeconfig(spec, no_token).is_ok());
  KubectlResult denied = run("HOME='" + dir.path() + "' kubectl --kubeconfig '" + no_token + "' --cache-dir '" +
                             dir.file("cache2") + "' get nodes");
  EXPECT_NE(denied.status, 0);
  EXPECT_NE(denied.output.find("provide credentials"), std::string::npos) << denied.output;

  // Older kubectl releases beside the real binary, when present.
  const KubectlResult real_path = run("readlink -f \"$(command -v kubectl)\"");
  const std::string bin_dir = real_path.output.substr(0, real_path.output.rfind('/'));
  for (const char* version : {"1.27", "1.30", "1.33"}) {
    const std::string binary = bin_dir + "/kubectl." + version;
    if (!std::filesystem::exists(binary)) continue;
    KubectlResult old = run("HOME='" + dir.path() + "' '" + binary + "' --kubeconfig '" + kubeconfig + "' --cache-dir '" +
                            dir.file(std::string("cache-") + version) + "' get pods -A -o name");
    EXPECT_EQ(old.status, 0) << version << ": " << old.output;
    EXPECT_EQ(split_lines(old.output).size(), expected_pods.size()) << version;
  }

  ASSERT_EQ(::kill(server.process->pid(), SIGTERM), 0);
  EXPECT_EQ(server.process->wait_exit(20s), 0);
  EXPECT_NE(read_text(server.log).find("stopped at resourceVersion"), std::string::npos);
}

}  // namespace
}  // namespace mpf::sim
