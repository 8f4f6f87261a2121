#include "tests/sim/kubelet_farm.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

#include "core/net/cert_generator.h"
#include "tests/sim/exposition_checker.h"
#include "tests/sim/farm_test_support.h"
#include "tests/sim/test_http_client.h"

namespace mpf::sim {
namespace {

using test::ClientOptions;
using test::ClientResult;
using test::http_get;
using test::RunningFarm;

constexpr const char* kResource = "/metrics/resource";
constexpr const char* kSummary = "/stats/summary?only_cpu_and_memory=true";

FarmOptions small_farm(uint32_t nodes) {
  FarmOptions options;
  options.model.nodes = nodes;
  options.model.pods_per_node = 5;
  options.model.seed = 11;
  return options;
}

std::unique_ptr<RunningFarm> start_or_fail(const FarmOptions& options) {
  std::string error;
  auto farm = RunningFarm::start(options, error);
  EXPECT_TRUE(farm) << error;
  return farm;
}

ClientOptions tls_client(RunningFarm& farm) {
  ClientOptions options;
  options.ca_pem = farm.farm().ca_certificate_pem();
  return options;
}

std::string address(uint32_t index) { return ClusterModel::node_address(index); }

core::CertificateRequest ca_request(const std::string& common_name) {
  core::CertificateRequest request;
  request.common_name = common_name;
  request.is_ca = true;
  return request;
}

test::Exposition parse_or_fail(const std::string& body) {
  auto [exposition, error] = test::check_exposition(body);
  EXPECT_TRUE(exposition) << error;
  return exposition ? *exposition : test::Exposition{};
}

TEST(KubeletFarmTest, EveryNodeAnswersBothRoutesOverTls) {
  auto farm = start_or_fail(small_farm(5));
  ASSERT_TRUE(farm);
  for (uint32_t n = 0; n < 5; ++n) {
    const ClientResult metrics = http_get(address(n), farm->port(), kResource, tls_client(*farm));
    ASSERT_TRUE(metrics.ok()) << metrics.failed_stage << ": " << metrics.error;
    EXPECT_EQ(metrics.status, 200u);
    EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
    EXPECT_EQ(metrics.header("Transfer-Encoding"), "chunked");
    const test::Exposition e = parse_or_fail(metrics.body);
    EXPECT_EQ(e.find("pod_cpu_usage_seconds_total")->samples.size(), 5u);

    const ClientResult summary = http_get(address(n), farm->port(), kSummary, tls_client(*farm));
    ASSERT_TRUE(summary.ok()) << summary.error;
    EXPECT_EQ(summary.status, 200u);
    EXPECT_EQ(summary.header("Content-Type"), "application/json");
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(summary.body.c_str()).HasParseError());
    EXPECT_EQ(std::string(doc["node"]["nodeName"].GetString()), ClusterModel::node_name(n));
  }
}

TEST(KubeletFarmTest, CertificateIsForTheNodeAddresses) {
  auto farm = start_or_fail(small_farm(3));
  ASSERT_TRUE(farm);
  ClientOptions options = tls_client(*farm);
  options.verify_ip = "127.9.9.9";
  const ClientResult wrong = http_get(address(1), farm->port(), kResource, options);
  EXPECT_EQ(wrong.failed_stage, "handshake");
  options.verify_ip.clear();
  options.ca_pem = core::generate_self_signed(ca_request("someone-else"))->certificate_pem;
  EXPECT_EQ(http_get(address(1), farm->port(), kResource, options).failed_stage, "handshake");
}

TEST(KubeletFarmTest, PerNodeCertificatesVerifyToo) {
  FarmOptions options = small_farm(3);
  options.per_node_certs = true;
  auto farm = start_or_fail(options);
  ASSERT_TRUE(farm);
  for (uint32_t n = 0; n < 3; ++n) {
    const ClientResult r = http_get(address(n), farm->port(), kResource, tls_client(*farm));
    EXPECT_TRUE(r.ok()) << r.error;
  }
  ClientOptions other = tls_client(*farm);
  other.verify_ip = address(0);  // Node 2's certificate names only node 2.
  EXPECT_EQ(http_get(address(2), farm->port(), kResource, other).failed_stage, "handshake");
}

TEST(KubeletFarmTest, UnknownPathsAre404AndConnectionsAreKeptAlive) {
  auto farm = start_or_fail(small_farm(1));
  ASSERT_TRUE(farm);
  const auto results = test::http_get_all(address(0), farm->port(), {kResource, "/metrics/cadvisor", "/healthz", kSummary},
                                          tls_client(*farm));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].status, 200u);
  EXPECT_EQ(results[1].status, 404u);
  EXPECT_EQ(results[1].body, "404 page not found\n");
  EXPECT_EQ(results[2].status, 404u);
  EXPECT_EQ(results[3].status, 200u);
  for (const ClientResult& r : results) EXPECT_TRUE(r.keep_alive);
}

TEST(KubeletFarmTest, GzipWhenAsked) {
  auto farm = start_or_fail(small_farm(1));
  ASSERT_TRUE(farm);
  ClientOptions options = tls_client(*farm);
  options.gzip = true;
  const ClientResult r = http_get(address(0), farm->port(), kResource, options);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  const std::string text = test::gunzip(r.body);
  ASSERT_FALSE(text.empty());
  parse_or_fail(text);
  EXPECT_LT(r.body.size(), text.size() / 3);
}

TEST(KubeletFarmTest, PlainHttp) {
  FarmOptions options = small_farm(2);
  options.plain_http = true;
  auto farm = start_or_fail(options);
  ASSERT_TRUE(farm);
  ClientOptions client;
  client.tls = false;
  const ClientResult r = http_get(address(1), farm->port(), kResource, client);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200u);
}

TEST(KubeletFarmTest, TokenIsRequiredWhenConfigured) {
  FarmOptions options = small_farm(2);
  options.require_token = "s3cret";
  auto farm = start_or_fail(options);
  ASSERT_TRUE(farm);
  ClientOptions client = tls_client(*farm);
  const ClientResult none = http_get(address(0), farm->port(), kResource, client);
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.body, "Unauthorized");
  client.token = "wrong";
  EXPECT_EQ(http_get(address(0), farm->port(), kResource, client).status, 401u);
  EXPECT_EQ(http_get(address(0), farm->port(), "/nope", client).status, 401u);  // Authentication comes first.
  client.token = "s3cret";
  EXPECT_EQ(http_get(address(0), farm->port(), kResource, client).status, 200u);
  EXPECT_EQ(http_get(address(1), farm->port(), kSummary, client).status, 200u);
}

TEST(KubeletFarmTest, ClientCertificateIsRequiredWhenConfigured) {
  test::TempDir dir;
  auto client_ca = core::generate_self_signed(ca_request("client-ca"));
  ASSERT_TRUE(client_ca);
  ASSERT_TRUE(core::write_pem_files(*client_ca, dir.file("client-ca.pem"), dir.file("client-ca.key")).is_ok());
  core::CertificateRequest client_request;
  client_request.common_name = "system:serviceaccount:kube-system:metrics-server";
  client_request.server_auth = false;
  client_request.client_auth = true;
  auto client_cert = core::issue_certificate(client_request, *client_ca);
  ASSERT_TRUE(client_cert);

  FarmOptions options = small_farm(1);
  options.require_client_ca = dir.file("client-ca.pem");
  auto farm = start_or_fail(options);
  ASSERT_TRUE(farm);
  ClientOptions client = tls_client(*farm);
  const ClientResult anonymous = http_get(address(0), farm->port(), kResource, client);
  EXPECT_FALSE(anonymous.ok());  // TLS 1.3 reports the refusal on the first read, 1.2 in the handshake.
  EXPECT_EQ(anonymous.status, 0u);
  client.client_cert_pem = client_cert->certificate_pem;
  client.client_key_pem = client_cert->private_key_pem;
  const ClientResult with_cert = http_get(address(0), farm->port(), kResource, client);
  EXPECT_TRUE(with_cert.ok()) << with_cert.failed_stage << ": " << with_cert.error;
  EXPECT_EQ(with_cert.status, 200u);
}

// One farm with every fault mode on its own node.
class FaultModesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    FarmOptions options;
    options.model.nodes = 11;
    options.model.pods_per_node = 4;
    options.model.stats_interval_ms = 0;  // Samples at request time, so that short cycles show at once.
    options.slow_delay = std::chrono::milliseconds(400);
    options.cycle = std::chrono::milliseconds(300);
    options.restart_every_cycles = 1;
    options.reboot_every_cycles = 2;
    const char* modes[] = {"slow", "hang", "refuse", "500", "garbage", "truncated", "zero", "restart", "reboot"};
    for (int i = 0; i < 9; ++i) {
      options.faults.push_back(*parse_fault_nodes(std::string(modes[i]) + ":" + ClusterModel::node_name(i + 1)));
    }
    dir_ = new test::TempDir();
    options.expect_file = dir_->file("expect.json");
    std::string error;
    farm_ = RunningFarm::start(options, error).release();
    ASSERT_TRUE(farm_) << error;
  }
  static void TearDownTestSuite() {
    delete farm_;
    farm_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  static ClientResult get(uint32_t node, const std::string& path = kResource, int timeout_ms = 5000) {
    ClientOptions options = tls_client(*farm_);
    options.timeout = std::chrono::milliseconds(timeout_ms);
    return http_get(address(node), farm_->port(), path, options);
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline RunningFarm* farm_ = nullptr;
};

TEST_F(FaultModesTest, HealthyNodeIsFine) {
  const ClientResult r = get(0);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200u);
  EXPECT_LT(r.elapsed_ms, 300);
}

TEST_F(FaultModesTest, SlowAnswersLate) {
  const ClientResult r = get(1);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200u);
  EXPECT_GE(r.elapsed_ms, 390);
  parse_or_fail(r.body);
}

TEST_F(FaultModesTest, HangNeverAnswers) {
  const ClientResult r = get(2, kResource, 600);
  EXPECT_EQ(r.failed_stage, "read");
  EXPECT_EQ(r.status, 0u);
  EXPECT_GE(r.elapsed_ms, 590);
  // Authentication and routing still answer at once, as the kubelet's filters do.
  EXPECT_EQ(get(2, "/nope", 2000).status, 404u);
}

TEST_F(FaultModesTest, RefuseHasNoListener) {
  const ClientResult r = get(3);
  EXPECT_EQ(r.failed_stage, "connect");
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
}

TEST_F(FaultModesTest, Http500) {
  EXPECT_EQ(get(4).status, 500u);
  EXPECT_EQ(get(4, kSummary).status, 500u);
}

TEST_F(FaultModesTest, GarbageIs200WithRandomBytes) {
  const ClientResult r = get(5);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200u);
  EXPECT_GE(r.body.size(), 4096u);
  EXPECT_FALSE(test::check_exposition(r.body).first);
  EXPECT_NE(get(5).body, r.body);  // Different bytes each time.
}

TEST_F(FaultModesTest, TruncatedCutsMidLineAndCloses) {
  const ClientResult r = get(6);
  EXPECT_EQ(r.failed_stage, "read");
  EXPECT_EQ(r.status, 200u);
  ASSERT_FALSE(r.body.empty());
  EXPECT_NE(r.body.back(), '\n');
  EXPECT_NE(r.body.find("# HELP"), std::string::npos);
}

TEST_F(FaultModesTest, ZeroReportsZeros) {
  const ClientResult r = get(7);
  ASSERT_TRUE(r.ok()) << r.error;
  const test::Exposition e = parse_or_fail(r.body);
  for (const char* family : {"container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
                             "node_cpu_usage_seconds_total", "node_memory_working_set_bytes"}) {
    for (const test::Sample& s : e.find(family)->samples) EXPECT_EQ(s.value, 0) << family;
  }
}

std::map<std::string, double> series_values(const test::Exposition& e, const char* family) {
  std::map<std::string, double> values;
  for (const test::Sample& s : e.find(family)->samples) values[s.label("container") + "/" + s.label("pod")] = s.value;
  return values;
}

TEST_F(FaultModesTest, RestartMovesStartTimesAndResetsCounters) {
  const auto model = farm_->farm().model();
  const test::Exposition before = parse_or_fail(get(8).body);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));  // More than one 300 ms restart period.
  const test::Exposition after = parse_or_fail(get(8).body);
  const auto starts_before = series_values(before, "container_start_time_seconds");
  const auto starts_after = series_values(after, "container_start_time_seconds");
  const auto cpu_before = series_values(before, "container_cpu_usage_seconds_total");
  const auto cpu_after = series_values(after, "container_cpu_usage_seconds_total");
  int restarted = 0;
  int steady = 0;
  for (const PodSpec& pod : model->node(8).pods) {
    const std::string first = pod.containers[0].name + "/" + pod.name;
    const std::string second = pod.containers[1].name + "/" + pod.name;
    if (starts_before.count(first) && starts_after.count(first)) {
      EXPECT_GT(starts_after.at(first), starts_before.at(first)) << first;
      EXPECT_LT(cpu_after.at(first), 0.31 * static_cast<double>(pod.containers[0].cpu_nanocores) / 1e9) << first;
      ++restarted;
    }
    EXPECT_EQ(starts_after.at(second), starts_before.at(second));
    EXPECT_GT(cpu_after.at(second), cpu_before.at(second));
    ++steady;
  }
  EXPECT_GT(restarted, 0);
  EXPECT_EQ(steady, 4);
}

TEST_F(FaultModesTest, RebootResetsTheNodeCounter) {
  // Sample every 100 ms over more than two 600 ms reboot periods: the counter must drop after each
  // reboot and never hold more than one period's worth of the node's CPU.
  const double rate_cores = static_cast<double>(farm_->farm().model()->node_cpu_nanocores(9)) / 1e9;
  std::this_thread::sleep_for(std::chrono::milliseconds(650));  // Past the first reboot (anchor + 600 ms).
  std::vector<double> counters;
  for (int i = 0; i < 14; ++i) {
    counters.push_back(parse_or_fail(get(9).body).find("node_cpu_usage_seconds_total")->samples[0].value);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  int drops = 0;
  for (size_t i = 0; i < counters.size(); ++i) {
    EXPECT_LE(counters[i], rate_cores * 0.61) << i;
    if (i > 0 && counters[i] < counters[i - 1]) ++drops;
  }
  EXPECT_GE(drops, 2);
}

TEST_F(FaultModesTest, ExpectFileDescribesEveryNode) {
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(test::read_text(dir_->file("expect.json")).c_str()).HasParseError());
  const auto model = farm_->farm().model();
  EXPECT_EQ(doc["config"]["port"].GetUint(), farm_->port());
  EXPECT_EQ(std::string(doc["config"]["scheme"].GetString()), "https");
  EXPECT_EQ(doc["generation"].GetUint(), 0u);
  const auto& nodes = doc["nodes"];
  ASSERT_EQ(nodes.Size(), 11u);
  const char* modes[] = {"none", "slow", "hang", "refuse", "500", "garbage", "truncated", "zero", "restart", "reboot", "none"};
  for (rapidjson::SizeType n = 0; n < nodes.Size(); ++n) {
    const auto& node = nodes[n];
    EXPECT_EQ(std::string(node["name"].GetString()), model->node(n).name);
    EXPECT_EQ(std::string(node["address"].GetString()), model->node(n).address);
    EXPECT_EQ(std::string(node["fault"].GetString()), modes[n]);
    EXPECT_EQ(node["cpu_nanocores"].GetUint64(), model->node_cpu_nanocores(n));
    EXPECT_EQ(node["memory_bytes"].GetUint64(), model->node_working_set_bytes(n));
    ASSERT_EQ(node["pods"].Size(), 4u);
    const auto& pod = node["pods"][0];
    EXPECT_EQ(std::string(pod["name"].GetString()), model->node(n).pods[0].name);
    EXPECT_EQ(pod["containers"][1]["cpu_nanocores"].GetUint64(), model->container_cpu_nanocores(n, 0, 1));
    EXPECT_EQ(pod["cpu_nanocores"].GetUint64(),
              model->container_cpu_nanocores(n, 0, 0) + model->container_cpu_nanocores(n, 0, 1));
  }
  EXPECT_EQ(nodes[7]["cpu_nanocores"].GetUint64(), 0u);
  EXPECT_EQ(nodes[8]["pods"][0]["containers"][0]["restart_every_ms"].GetInt64(), 300);
  EXPECT_EQ(nodes[9]["reboot_every_ms"].GetInt64(), 600);
}

TEST(KubeletFarmTest, RenamingServesNewPodNamesAndRewritesTheExpectFile) {
  test::TempDir dir;
  FarmOptions options = small_farm(2);
  options.model.pods_per_node = 30;
  options.model.stats_interval_ms = 0;
  options.expect_file = dir.file("expect.json");
  auto farm = start_or_fail(options);
  ASSERT_TRUE(farm);
  const auto before = farm->farm().model();
  farm->farm().rename_next_generation();
  for (int i = 0; i < 200 && farm->farm().model()->generation() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto after = farm->farm().model();
  ASSERT_EQ(after->generation(), 1u);
  size_t renamed = 0;
  for (size_t p = 0; p < 30; ++p) renamed += before->node(0).pods[p].name != after->node(0).pods[p].name ? 1 : 0;
  EXPECT_GT(renamed, 0u);
  EXPECT_LT(renamed, 30u);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(test::read_text(dir.file("expect.json")).c_str()).HasParseError());
  EXPECT_EQ(doc["generation"].GetUint(), 1u);
  // The served summary lists the new names (pods appear once their containers started).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const ClientResult r = http_get(address(0), farm->port(), kSummary, tls_client(*farm));
  ASSERT_TRUE(r.ok()) << r.error;
  for (const PodSpec& pod : before->node(0).pods) {
    if (pod.churn_slot == 0) {
      EXPECT_EQ(r.body.find(pod.name), std::string::npos) << pod.name;
    }
  }
}

}  // namespace
}  // namespace mpf::sim
