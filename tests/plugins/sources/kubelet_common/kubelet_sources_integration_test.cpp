// Both kubelet sources against simulated kubelets (tests/sim kubelet-farm) over real TLS on loopback,
// with the farm demanding a bearer token and a client certificate, and with a slow node, a node that
// never answers, a 500, a garbage body and a truncated body. Healthy nodes must deliver exactly the
// farm's values while the broken ones fail with the right reasons.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "core/net/cert_generator.h"
#include "mpf/sdk/plugin.h"
#include "tests/plugins/sources/kubelet_common/kubelet_client_pki.h"
#include "tests/test_common/farm_process.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_kubelet_resource();
const mpf::PluginDescriptor& mpf_builtin_plugin_kubelet_summary();

namespace mpf::sources::kubelet {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "s3cr3t-token";
// Node i+1's fault; empty = healthy. The slow node answers after 3 s, past the 1.5 s deadline.
const std::map<std::string, std::string> kFaults{{"node-00003", "slow"},    {"node-00004", "hang"},
                                                 {"node-00005", "500"},     {"node-00006", "garbage"},
                                                 {"node-00007", "truncated"}};
constexpr int kNodes = 8;
constexpr int kPodsPerNode = 5;
constexpr int kContainersPerPod = 2;

struct Expected {
  std::int64_t memory_bytes = 0;
  std::int64_t cpu_nanocores = 0;
  std::int64_t start_unix_ns = 0;
};

class KubeletSourcesIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A client CA the farm trusts and a client certificate from it, as a kubelet's --client-ca-file.
    ASSERT_TRUE(test::write_kubelet_client_pki(dir_));
    ASSERT_TRUE(test::write_text(dir_.file("token"), kToken));

    std::vector<std::string> args{"--nodes", std::to_string(kNodes), "--pods-per-node", std::to_string(kPodsPerNode),
                                  "--containers-per-pod", std::to_string(kContainersPerPod), "--seed", "7",
                                  "--stats-interval-ms", "0", "--ca-file", dir_.file("serving-ca.crt"),
                                  "--require-token", kToken, "--require-client-ca", dir_.file("client-ca.crt"),
                                  "--expect-file", dir_.file("expect.json")};
    for (const auto& [node, mode] : kFaults) args.insert(args.end(), {"--fault-nodes", mode + ":" + node});
    farm_ = test::start_farm(MPF_KUBELET_FARM_BINARY, dir_, args);
    ASSERT_TRUE(farm_.process) << test::read_text(farm_.log_path);
    read_expectations();
  }

  void read_expectations() {
    rapidjson::Document doc;
    std::string text = test::read_text(dir_.file("expect.json"));
    doc.Parse(text.c_str());
    ASSERT_FALSE(doc.HasParseError());
    for (const auto& node : doc["nodes"].GetArray()) {
      std::string name = node["name"].GetString();
      addresses_[name] = node["address"].GetString();
      for (const auto& pod : node["pods"].GetArray()) {
        std::string key = std::string(pod["namespace"].GetString()) + "/" + pod["name"].GetString();
        for (const auto& c : pod["containers"].GetArray()) {
          expected_[name][key + "/" + c["name"].GetString()] =
              Expected{c["memory_bytes"].GetInt64(), c["cpu_nanocores"].GetInt64(), c["start_unix_ns"].GetInt64()};
        }
      }
    }
    ASSERT_EQ(addresses_.size(), static_cast<std::size_t>(kNodes));
  }

  ConfigValue source_options(bool with_token, bool with_client_cert) const {
    ConfigValue nodes = ConfigValue::list();
    for (const auto& [name, address] : addresses_) {
      ConfigValue node = ConfigValue::map();
      node.set("name", ConfigValue::scalar(name));
      node.set("address", ConfigValue::scalar(address));
      nodes.push_back(node);
    }
    ConfigValue options = ConfigValue::map();
    options.set("port", ConfigValue::scalar(std::to_string(farm_.port)));
    options.set("ca_file", ConfigValue::scalar(dir_.file("serving-ca.crt")));
    if (with_client_cert) {
      options.set("client_certificate_file", ConfigValue::scalar(dir_.file("client.crt")));
      options.set("client_key_file", ConfigValue::scalar(dir_.file("client.key")));
    }
    if (with_token) options.set("bearer_token_file", ConfigValue::scalar(dir_.file("token")));
    options.set("nodes", nodes);
    return options;
  }

  struct Scraped {
    ScrapeOutcome outcome;
    std::shared_ptr<NodeBatch> batch;
    bool done = false;
  };

  // Scrapes every target once, concurrently, with a 1.5 s deadline, and waits for every callback.
  std::map<std::string, Scraped> scrape_all(Source& source) {
    std::vector<Target> targets;
    EXPECT_TRUE(source.list_targets(targets).is_ok());
    std::map<std::string, Scraped> results;
    std::mutex mu;
    std::condition_variable cv;
    std::size_t pending = targets.size();
    const Deadline deadline = std::chrono::steady_clock::now() + 1500ms;
    for (const Target& target : targets) {
      auto batch = std::make_shared<NodeBatch>();
      batch->node_name = target.name;
      {
        std::lock_guard lock(mu);
        results[target.name].batch = batch;
      }
      source.scrape(target, deadline, *batch, [&, name = target.name](ScrapeOutcome outcome) {
        std::lock_guard lock(mu);
        results[name].outcome = std::move(outcome);
        results[name].done = true;
        --pending;
        cv.notify_all();
      });
    }
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, 20s, [&] { return pending == 0; })) << "callbacks missing";
    return results;
  }

  void expect_healthy_nodes_exact(const std::map<std::string, Scraped>& results) {
    for (const auto& [name, scraped] : results) {
      if (kFaults.count(name) != 0) continue;
      SCOPED_TRACE(name);
      ASSERT_TRUE(scraped.outcome.status.is_ok()) << scraped.outcome.status.message();
      const NodeBatch& batch = *scraped.batch;
      EXPECT_TRUE(batch.has_node_sample);
      ASSERT_EQ(batch.containers.size(), static_cast<std::size_t>(kPodsPerNode * kContainersPerPod));
      for (const ContainerSample& c : batch.containers) {
        std::string key = std::string(batch.names.name(c.namespace_name)) + "/" +
                          std::string(batch.names.name(c.pod_name)) + "/" +
                          std::string(batch.names.name(c.container_name));
        auto it = expected_[name].find(key);
        ASSERT_NE(it, expected_[name].end()) << "unexpected container " << key;
        EXPECT_EQ(static_cast<std::int64_t>(c.sample.memory_working_set_bytes), it->second.memory_bytes) << key;
        // Cumulative CPU = rate × (sample time − start): recover the rate from one sample. Seconds are
        // printed with µs precision (kubelet's float formatting), far below 0.1% over minutes of uptime.
        ASSERT_TRUE(c.sample.has(kHasCpu)) << key;
        double elapsed_s = static_cast<double>(c.sample.timestamp_ns - it->second.start_unix_ns) / 1e9;
        ASSERT_GT(elapsed_s, 0) << key;
        double rate = static_cast<double>(c.sample.cpu_usage_core_ns) / elapsed_s;
        EXPECT_NEAR(rate, static_cast<double>(it->second.cpu_nanocores),
                    std::max(1000.0, 0.001 * static_cast<double>(it->second.cpu_nanocores)))
            << key;
      }
    }
  }

  test::TempDir dir_;
  test::StartedFarm farm_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::map<std::string, Expected>> expected_;
};

TEST_F(KubeletSourcesIntegrationTest, ResourceSourceServesHealthyNodesExactlyAndClassifiesFaults) {
  test::TestContext ctx;
  auto source = mpf_builtin_plugin_kubelet_resource().create_source(source_options(true, true), "o", ctx);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  auto results = scrape_all(**source);
  ASSERT_EQ(results.size(), static_cast<std::size_t>(kNodes));
  expect_healthy_nodes_exact(results);
  EXPECT_EQ(results["node-00003"].outcome.reason, FailureReason::kTimeout);  // slow: 3 s > 1.5 s
  EXPECT_EQ(results["node-00004"].outcome.reason, FailureReason::kTimeout);  // never answers
  EXPECT_EQ(results["node-00005"].outcome.reason, FailureReason::kHttpStatus);
  EXPECT_EQ(results["node-00005"].outcome.status.message(), "request failed, status: \"500 Internal Server Error\"");
  EXPECT_EQ(results["node-00006"].outcome.reason, FailureReason::kParse);  // garbage with 200
  // Cut mid-line and closed: the transport sees an incomplete chunked body.
  EXPECT_FALSE(results["node-00007"].outcome.status.is_ok());
  EXPECT_NE(results["node-00007"].outcome.reason, FailureReason::kNone);
}

TEST_F(KubeletSourcesIntegrationTest, SummarySourceServesHealthyNodesExactly) {
  test::TestContext ctx;
  auto source = mpf_builtin_plugin_kubelet_summary().create_source(source_options(true, true), "o", ctx);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  auto results = scrape_all(**source);
  expect_healthy_nodes_exact(results);
  EXPECT_EQ(results["node-00004"].outcome.reason, FailureReason::kTimeout);
  EXPECT_EQ(results["node-00006"].outcome.reason, FailureReason::kParse);
}

TEST_F(KubeletSourcesIntegrationTest, MissingCredentialsAreClassified) {
  test::TestContext ctx;
  auto no_token = mpf_builtin_plugin_kubelet_resource().create_source(source_options(false, true), "o", ctx);
  ASSERT_TRUE(no_token.is_ok());
  auto results = scrape_all(**no_token);
  EXPECT_EQ(results["node-00001"].outcome.reason, FailureReason::kUnauthorized);
  EXPECT_EQ(results["node-00001"].outcome.status.message(), "request failed, status: \"401 Unauthorized\"");

  auto no_cert = mpf_builtin_plugin_kubelet_resource().create_source(source_options(true, false), "o", ctx);
  ASSERT_TRUE(no_cert.is_ok());
  results = scrape_all(**no_cert);
  EXPECT_EQ(results["node-00001"].outcome.reason, FailureReason::kTls) << results["node-00001"].outcome.status.message();
}

TEST_F(KubeletSourcesIntegrationTest, AnUntrustedServingCertificateIsATlsFailureWithItsReason) {
  core::CertificateRequest other_request;
  other_request.common_name = "some-other-ca";
  other_request.is_ca = true;
  auto other = core::generate_self_signed(other_request);
  ASSERT_TRUE(other.is_ok());
  ASSERT_TRUE(core::write_pem_files(*other, dir_.file("other-ca.crt"), dir_.file("other-ca.key")).is_ok());
  ConfigValue options = source_options(true, true);
  options.set("ca_file", ConfigValue::scalar(dir_.file("other-ca.crt")));
  test::TestContext ctx;
  auto source = mpf_builtin_plugin_kubelet_resource().create_source(options, "o", ctx);
  ASSERT_TRUE(source.is_ok());
  auto results = scrape_all(**source);
  EXPECT_EQ(results["node-00001"].outcome.reason, FailureReason::kTls);
  EXPECT_THAT(results["node-00001"].outcome.status.message(), ::testing::HasSubstr("x509"));
}

}  // namespace
}  // namespace mpf::sources::kubelet
