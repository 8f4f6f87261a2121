#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "tests/sim/kubelet_farm.h"
#include "tests/test_common/temp_dir.h"

// Shared helpers of the farm tests: a scratch directory, a high random port, an in-process farm.

namespace mpf::sim::test {

using mpf::test::random_port;
using mpf::test::read_text;
using mpf::test::TempDir;

// A farm serving on a background thread; stopped and joined on destruction.
class RunningFarm {
 public:
  // Tries a few random ports; `error` explains a failure.
  static std::unique_ptr<RunningFarm> start(FarmOptions options, std::string& error) {
    options.handle_signals = false;
    for (int attempt = 0; attempt < 8; ++attempt) {
      options.port = random_port();
      auto farm = KubeletFarm::create(options);
      if (farm) return std::unique_ptr<RunningFarm>(new RunningFarm(std::move(*farm), options.port));
      error = farm.status().message();
      if (error.find("listening on") == std::string::npos) break;
    }
    return nullptr;
  }

  ~RunningFarm() {
    farm_->stop();
    thread_.join();
  }

  KubeletFarm& farm() { return *farm_; }
  uint16_t port() const { return port_; }

 private:
  RunningFarm(std::unique_ptr<KubeletFarm> farm, uint16_t port) : farm_(std::move(farm)), port_(port) {
    thread_ = std::thread([this] { farm_->run(); });
  }

  std::unique_ptr<KubeletFarm> farm_;
  uint16_t port_;
  std::thread thread_;
};

}  // namespace mpf::sim::test
