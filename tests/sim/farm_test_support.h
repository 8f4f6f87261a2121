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

// Shared helpers of the farm tests: a scratch directory, a high random port, an in-process farm.

namespace mpf::sim::test {

// A private directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kubelet-farm-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A port in [20000, 32000): high, below Linux's ephemeral range, and random so parallel tests rarely meet.
inline uint16_t random_port() {
  static std::mt19937 generator(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  return static_cast<uint16_t>(20000 + generator() % 12000);
}

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
