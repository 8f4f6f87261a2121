// fake-apiserver as kube-apiserver for an aggregated API server: authentication (tokens, client
// certificates, anonymous), RBAC authorization with kube-apiserver's 401/403 bodies, TokenReview and
// SubjectAccessReview over HTTPS, the extension-apiserver-authentication ConfigMap (list, watch,
// rotation), and the front proxy towards --aggregate-metrics as a recording backend sees it.
#include <utility>

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/net/cert_generator.h"
#include "tests/sim/fake_apiserver.h"
#include "tests/sim/fake_apiserver_auth.h"
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

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Call {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::string token;
  Headers headers;
  core::PemPair client_cert;  // Presented when set.
};

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::string error;
};

template <class Stream>
HttpResult exchange(Stream& stream, const Call& call) {
  HttpResult result;
  http::request<http::string_body> request(call.method == "POST" ? http::verb::post : http::verb::get, call.path, 11);
  request.set(http::field::host, "127.0.0.1");
  if (!call.token.empty()) request.set(http::field::authorization, "Bearer " + call.token);
  for (const auto& [name, value] : call.headers) request.insert(name, value);
  if (!call.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = call.body;
  }
  request.prepare_payload();
  beast::error_code ec;
  http::write(stream, request, ec);
  if (ec) return HttpResult{0, "", "write: " + ec.message()};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(stream, buffer, parser, ec);
  if (ec) return HttpResult{0, "", "read: " + ec.message()};
  result.status = parser.get().result_int();
  result.body = std::move(parser.get().body());
  return result;
}

// One request on a new connection; HTTPS when ca_pem is set (verified, host 127.0.0.1).
HttpResult request(uint16_t port, const std::string& ca_pem, const Call& call) {
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return HttpResult{0, "", "connect: " + ec.message()};
  if (ca_pem.empty()) return exchange(socket, call);
  ssl::context ctx(ssl::context::tls_client);
  ctx.add_certificate_authority(asio::buffer(ca_pem), ec);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  if (!call.client_cert.certificate_pem.empty()) {
    ctx.use_certificate_chain(asio::buffer(call.client_cert.certificate_pem));
    ctx.use_private_key(asio::buffer(call.client_cert.private_key_pem), ssl::context::pem);
  }
  beast::ssl_stream<tcp::socket&> stream(socket, ctx);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return HttpResult{0, "", "handshake: " + ec.message()};
  return exchange(stream, call);
}

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body.substr(0, 300);
  return doc;
}

class InProcess : public InProcessApiServer {
 public:
  using InProcessApiServer::InProcessApiServer;
  HttpResult call(Call c) { return request(server().port(), server().ca_certificate_pem(), c); }
  HttpResult get(const std::string& path, const std::string& token = "") {
    Call c;
    c.path = path;
    c.token = token;
    return call(c);
  }
};

constexpr const char* kUsers = R"(users:
- token: alice-token
  username: alice
  uid: "1001"
  groups: [metrics-readers]
  extra:
    scopes.example.com/Team Name: [blue, green]
- token: bob-token
  username: bob
- token: sa-token
  username: system:serviceaccount:kube-system:metrics-server
  uid: 6a1f1f0c-0000-4000-8000-000000000001
)";

// The delegating server's RBAC (metrics-server's deploy/ manifests) plus readers of the Metrics API.
constexpr const char* kRbac = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:metrics-server
rules:
- apiGroups: [""]
  resources: ["nodes", "pods"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:metrics-server
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:metrics-server}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics-server:system:auth-delegator
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:auth-delegator
rules:
- apiGroups: ["authentication.k8s.io"]
  resources: ["tokenreviews"]
  verbs: ["create"]
- apiGroups: ["authorization.k8s.io"]
  resources: ["subjectaccessreviews"]
  verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: metrics-server-auth-reader
  namespace: kube-system
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: extension-apiserver-authentication-reader
  namespace: kube-system
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["extension-apiserver-authentication"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- apiGroups: ["metrics.k8s.io"]
  resources: ["pods", "nodes"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: metrics-readers-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, name: metrics-readers}
- {kind: User, name: erin}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: discovery}
rules:
- nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/version"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: discovery}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: discovery}
subjects:
- {kind: Group, name: "system:authenticated"}
)";

struct AuthFiles {
  TempDir dir;
  std::string users = dir.file("users.yaml");
  std::string rbac = dir.file("rbac.yaml");
  AuthFiles() {
    EXPECT_TRUE(write_file_atomically(users, kUsers).is_ok());
    EXPECT_TRUE(write_file_atomically(rbac, kRbac).is_ok());
  }
};

ApiServerOptions small_cluster(bool plain_http) {
  ApiServerOptions o;
  o.model.nodes = 3;
  o.model.pods_per_node = 3;
  o.model.seed = 5;
  o.plain_http = plain_http;
  return o;
}

ApiServerOptions secured(const AuthFiles& files, bool plain_http = false) {
  ApiServerOptions o = small_cluster(plain_http);
  o.token = "admin-token";
  o.users_file = files.users;
  o.rbac_files = {files.rbac};
  return o;
}

// ----- pure pieces

TEST(FakeApiServerAuthUnitTest, RequestInfoAsKubeApiserver) {
  auto ra = [](std::string method, std::string path, std::map<std::string, std::string> q = {}) {
    return request_attributes(method, path, q);
  };
  AccessAttributes a = ra("GET", "/api/v1/nodes");
  EXPECT_TRUE(a.resource_request);
  EXPECT_EQ(a.verb, "list");
  EXPECT_EQ(a.resource, "nodes");
  EXPECT_EQ(a.api_group, "");
  a = ra("GET", "/api/v1/pods", {{"watch", "true"}});
  EXPECT_EQ(a.verb, "watch");
  a = ra("GET", "/api/v1/namespaces/kube-system/configmaps",
         {{"fieldSelector", "metadata.name=extension-apiserver-authentication"}, {"watch", "1"}});
  EXPECT_EQ(a.verb, "watch");
  EXPECT_EQ(a.namespace_name, "kube-system");
  EXPECT_EQ(a.name, "extension-apiserver-authentication");
  a = ra("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/p1");
  EXPECT_EQ(a.verb, "get");
  EXPECT_EQ(a.api_group, "metrics.k8s.io");
  EXPECT_EQ(a.api_version, "v1beta1");
  EXPECT_EQ(a.resource, "pods");
  EXPECT_EQ(a.name, "p1");
  a = ra("GET", "/api/v1/nodes/n1/proxy/metrics");
  EXPECT_EQ(a.subresource, "proxy");
  a = ra("GET", "/api/v1/namespaces/ns");
  EXPECT_EQ(a.resource, "namespaces");
  EXPECT_EQ(a.name, "ns");
  EXPECT_EQ(a.namespace_name, "ns");
  a = ra("GET", "/api/v1/namespaces/ns/status");
  EXPECT_EQ(a.subresource, "status");
  a = ra("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews");
  EXPECT_EQ(a.verb, "create");
  EXPECT_EQ(a.resource, "subjectaccessreviews");
  a = ra("DELETE", "/api/v1/namespaces/ns/pods");
  EXPECT_EQ(a.verb, "deletecollection");
  for (const char* p : {"/apis", "/apis/metrics.k8s.io", "/version", "/api", "/healthz"}) {
    a = ra("GET", p);
    EXPECT_FALSE(a.resource_request) << p;
    EXPECT_EQ(a.verb, "get");
    EXPECT_EQ(a.path, p);
  }
  EXPECT_FALSE(ra("GET", "/apis/metrics.k8s.io/v1beta1").resource_request);  // Group and version only: a path, as RequestInfo.
}

TEST(FakeApiServerAuthUnitTest, ForbiddenMessagesAndHeaders) {
  AccessAttributes a;
  a.verb = "list";
  a.resource = "pods";
  EXPECT_EQ(forbidden_message("x", a),
            "pods is forbidden: User \"x\" cannot list resource \"pods\" in API group \"\" at the cluster scope");
  a.verb = "get";
  a.api_group = "metrics.k8s.io";
  a.resource = "pods";
  a.namespace_name = "ns";
  a.name = "p";
  EXPECT_EQ(forbidden_message("x", a),
            "pods.metrics.k8s.io \"p\" is forbidden: User \"x\" cannot get resource \"pods\" in API group "
            "\"metrics.k8s.io\" in the namespace \"ns\"");
  a.subresource = "log";
  EXPECT_NE(forbidden_message("x", a).find("cannot get resource \"pods/log\""), std::string::npos);
  AccessAttributes p;
  p.resource_request = false;
  p.verb = "get";
  p.path = "/metrics";
  EXPECT_EQ(forbidden_message("system:anonymous", p), "forbidden: User \"system:anonymous\" cannot get path \"/metrics\"");

  EXPECT_EQ(header_key_escape("scopes.example.com/Team Name"), "scopes.example.com%2FTeam%20Name");
  EXPECT_EQ(header_key_escape("a-b_c.d~e"), "a-b_c.d~e");
  UserInfo u{"alice", "1001", {"g1", "system:authenticated"}, {{"k/x", {"v1", "v2"}}}};
  const Headers expected{{"X-Remote-User", "alice"}, {"X-Remote-Uid", "1001"}, {"X-Remote-Group", "g1"},
                         {"X-Remote-Group", "system:authenticated"}, {"X-Remote-Extra-k%2Fx", "v1"},
                         {"X-Remote-Extra-k%2Fx", "v2"}};
  EXPECT_EQ(front_proxy_headers(u), expected);
  EXPECT_TRUE(dropped_by_front_proxy("authorization"));
  EXPECT_TRUE(dropped_by_front_proxy("X-REMOTE-user"));
  EXPECT_TRUE(dropped_by_front_proxy("x-remote-extra-foo"));
  EXPECT_FALSE(dropped_by_front_proxy("Accept"));
  EXPECT_FALSE(dropped_by_front_proxy("User-Agent"));
}

TEST(FakeApiServerAuthUnitTest, AuthenticationConfigMapDataAndFrontProxyIdentity) {
  auto identity = make_front_proxy_identity("front-proxy-client");
  ASSERT_TRUE(identity.is_ok()) << identity.status().message();
  const auto data = authentication_configmap_data("CLIENT-CA", identity->ca.certificate_pem, "front-proxy-client");
  const std::map<std::string, std::string> expected{
      {"client-ca-file", "CLIENT-CA"},
      {"requestheader-allowed-names", "[\"front-proxy-client\"]"},
      {"requestheader-client-ca-file", identity->ca.certificate_pem},
      {"requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]"},
      {"requestheader-group-headers", "[\"X-Remote-Group\"]"},
      {"requestheader-uid-headers", "[\"X-Remote-Uid\"]"},
      {"requestheader-username-headers", "[\"X-Remote-User\"]"}};
  EXPECT_EQ(data, expected);
  EXPECT_EQ(authentication_configmap_data("CLIENT-CA", "", "x").size(), 1u);
  EXPECT_EQ(authentication_configmap_data("", "", "x").size(), 0u);
  EXPECT_EQ(authentication_configmap_data("", "CA", "a\"b").at("requestheader-allowed-names"), "[\"a\\\"b\"]");
}

TEST(FakeApiServerAuthUnitTest, UsersFileFormats) {
  auto yaml = UserTable::parse(kUsers);
  ASSERT_TRUE(yaml.is_ok()) << yaml.status().message();
  const UserInfo* alice = yaml->find("alice-token");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->uid, "1001");
  EXPECT_EQ(alice->groups, (std::vector<std::string>{"metrics-readers", "system:authenticated"}));
  EXPECT_EQ(alice->extra.at("scopes.example.com/Team Name"), (std::vector<std::string>{"blue", "green"}));
  const UserInfo* sa = yaml->find("sa-token");
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->groups, (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:kube-system",
                                                  "system:authenticated"}));
  EXPECT_EQ(yaml->find("nope"), nullptr);
  auto csv = UserTable::parse("# token file\nt1,carol,42,\"g1,g2\"\nt2,dan,\n");
  ASSERT_TRUE(csv.is_ok()) << csv.status().message();
  EXPECT_EQ(csv->find("t1")->groups, (std::vector<std::string>{"g1", "g2", "system:authenticated"}));
  EXPECT_EQ(csv->find("t2")->name, "dan");
  EXPECT_FALSE(UserTable::parse("users:\n- username: no-token\n").is_ok());
  EXPECT_FALSE(UserTable::parse("just-a-token\n").is_ok());
  EXPECT_EQ(anonymous_user().groups, std::vector<std::string>{"system:unauthenticated"});
}

// ----- over the wire

TEST(FakeApiServerAuthTest, UnauthorizedAndForbiddenBodies) {
  AuthFiles files;
  ApiServerOptions options = secured(files);
  options.rbac_usage_out = files.dir.file("usage.json");
  InProcess server(options);
  ASSERT_TRUE(server);
  const HttpResult bad = server.get("/api/v1/nodes", "wrong-token");
  EXPECT_EQ(bad.status, 401u);
  EXPECT_EQ(bad.body,
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Unauthorized\","
            "\"reason\":\"Unauthorized\",\"code\":401}");
  const HttpResult forbidden = server.get("/api/v1/pods", "bob-token");
  EXPECT_EQ(forbidden.status, 403u);
  auto status = parse(forbidden.body);
  EXPECT_STREQ(status["kind"].GetString(), "Status");
  EXPECT_STREQ(status["reason"].GetString(), "Forbidden");
  EXPECT_EQ(status["code"].GetInt(), 403);
  EXPECT_STREQ(status["message"].GetString(),
               "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" at the cluster scope");
  EXPECT_STREQ(status["details"]["kind"].GetString(), "pods");
  // Anonymous with --rbac: a user, and forbidden.
  const HttpResult anonymous = server.get("/api/v1/namespaces/team-a/pods/x");
  EXPECT_EQ(anonymous.status, 403u);
  EXPECT_STREQ(parse(anonymous.body)["message"].GetString(),
               "pods \"x\" is forbidden: User \"system:anonymous\" cannot get resource \"pods\" in API group \"\" in the "
               "namespace \"team-a\"");
  EXPECT_EQ(server.get("/version").status, 403u);  // Discovery is for system:authenticated here.
  EXPECT_EQ(server.get("/version", "bob-token").status, 200u);
  EXPECT_EQ(server.get("/api/v1/pods", "sa-token").status, 200u);
  EXPECT_EQ(server.get("/api/v1/pods", "admin-token").status, 200u);  // --token: system:masters.
  EXPECT_EQ(server.get("/api/v1/namespaces", "sa-token").status, 403u);
  const FakeApiServerStats stats = server->stats();
  EXPECT_EQ(stats.unauthorized, 1u);
  EXPECT_EQ(stats.forbidden, 4u);
  EXPECT_EQ(stats.authorization_decisions, 7u);

  // The usage file follows the decisions (written on the server's thread right after them).
  rapidjson::Document usage;
  for (int i = 0; i < 100; ++i) {
    usage.Parse(read_text(options.rbac_usage_out).c_str());
    if (!usage.HasParseError() && usage["decisionCount"].GetUint64() == 7u) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_FALSE(usage.HasParseError());
  ASSERT_EQ(usage["decisionCount"].GetUint64(), 7u);
  const auto& first = usage["decisions"][0];
  EXPECT_STREQ(first["user"].GetString(), "bob");
  EXPECT_STREQ(first["verb"].GetString(), "list");
  EXPECT_STREQ(first["resource"].GetString(), "pods");
  EXPECT_FALSE(first["allowed"].GetBool());
  EXPECT_STREQ(usage["decisions"][3]["rule"].GetString(), "ClusterRole/discovery#0");
  EXPECT_STREQ(usage["decisions"][4]["rule"].GetString(), "ClusterRole/system:metrics-server#0");
  EXPECT_STREQ(usage["decisions"][5]["reason"].GetString(), "system:masters");
  EXPECT_EQ(server->rbac_usage_json(), read_text(options.rbac_usage_out));
}

TEST(FakeApiServerAuthTest, RbacBootstrapAsEveryCluster) {
  AuthFiles files;
  ApiServerOptions options = secured(files);
  options.rbac_bootstrap = true;
  InProcess server(options);
  ASSERT_TRUE(server);
  EXPECT_EQ(server.get("/version").status, 200u);   // system:public-info-viewer: anonymous too.
  EXPECT_EQ(server.get("/healthz").status, 200u);
  EXPECT_EQ(server.get("/apis").status, 403u);      // system:discovery: authenticated only.
  EXPECT_EQ(server.get("/apis", "bob-token").status, 200u);
  EXPECT_EQ(server.get("/api/v1/nodes", "bob-token").status, 403u);
}

TEST(FakeApiServerAuthTest, TokenReviewRoundTrip) {
  AuthFiles files;
  InProcess server(secured(files));
  ASSERT_TRUE(server);
  Call review;
  review.method = "POST";
  review.path = "/apis/authentication.k8s.io/v1/tokenreviews";
  review.token = "sa-token";  // Allowed by system:auth-delegator.
  review.body =
      R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},)"
      R"("spec":{"token":"alice-token","audiences":["metrics"]},"status":{"user":{}}})";
  const HttpResult ok = server.call(review);
  ASSERT_EQ(ok.status, 201u) << ok.body;
  auto doc = parse(ok.body);
  EXPECT_STREQ(doc["kind"].GetString(), "TokenReview");
  EXPECT_STREQ(doc["spec"]["token"].GetString(), "alice-token");
  EXPECT_TRUE(doc["status"]["authenticated"].GetBool());
  const auto& user = doc["status"]["user"];
  EXPECT_STREQ(user["username"].GetString(), "alice");
  EXPECT_STREQ(user["uid"].GetString(), "1001");
  ASSERT_EQ(user["groups"].Size(), 2u);
  EXPECT_STREQ(user["groups"][1].GetString(), "system:authenticated");
  EXPECT_STREQ(user["extra"]["scopes.example.com/Team Name"][1].GetString(), "green");
  EXPECT_STREQ(doc["status"]["audiences"][0].GetString(), "metrics");

  review.body = R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"unknown"}})";
  const HttpResult unknown = server.call(review);
  ASSERT_EQ(unknown.status, 201u);
  auto denied = parse(unknown.body);
  EXPECT_FALSE(denied["status"].HasMember("authenticated"));
  EXPECT_TRUE(denied["status"]["user"].ObjectEmpty());

  review.body = "{not json";
  const HttpResult garbage = server.call(review);
  EXPECT_EQ(garbage.status, 400u);
  EXPECT_STREQ(parse(garbage.body)["reason"].GetString(), "BadRequest");
  review.body = R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{}})";
  EXPECT_EQ(server.call(review).status, 400u);
  // Creating reviews needs RBAC too.
  review.token = "bob-token";
  const HttpResult bob = server.call(review);
  EXPECT_EQ(bob.status, 403u);
  EXPECT_NE(bob.body.find("tokenreviews.authentication.k8s.io is forbidden: User \\\"bob\\\" cannot create resource "
                          "\\\"tokenreviews\\\" in API group \\\"authentication.k8s.io\\\" at the cluster scope"),
            std::string::npos)
      << bob.body;
  EXPECT_EQ(server->stats().token_reviews, 2u);  // Parsed reviews only.
  auto stats = parse(server.get("/fake/stats", "admin-token").body);
  EXPECT_EQ(stats["tokenReviews"].GetUint64(), 2u);
}

TEST(FakeApiServerAuthTest, SubjectAccessReviewRoundTrip) {
  AuthFiles files;
  InProcess server(secured(files));
  ASSERT_TRUE(server);
  Call sar;
  sar.method = "POST";
  sar.path = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  sar.token = "sa-token";
  sar.body = R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},)"
             R"("spec":{"resourceAttributes":{"verb":"list","group":"metrics.k8s.io","version":"v1beta1","resource":"pods"},)"
             R"("user":"alice","groups":["metrics-readers","system:authenticated"],"extra":{"k":["v"]},"uid":"1001"},)"
             R"("status":{"allowed":false}})";
  const HttpResult allowed = server.call(sar);
  ASSERT_EQ(allowed.status, 201u) << allowed.body;
  auto doc = parse(allowed.body);
  EXPECT_STREQ(doc["kind"].GetString(), "SubjectAccessReview");
  EXPECT_STREQ(doc["spec"]["user"].GetString(), "alice");
  EXPECT_STREQ(doc["spec"]["resourceAttributes"]["resource"].GetString(), "pods");
  EXPECT_TRUE(doc["status"]["allowed"].GetBool());
  EXPECT_STREQ(doc["status"]["reason"].GetString(),
               "RBAC: allowed by ClusterRoleBinding \"metrics-readers-view\" of ClusterRole \"view\" to Group \"metrics-readers\"");

  // The spec's groups are taken as given: without metrics-readers alice may not.
  sar.body = R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"resourceAttributes":)"
             R"({"verb":"get","group":"metrics.k8s.io","resource":"nodes","name":"n1"},"user":"alice"}})";
  auto no = parse(server.call(sar).body);
  EXPECT_FALSE(no["status"]["allowed"].GetBool());
  EXPECT_FALSE(no["status"].HasMember("reason"));

  sar.body = R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"nonResourceAttributes":)"
             R"({"path":"/apis/metrics.k8s.io/v1beta1","verb":"get"},"user":"x","groups":["system:authenticated"]}})";
  auto path = parse(server.call(sar).body);
  EXPECT_TRUE(path["status"]["allowed"].GetBool());
  EXPECT_STREQ(path["status"]["reason"].GetString(),
               "RBAC: allowed by ClusterRoleBinding \"discovery\" of ClusterRole \"discovery\" to Group \"system:authenticated\"");

  sar.body = R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"user":"x"}})";
  EXPECT_EQ(server.call(sar).status, 400u);  // Neither attributes.
  sar.body = "[]";
  EXPECT_EQ(server.call(sar).status, 400u);
  EXPECT_EQ(server->stats().subject_access_reviews, 3u);
  const std::string usage = server->rbac_usage_json();
  EXPECT_NE(usage.find("\"source\":\"subjectaccessreview\""), std::string::npos);
}

TEST(FakeApiServerAuthTest, ClientCertificates) {
  AuthFiles files;
  core::CertificateRequest ca_request;
  ca_request.common_name = "client-ca";
  ca_request.is_ca = true;
  auto client_ca = core::generate_self_signed(ca_request);
  auto other_ca = core::generate_self_signed(ca_request);
  ASSERT_TRUE(client_ca.is_ok() && other_ca.is_ok());
  core::CertificateRequest leaf;
  leaf.common_name = "erin";
  leaf.organizations = {"team-e"};
  leaf.server_auth = false;
  leaf.client_auth = true;
  auto erin = core::issue_certificate(leaf, *client_ca);
  auto stranger = core::issue_certificate(leaf, *other_ca);
  ASSERT_TRUE(erin.is_ok() && stranger.is_ok());
  ASSERT_TRUE(write_file_atomically(files.dir.file("client-ca.pem"), client_ca->certificate_pem).is_ok());
  ApiServerOptions options = secured(files);
  options.client_ca = files.dir.file("client-ca.pem");
  InProcess server(options);
  ASSERT_TRUE(server);
  Call c;
  c.path = "/apis/metrics.k8s.io/v1beta1/nodes";  // Not served (no backend), but authorized first.
  c.client_cert = *erin;
  EXPECT_EQ(server.call(c).status, 404u);  // erin may read metrics.k8s.io (view): authorized, then no route.
  c.path = "/api/v1/nodes";
  const HttpResult forbidden = server.call(c);
  EXPECT_EQ(forbidden.status, 403u);
  EXPECT_NE(forbidden.body.find("User \\\"erin\\\" cannot list resource \\\"nodes\\\""), std::string::npos);
  c.client_cert = *stranger;
  EXPECT_EQ(server.call(c).status, 401u);  // A certificate of another CA is not anonymous.
  c.token = "admin-token";
  EXPECT_EQ(server.call(c).status, 200u);  // ... but a valid token still counts.
  // The ConfigMap publishes the client CA.
  auto cm = parse(server.get("/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication", "admin-token").body);
  EXPECT_EQ(std::string(cm["data"]["client-ca-file"].GetString()), client_ca->certificate_pem);
  EXPECT_FALSE(cm["data"].HasMember("requestheader-client-ca-file"));  // No front proxy.
}


TEST(FakeApiServerAuthTest, AuthenticationConfigMapListWatchAndRotation) {
  TempDir dir;
  ApiServerOptions options = small_cluster(true);
  options.front_proxy_ca_out = dir.file("front-proxy-ca.pem");
  options.front_proxy_cert_out = dir.file("front-proxy.crt");
  options.front_proxy_key_out = dir.file("front-proxy.key");
  options.front_proxy_cn = "aggregator";
  InProcess server(options);
  ASSERT_TRUE(server);
  const std::string ca_before = read_text(options.front_proxy_ca_out);
  EXPECT_EQ(ca_before, server->front_proxy_ca().certificate_pem);
  EXPECT_EQ(read_text(options.front_proxy_cert_out), server->front_proxy_client().certificate_pem);
  EXPECT_EQ(std::filesystem::status(options.front_proxy_key_out).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);

  const std::string object_path = "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication";
  const HttpResult got = server.get(object_path);
  ASSERT_EQ(got.status, 200u);
  auto cm = parse(got.body);
  EXPECT_STREQ(cm["kind"].GetString(), "ConfigMap");
  EXPECT_STREQ(cm["metadata"]["namespace"].GetString(), "kube-system");
  const auto& data = cm["data"];
  EXPECT_EQ(std::string(data["requestheader-client-ca-file"].GetString()), ca_before);
  EXPECT_STREQ(data["requestheader-allowed-names"].GetString(), "[\"aggregator\"]");
  EXPECT_STREQ(data["requestheader-username-headers"].GetString(), "[\"X-Remote-User\"]");
  EXPECT_STREQ(data["requestheader-uid-headers"].GetString(), "[\"X-Remote-Uid\"]");
  EXPECT_STREQ(data["requestheader-group-headers"].GetString(), "[\"X-Remote-Group\"]");
  EXPECT_STREQ(data["requestheader-extra-headers-prefix"].GetString(), "[\"X-Remote-Extra-\"]");
  EXPECT_FALSE(data.HasMember("client-ca-file"));
  const std::string rv = cm["metadata"]["resourceVersion"].GetString();

  const std::string list_path =
      "/api/v1/namespaces/kube-system/configmaps?fieldSelector=metadata.name%3Dextension-apiserver-authentication";
  auto list = parse(server.get(list_path).body);
  EXPECT_STREQ(list["kind"].GetString(), "ConfigMapList");
  ASSERT_EQ(list["items"].Size(), 1u);
  EXPECT_STREQ(list["items"][0]["metadata"]["name"].GetString(), "extension-apiserver-authentication");
  EXPECT_EQ(parse(server.get("/api/v1/namespaces/default/configmaps").body)["items"].Size(), 0u);
  EXPECT_EQ(server.get("/api/v1/namespaces/kube-system/configmaps/other").status, 404u);

  WatchReader watch(server->port(), list_path + "&watch=true&resourceVersion=" + rv);
  WatchReader from_start(server->port(), list_path + "&watch=true");
  ASSERT_TRUE(from_start.wait_for([](const std::vector<std::string>& l) { return l.size() >= 1; }));
  EXPECT_NE(from_start.lines()[0].find("\"type\":\"ADDED\""), std::string::npos);
  std::this_thread::sleep_for(100ms);  // Both watches registered.
  const uint64_t rotated_at = server->rotate_front_proxy();
  ASSERT_GT(rotated_at, std::stoull(rv));
  ASSERT_TRUE(watch.wait_for([](const std::vector<std::string>& l) { return l.size() >= 1; }));
  ASSERT_TRUE(from_start.wait_for([](const std::vector<std::string>& l) { return l.size() >= 2; }));
  auto event = parse(watch.lines()[0]);
  EXPECT_STREQ(event["type"].GetString(), "MODIFIED");
  const std::string ca_after = read_text(options.front_proxy_ca_out);
  EXPECT_NE(ca_after, ca_before);
  EXPECT_EQ(std::string(event["object"]["data"]["requestheader-client-ca-file"].GetString()), ca_after);
  EXPECT_EQ(event["object"]["metadata"]["resourceVersion"].GetString(), std::to_string(rotated_at));
  EXPECT_EQ(read_text(options.front_proxy_cert_out), server->front_proxy_client().certificate_pem);
  // Over HTTP as the test harness does.
  Call rotate;
  rotate.method = "POST";
  rotate.path = "/fake/rotate-front-proxy";
  EXPECT_EQ(server.call(rotate).status, 200u);
  EXPECT_TRUE(watch.wait_for([](const std::vector<std::string>& l) { return l.size() >= 2; }));
  EXPECT_EQ(server->stats().front_proxy_rotations, 2u);

  // Without a front proxy or client CA there is no such ConfigMap.
  InProcess plain(small_cluster(true));
  EXPECT_EQ(plain.get(object_path).status, 404u);
  EXPECT_EQ(plain.call(rotate).status, 404u);
}

// An extension API server stand-in: HTTPS, asks for a client certificate (any), records each
// request's headers and the certificate, answers 200.
class RecordingBackend {
 public:
  struct Seen {
    Headers headers;
    std::string target;
    std::string client_cert_pem;
  };
  RecordingBackend() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), ctx_(ssl::context::tls_server) {
    core::CertificateRequest r;
    r.common_name = "backend";
    r.ip_addresses = {"127.0.0.1"};
    auto pair = core::generate_self_signed(r);
    ctx_.use_certificate_chain(asio::buffer(pair->certificate_pem));
    ctx_.use_private_key(asio::buffer(pair->private_key_pem), ssl::context::pem);
    ctx_.set_verify_mode(ssl::verify_peer);
    ctx_.set_verify_callback([](bool, ssl::verify_context&) { return true; });
    static const unsigned char kId[] = "backend";
    SSL_CTX_set_session_id_context(ctx_.native_handle(), kId, sizeof kId - 1);
    thread_ = std::thread([this] { serve(); });
  }
  ~RecordingBackend() {
    stopping_ = true;
    beast::error_code ec;
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

 private:
  void serve() {
    while (!stopping_) {
      beast::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      beast::ssl_stream<tcp::socket&> stream(socket, ctx_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(stream, buffer, req, ec);
      if (ec) continue;
      Seen s;
      s.target = std::string(req.target());
      for (const auto& f : req) s.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      if (X509* cert = SSL_get_peer_certificate(stream.native_handle())) {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(bio, cert);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        s.client_cert_pem.assign(data, static_cast<size_t>(n));
        BIO_free(bio);
        X509_free(cert);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        seen_.push_back(std::move(s));
      }
      http::response<http::string_body> res(http::status::ok, 11);
      res.set(http::field::content_type, "application/json");
      res.body() = "{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"items\":[]}";
      res.keep_alive(false);
      res.prepare_payload();
      http::write(stream, res, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  ssl::context ctx_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<Seen> seen_;
  std::thread thread_;
};

std::vector<std::string> header_values(const Headers& headers, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (strcasecmp(n.c_str(), name.c_str()) == 0) out.push_back(v);
  }
  return out;
}

// Whether `cert_pem` chains to `ca_pem` for client authentication, and its CN.
bool verifies_as_client(const std::string& cert_pem, const std::string& ca_pem, std::string& cn) {
  auto load = [](const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return x;
  };
  X509* cert = load(cert_pem);
  X509* ca = load(ca_pem);
  if (cert == nullptr || ca == nullptr) return false;
  char name[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  cn = name;
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
  const bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(cert);
  X509_free(ca);
  return ok;
}

TEST(FakeApiServerAuthTest, FrontProxyForwardsTheAuthenticatedUser) {
  AuthFiles files;
  RecordingBackend backend;
  ApiServerOptions options = secured(files);
  options.aggregate_metrics = "https://127.0.0.1:" + std::to_string(backend.port());
  InProcess server(options);
  ASSERT_TRUE(server);
  Call c;
  c.path = "/apis/metrics.k8s.io/v1beta1/nodes?limit=5";
  c.token = "alice-token";
  c.headers = {{"X-Remote-User", "root"},
               {"X-Remote-Group", "system:masters"},
               {"X-Remote-Extra-Scopes", "everything"},
               {"x-remote-uid", "0"},
               {"Accept", "application/json"},
               {"User-Agent", "kubectl/v1.33.1"},
               {"X-Custom", "kept"}};
  const HttpResult proxied = server.call(c);
  ASSERT_EQ(proxied.status, 200u) << proxied.body << proxied.error;
  EXPECT_NE(proxied.body.find("NodeMetricsList"), std::string::npos);
  auto seen = backend.seen();
  ASSERT_EQ(seen.size(), 1u);
  const Headers& h = seen[0].headers;
  EXPECT_EQ(seen[0].target, "/apis/metrics.k8s.io/v1beta1/nodes?limit=5");
  EXPECT_EQ(header_values(h, "X-Remote-User"), std::vector<std::string>{"alice"});
  EXPECT_EQ(header_values(h, "X-Remote-Uid"), std::vector<std::string>{"1001"});
  EXPECT_EQ(header_values(h, "X-Remote-Group"), (std::vector<std::string>{"metrics-readers", "system:authenticated"}));
  EXPECT_EQ(header_values(h, "X-Remote-Extra-scopes.example.com%2FTeam%20Name"), (std::vector<std::string>{"blue", "green"}));
  EXPECT_TRUE(header_values(h, "X-Remote-Extra-Scopes").empty());
  EXPECT_TRUE(header_values(h, "Authorization").empty());
  EXPECT_EQ(header_values(h, "Accept"), std::vector<std::string>{"application/json"});
  EXPECT_EQ(header_values(h, "User-Agent"), std::vector<std::string>{"kubectl/v1.33.1"});
  EXPECT_EQ(header_values(h, "X-Custom"), std::vector<std::string>{"kept"});
  std::string cn;
  EXPECT_TRUE(verifies_as_client(seen[0].client_cert_pem, server->front_proxy_ca().certificate_pem, cn));
  EXPECT_EQ(cn, "front-proxy-client");

  // Not allowed to read metrics: 403 from the aggregator, the backend never sees it.
  c.token = "bob-token";
  const HttpResult bob = server.call(c);
  EXPECT_EQ(bob.status, 403u);
  EXPECT_NE(bob.body.find("nodes.metrics.k8s.io is forbidden: User \\\"bob\\\" cannot list resource \\\"nodes\\\" in API "
                          "group \\\"metrics.k8s.io\\\" at the cluster scope"),
            std::string::npos)
      << bob.body;
  c.token = "";
  EXPECT_EQ(server.call(c).status, 403u);  // system:anonymous.
  EXPECT_EQ(backend.seen().size(), 1u);

  // The --token user is system:masters; after a rotation the new certificate is presented.
  const std::string old_ca = server->front_proxy_ca().certificate_pem;
  server->rotate_front_proxy();
  c.token = "admin-token";
  ASSERT_EQ(server.call(c).status, 200u);
  seen = backend.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(header_values(seen[1].headers, "X-Remote-User"), std::vector<std::string>{"sim-admin"});
  EXPECT_EQ(header_values(seen[1].headers, "X-Remote-Group"), (std::vector<std::string>{"system:masters", "system:authenticated"}));
  EXPECT_TRUE(header_values(seen[1].headers, "X-Remote-Uid").empty());
  EXPECT_TRUE(verifies_as_client(seen[1].client_cert_pem, server->front_proxy_ca().certificate_pem, cn));
  EXPECT_FALSE(verifies_as_client(seen[1].client_cert_pem, old_ca, cn));
  EXPECT_EQ(server->stats().proxied, 2u);
}

// ----- the binary, with real kubectl as different users

std::string run(const std::string& command, int& status) {
  std::string output;
  if (FILE* pipe = ::popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    const int rc = ::pclose(pipe);
    status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  return output;
}

TEST(FakeApiServerAuthProcessTest, HelpNamesTheNewFlags) {
  int status = -1;
  const std::string help = run(std::string(MPF_FAKE_APISERVER_BINARY) + " --help", status);
  EXPECT_EQ(status, 0);
  for (const char* flag : {"--users", "--client-ca", "--rbac", "--rbac-usage-out", "--front-proxy-cn", "--front-proxy-ca-out",
                           "--front-proxy-cert-out", "--front-proxy-key-out", "--kubeconfig-dir"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  run(std::string(MPF_FAKE_APISERVER_BINARY) + " --rbac-usage-out x.json", status);
  EXPECT_EQ(status, 2);
  run(std::string(MPF_FAKE_APISERVER_BINARY) + " --rbac /nonexistent/rbac.yaml", status);
  EXPECT_EQ(status, 1);
}

TEST(FakeApiServerAuthProcessTest, KubectlAsDifferentUsers) {
  AuthFiles files;
  const TempDir& dir = files.dir;
  const std::string usage = dir.file("usage.json");
  std::vector<std::string> argv{MPF_FAKE_APISERVER_BINARY, "--nodes", "2", "--pods-per-node", "2", "--token", "admin-token",
                                "--users", files.users, "--rbac", files.rbac, "--rbac-usage-out", usage,
                                "--kubeconfig-dir", dir.file("kubeconfigs"), "--ready-file", dir.file("ready")};
  test::ChildProcess process(argv, dir.file("apiserver.log"));
  ASSERT_TRUE(test::wait_for_file(dir.file("ready"), process, 60s)) << read_text(dir.file("apiserver.log"));
  for (const char* name : {"alice", "bob", "sim-admin", "system_serviceaccount_kube-system_metrics-server"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.file("kubeconfigs/") + name + ".kubeconfig")) << name;
  }
  EXPECT_EQ(kubeconfig_file_name("system:serviceaccount:kube-system:metrics-server"),
            "system_serviceaccount_kube-system_metrics-server.kubeconfig");
  int status = -1;
  run("command -v kubectl", status);
  const bool have_kubectl = status == 0;
  if (have_kubectl) {
    auto kubectl = [&](const std::string& user, const std::string& args) {
      return "HOME='" + dir.path() + "' KUBECONFIG= kubectl --kubeconfig '" + dir.file("kubeconfigs/" + user + ".kubeconfig") +
             "' --cache-dir '" + dir.file("cache-" + user) + "' --request-timeout 20s " + args;
    };
    const std::string sa = run(kubectl("system_serviceaccount_kube-system_metrics-server", "get nodes -o name"), status);
    EXPECT_EQ(status, 0) << sa;
    EXPECT_NE(sa.find("node/node-00001"), std::string::npos) << sa;
    const std::string bob = run(kubectl("bob", "get pods -A"), status);
    EXPECT_NE(status, 0);
    EXPECT_NE(bob.find("User \"bob\" cannot list resource \"pods\" in API group \"\" at the cluster scope"), std::string::npos)
        << bob;
    const std::string admin = run(kubectl("sim-admin", "get pods -A -o name"), status);
    EXPECT_EQ(status, 0) << admin;
  } else {
    std::printf("[ skipped  ] kubectl not found: kubeconfigs checked, kubectl not run\n");
  }
  ASSERT_EQ(::kill(process.pid(), SIGTERM), 0);
  EXPECT_EQ(process.wait_exit(20s), 0);
  rapidjson::Document doc;
  doc.Parse(read_text(usage).c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_GT(doc["decisionCount"].GetUint64(), 0u);
  bool saw_bob_denied = false;
  for (const auto& e : doc["decisions"].GetArray()) {
    saw_bob_denied |= std::string(e["user"].GetString()) == "bob" && !e["allowed"].GetBool();
  }
  EXPECT_EQ(saw_bob_denied, have_kubectl);
}

}  // namespace
}  // namespace mpf::sim
