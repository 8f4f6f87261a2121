// The metrics_api sink in standalone mode, made by the plugin's factory and served over real HTTPS:
// clients trust it and authenticate only through the kubeconfig it writes (curl, and the real kubectl
// when one is on PATH).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "metrics_api/metrics_api_sink.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_metrics_api();

namespace mpf::api::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kT = 1633253824000000000;  // 2021-10-03T09:37:04Z
constexpr const char* kNode = "standalone-node";

Usage usage(std::uint64_t cpu, std::uint64_t memory) {
  Usage u;
  u.timestamp_ns = kT;
  u.window_ns = 15000000000;
  u.cpu_nanocores = cpu;
  u.memory_working_set_bytes = memory;
  u.present = kHasCpu | kHasMemory;
  return u;
}

// One node that answered, with one pod of two containers, and rates for both.
SnapshotPtr snapshot() {
  auto s = std::make_shared<Snapshot>();
  s->cycle = 3;
  s->started_at = std::chrono::system_clock::now();
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = kNode;
  Sample sample;
  sample.timestamp_ns = kT;
  sample.start_time_ns = kT - 60'000'000'000;
  sample.present = kHasCpu | kHasStartTime;
  batch->add_container("default", "web", "app", sample);
  batch->add_container("default", "web", "sidecar", sample);
  ScrapeResult scrape;
  scrape.source = "host";
  scrape.target = kNode;
  scrape.batch = batch;
  s->scrapes.push_back(scrape);
  s->nodes.push_back({s->names.intern(kNode), usage(250000000, 2147483648), {}, 0});
  PodMetrics pod;
  pod.namespace_name = s->names.intern("default");
  pod.name = s->names.intern("web");
  pod.node = s->names.intern(kNode);
  pod.usage = usage(3000000, 10485760);
  pod.first_container = 0;
  pod.container_count = 2;
  s->containers.push_back({s->names.intern("app"), usage(2000000, 8388608)});
  s->containers.push_back({s->names.intern("sidecar"), usage(1000000, 2097152)});
  s->pods.push_back(pod);
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string base64_decode(std::string_view text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const std::size_t value = kAlphabet.find(c);
    if (value == std::string::npos) continue;  // padding
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

// Runs a shell command; its stdout and exit code.
struct Ran {
  int code = -1;
  std::string out;
};
Ran run(const std::string& command) {
  Ran ran;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return ran;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) ran.out.append(buffer, n);
  const int status = pclose(pipe);
  ran.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ran;
}

struct Reply {
  int code = 0;
  std::string body;
  rapidjson::Document json;
};

class StandaloneSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { start(ctx_, sink_); }

  // Makes a standalone sink on `ctx` through the plugin's factory, starts it, feeds it the snapshot,
  // and reads what its kubeconfig says.
  void start(test::TestContext& ctx, SinkPtr& sink) {
    ConfigValue options = ConfigValue::map();
    options.set("standalone", ConfigValue::scalar("true"));
    options.set("state_dir", ConfigValue::scalar(state_));
    options.set("bind_address", ConfigValue::scalar("127.0.0.1"));
    options.set("secure_port", ConfigValue::scalar("0"));
    // No cluster view is set: standalone mode must not ask the host for one.
    auto made = mpf_builtin_plugin_metrics_api().create_sink(options, "sinks[0].options", ctx);
    ASSERT_TRUE(made.is_ok()) << made.status().to_string();
    sink = std::move(made).value();
    const Status started = sink->start();
    ASSERT_TRUE(started.is_ok()) << started.to_string();
    ASSERT_TRUE(sink->consume(snapshot(), std::chrono::steady_clock::now()).is_ok());
    port_ = static_cast<MetricsApiSink&>(*sink).port();
    ASSERT_NE(port_, 0);

    kubeconfig_path_ = static_cast<MetricsApiSink&>(*sink).kubeconfig_path();
    ASSERT_EQ(kubeconfig_path_, state_ + "/kubeconfig");
    YAML::Node kubeconfig = YAML::LoadFile(kubeconfig_path_);
    const std::string context = kubeconfig["current-context"].as<std::string>();
    for (const auto& c : kubeconfig["clusters"]) {
      if (c["name"].as<std::string>() != context) continue;
      server_ = c["cluster"]["server"].as<std::string>();
      ca_ = base64_decode(c["cluster"]["certificate-authority-data"].as<std::string>());
    }
    token_.clear();
    for (const auto& u : kubeconfig["users"]) token_ = u["user"]["token"].as<std::string>();
    ASSERT_FALSE(ca_.empty());
    ASSERT_FALSE(token_.empty());
    ASSERT_TRUE(test::write_text(dir_.file("ca.crt"), ca_));
  }
  // The handlers use the sink: stop serving before it goes.
  void TearDown() override { ctx_.serving().stop(); }

  // One curl request to `target`, trusting only the kubeconfig's CA; `args` adds headers.
  Reply get(const std::string& target, const std::string& args) {
    const std::string body = dir_.file("body");
    std::filesystem::remove(body);
    const Ran ran = run("curl -sS --max-time 20 --cacert '" + dir_.file("ca.crt") + "' -o '" + body +
                        "' -w '%{http_code}' -A test " + args + " '" + server_ + target + "'");
    Reply reply;
    reply.code = std::atoi(ran.out.c_str());
    reply.body = read_file(body);
    reply.json.Parse(reply.body.c_str());
    return reply;
  }
  Reply get_with_token(const std::string& target) { return get(target, "-H 'Authorization: Bearer " + token_ + "'"); }

  test::TempDir dir_;
  std::string state_ = dir_.file("state");
  test::TestContext ctx_;
  SinkPtr sink_;
  std::uint16_t port_ = 0;
  std::string kubeconfig_path_, server_, ca_, token_;
};

TEST_F(StandaloneSinkTest, WritesAPrivateKubeconfigWithTheRealPort) {
  EXPECT_FALSE(ctx_.asked_view().has_value());  // no cluster view was asked for
  EXPECT_EQ(server_, "https://127.0.0.1:" + std::to_string(port_));
  struct stat st {};
  ASSERT_EQ(::stat(kubeconfig_path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(state_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // The token kept in the state directory, and the generated serving certificate, are the kubeconfig's.
  EXPECT_EQ(read_file(state_ + "/token"), token_ + "\n");
  EXPECT_THAT(read_file(state_ + "/certificates/apiserver.crt"), HasSubstr(ca_));
  EXPECT_EQ(ctx_.test_logger().count("Standalone mode: this machine is served as a one-node cluster"), 1u);
}

TEST_F(StandaloneSinkTest, CoreApiListsTheNode) {
  Reply nodes = get_with_token("/api/v1/nodes");
  ASSERT_EQ(nodes.code, 200) << nodes.body;
  ASSERT_TRUE(nodes.json.IsObject()) << nodes.body;
  EXPECT_STREQ(nodes.json["kind"].GetString(), "NodeList");
  ASSERT_EQ(nodes.json["items"].Size(), 1u);
  const rapidjson::Value& node = nodes.json["items"][0];
  EXPECT_STREQ(node["metadata"]["name"].GetString(), kNode);
  EXPECT_TRUE(node["status"]["allocatable"]["cpu"].IsString());
  EXPECT_STREQ(node["status"]["allocatable"]["memory"].GetString(),
               node["status"]["capacity"]["memory"].GetString());

  Reply pods = get_with_token("/api/v1/namespaces/default/pods");
  ASSERT_EQ(pods.code, 200) << pods.body;
  ASSERT_EQ(pods.json["items"].Size(), 1u);
  EXPECT_STREQ(pods.json["items"][0]["metadata"]["name"].GetString(), "web");
  EXPECT_STREQ(pods.json["items"][0]["spec"]["nodeName"].GetString(), kNode);

  Reply api = get_with_token("/api");
  ASSERT_EQ(api.code, 200) << api.body;
  EXPECT_STREQ(api.json["kind"].GetString(), "APIVersions");
  EXPECT_EQ(get_with_token("/api/v1/services").code, 404);
}

TEST_F(StandaloneSinkTest, MetricsApiServesTheNodeAndItsPods) {
  Reply nodes = get_with_token("/apis/metrics.k8s.io/v1beta1/nodes");
  ASSERT_EQ(nodes.code, 200) << nodes.body;
  EXPECT_STREQ(nodes.json["kind"].GetString(), "NodeMetricsList");
  ASSERT_EQ(nodes.json["items"].Size(), 1u);
  EXPECT_STREQ(nodes.json["items"][0]["metadata"]["name"].GetString(), kNode);
  EXPECT_STREQ(nodes.json["items"][0]["metadata"]["labels"]["kubernetes.io/hostname"].GetString(), kNode);
  EXPECT_STREQ(nodes.json["items"][0]["usage"]["cpu"].GetString(), "250m");
  EXPECT_STREQ(nodes.json["items"][0]["usage"]["memory"].GetString(), "2Gi");

  Reply pods = get_with_token("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods");
  ASSERT_EQ(pods.code, 200) << pods.body;
  ASSERT_EQ(pods.json["items"].Size(), 1u);
  EXPECT_STREQ(pods.json["items"][0]["metadata"]["name"].GetString(), "web");
  EXPECT_EQ(pods.json["items"][0]["containers"].Size(), 2u);

  Reply discovery = get_with_token("/apis");
  ASSERT_EQ(discovery.code, 200) << discovery.body;
  EXPECT_STREQ(discovery.json["kind"].GetString(), "APIGroupList");
}

TEST_F(StandaloneSinkTest, EveryApiPathWantsTheToken) {
  for (const char* target : {"/api/v1/nodes", "/api", "/apis", "/apis/metrics.k8s.io/v1beta1/nodes", "/openapi/v2"}) {
    SCOPED_TRACE(target);
    for (const std::string& auth : {std::string(), std::string("-H 'Authorization: Bearer wrong'"),
                                    std::string("-H 'Authorization: Bearer ") + token_.substr(0, 10) + "'",
                                    std::string("-H 'Authorization: Basic ") + token_ + "'"}) {
      SCOPED_TRACE(auth);
      Reply r = get(target, auth);
      EXPECT_EQ(r.code, 401);
      ASSERT_TRUE(r.json.IsObject()) << r.body;
      EXPECT_STREQ(r.json["kind"].GetString(), "Status");
      EXPECT_STREQ(r.json["reason"].GetString(), "Unauthorized");
      EXPECT_STREQ(r.json["message"].GetString(), "Unauthorized");
      EXPECT_EQ(r.json["code"].GetInt(), 401);
      EXPECT_THAT(r.body, Not(HasSubstr(kNode)));
    }
  }
  EXPECT_EQ(get("/openapi/v2", "-H 'Authorization: bearer " + token_ + "'").code, 200);
}

// A restart reads the token back from the state directory: the old kubeconfig keeps working.
TEST_F(StandaloneSinkTest, RestartKeepsTheToken) {
  const std::string first_token = token_;
  ASSERT_TRUE(std::regex_match(first_token, std::regex("[0-9a-f]{64}"))) << first_token;
  ctx_.serving().stop();
  test::TestContext ctx;
  SinkPtr sink;
  start(ctx, sink);
  EXPECT_EQ(token_, first_token);
  EXPECT_EQ(get("/api/v1/nodes", "-H 'Authorization: Bearer " + first_token + "'").code, 200);
  ctx.serving().stop();  // before the sink its handlers use goes
}

TEST_F(StandaloneSinkTest, HealthChecksNeedNoToken) {
  Reply healthz = get("/healthz", "");
  EXPECT_EQ(healthz.code, 200);
  EXPECT_EQ(healthz.body, "ok");
  EXPECT_EQ(get("/livez", "").code, 200);
  EXPECT_EQ(get("/readyz", "").code, 200);  // a node and a pod with metrics
}

// The real client, when there is one: it must trust the server, authenticate, and find the node in
// both the core API and the Metrics API.
TEST_F(StandaloneSinkTest, KubectlReadsItThroughTheKubeconfig) {
  if (run("command -v kubectl >/dev/null 2>&1").code != 0) GTEST_SKIP() << "no kubectl on PATH";
  const std::string kubectl = "kubectl --kubeconfig '" + kubeconfig_path_ + "' --cache-dir '" + dir_.file("cache") +
                              "' --request-timeout 20s ";
  const Ran raw = run(kubectl + "get --raw /api/v1/nodes 2>&1");
  EXPECT_EQ(raw.code, 0) << raw.out;
  EXPECT_THAT(raw.out, HasSubstr(std::string("\"name\":\"") + kNode + "\""));
  const Ran top = run(kubectl + "top node 2>&1");
  EXPECT_EQ(top.code, 0) << top.out;
  EXPECT_THAT(top.out, HasSubstr("NAME"));
  EXPECT_THAT(top.out, HasSubstr(kNode));
  EXPECT_THAT(top.out, HasSubstr("250m"));
  const Ran top_pod = run(kubectl + "top pod -n default 2>&1");
  EXPECT_EQ(top_pod.code, 0) << top_pod.out;
  EXPECT_THAT(top_pod.out, HasSubstr("web"));
}

}  // namespace
}  // namespace mpf::api::metrics
