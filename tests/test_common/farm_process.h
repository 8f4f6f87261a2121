#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_common/temp_dir.h"

extern char** environ;

// The kubelet-farm binary (tests/sim) as a child process of a test: the simulated kubelets every
// integration test scrapes.

namespace mpf::test {

/// A child process, killed (and reaped) on destruction if still running.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, const std::string& log_path) {
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  /// The exit status once the process ended within `timeout`, else -1.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < deadline);
    return -1;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
};

/// Waits for `path` to appear while `process` runs.
inline bool wait_for_file(const std::string& path, ChildProcess& process, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(path)) return true;
    if (process.wait_exit(std::chrono::milliseconds(0)) >= 0) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

struct StartedFarm {
  std::unique_ptr<ChildProcess> process;
  std::uint16_t port = 0;
  /// The farm's output, for failure messages.
  std::string log_path;
};

/// Starts `binary` (kubelet-farm) with `args` on a random port, retrying when the port is taken, and
/// waits for its ready file. On failure `process` is null and the log says why.
inline StartedFarm start_farm(const std::string& binary, const TempDir& dir, std::vector<std::string> args) {
  StartedFarm started;
  started.log_path = dir.file("farm.log");
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::uint16_t port = random_port();
    std::vector<std::string> argv{binary};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--port", std::to_string(port), "--ready-file", dir.file("ready")});
    std::filesystem::remove(dir.file("ready"));
    auto process = std::make_unique<ChildProcess>(argv, started.log_path);
    if (wait_for_file(dir.file("ready"), *process, std::chrono::seconds(20))) {
      started.process = std::move(process);
      started.port = port;
      return started;
    }
    if (read_text(started.log_path).find("listening on") == std::string::npos) break;  // not a port clash
  }
  return started;
}

}  // namespace mpf::test
