// Drives the kubelet-farm binary: start-up, ready file, curl against the written CA, signals, exit codes.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "tests/sim/cluster_model.h"
#include "tests/sim/exposition_checker.h"
#include "tests/sim/farm_test_support.h"
#include "tests/test_common/farm_process.h"

extern char** environ;

namespace mpf::sim {
namespace {

using namespace std::chrono_literals;
using test::read_text;
using test::TempDir;

using FarmProcess = mpf::test::ChildProcess;  // argv[0] is the binary

// curl's status code and body for a URL, verifying the server against `ca`.
std::pair<std::string, std::string> curl(const std::string& url, const std::string& ca, const TempDir& dir) {
  const std::string out = dir.file("curl.out");
  const std::string command = "curl -sS --max-time 10 --cacert '" + ca + "' -o '" + out + "' -w '%{http_code}' '" + url + "' 2>&1";
  std::string status;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) status += buffer;
    ::pclose(pipe);
  }
  return {status, read_text(out)};
}

mpf::test::StartedFarm start_farm(const TempDir& dir, std::vector<std::string> args) {
  mpf::test::StartedFarm farm = mpf::test::start_farm(MPF_KUBELET_FARM_BINARY, dir, std::move(args));
  if (!farm.process) ADD_FAILURE() << "kubelet-farm did not start: " << read_text(farm.log_path);
  return farm;
}

TEST(KubeletFarmProcessTest, ServesCurlWithItsCaAndStopsOnSigterm) {
  TempDir dir;
  mpf::test::StartedFarm farm = start_farm(dir, {"--nodes", "4", "--pods-per-node", "10", "--seed", "5", "--ca-file",
                                      dir.file("ca.pem"), "--expect-file", dir.file("expect.json")});
  ASSERT_TRUE(farm.process);
  EXPECT_NE(read_text(dir.file("ready")).find("pid=" + std::to_string(farm.process->pid())), std::string::npos);
  for (uint32_t n = 0; n < 4; ++n) {
    const std::string base = "https://" + ClusterModel::node_address(n) + ":" + std::to_string(farm.port);
    auto [status, body] = curl(base + "/metrics/resource", dir.file("ca.pem"), dir);
    EXPECT_EQ(status, "200") << body;
    auto [exposition, error] = test::check_exposition(body);
    EXPECT_TRUE(exposition) << error;
    auto [summary_status, summary] = curl(base + "/stats/summary?only_cpu_and_memory=true", dir.file("ca.pem"), dir);
    EXPECT_EQ(summary_status, "200");
    rapidjson::Document doc;
    EXPECT_FALSE(doc.Parse(summary.c_str()).HasParseError());
  }
  rapidjson::Document expect;
  ASSERT_FALSE(expect.Parse(read_text(dir.file("expect.json")).c_str()).HasParseError());
  EXPECT_EQ(expect["nodes"].Size(), 4u);
  EXPECT_EQ(expect["config"]["seed"].GetUint(), 5u);

  ASSERT_EQ(::kill(farm.process->pid(), SIGTERM), 0);
  EXPECT_EQ(farm.process->wait_exit(10s), 0);
  EXPECT_NE(read_text(dir.file("farm.log")).find("stopped after"), std::string::npos);
}

TEST(KubeletFarmProcessTest, SigusrOneRenamesTheNextGeneration) {
  TempDir dir;
  mpf::test::StartedFarm farm = start_farm(dir, {"--nodes", "2", "--plain-http", "--expect-file", dir.file("expect.json")});
  ASSERT_TRUE(farm.process);
  ASSERT_EQ(::kill(farm.process->pid(), SIGUSR1), 0);
  unsigned generation = 0;
  for (int i = 0; i < 200 && generation == 0; ++i) {
    std::this_thread::sleep_for(20ms);
    rapidjson::Document expect;
    if (!expect.Parse(read_text(dir.file("expect.json")).c_str()).HasParseError()) generation = expect["generation"].GetUint();
  }
  EXPECT_EQ(generation, 1u);
  ASSERT_EQ(::kill(farm.process->pid(), SIGINT), 0);
  EXPECT_EQ(farm.process->wait_exit(10s), 0);
}

TEST(KubeletFarmProcessTest, FractionFaultsRefuseConnections) {
  TempDir dir;
  mpf::test::StartedFarm farm = start_farm(dir, {"--nodes", "4", "--plain-http", "--fault", "refuse:0.5", "--expect-file",
                                      dir.file("expect.json")});
  ASSERT_TRUE(farm.process);
  rapidjson::Document expect;
  ASSERT_FALSE(expect.Parse(read_text(dir.file("expect.json")).c_str()).HasParseError());
  int refused = 0;
  for (rapidjson::SizeType n = 0; n < 4; ++n) {
    const bool refuse = std::string(expect["nodes"][n]["fault"].GetString()) == "refuse";
    refused += refuse ? 1 : 0;
    const std::string command = "curl -s -o /dev/null --max-time 5 -w '%{http_code}' http://" +
                                std::string(expect["nodes"][n]["address"].GetString()) + ":" +
                                std::to_string(farm.port) + "/metrics/resource";
    std::string status;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
      char buffer[64];
      while (std::fgets(buffer, sizeof buffer, pipe)) status += buffer;
      ::pclose(pipe);
    }
    EXPECT_EQ(status, refuse ? "000" : "200") << n;
  }
  EXPECT_EQ(refused, 2);
}

TEST(KubeletFarmProcessTest, HelpAndBadFlags) {
  TempDir dir;
  {
    FarmProcess help({MPF_KUBELET_FARM_BINARY, "--help"}, dir.file("help.log"));
    EXPECT_EQ(help.wait_exit(10s), 0);
    EXPECT_NE(read_text(dir.file("help.log")).find("Usage: kubelet-farm"), std::string::npos);
  }
  {
    FarmProcess bad({MPF_KUBELET_FARM_BINARY, "--nodes", "3", "--frobnicate"}, dir.file("bad.log"));
    EXPECT_EQ(bad.wait_exit(10s), 2);
    EXPECT_NE(read_text(dir.file("bad.log")).find("--frobnicate"), std::string::npos);
  }
  {
    FarmProcess unknown_node({MPF_KUBELET_FARM_BINARY, "--nodes", "3", "--fault-nodes", "hang:node-00009"}, dir.file("node.log"));
    EXPECT_EQ(unknown_node.wait_exit(10s), 1);
    EXPECT_NE(read_text(dir.file("node.log")).find("node-00009"), std::string::npos);
  }
}

}  // namespace
}  // namespace mpf::sim
