#include "metrics_api/standalone_kubeconfig.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "mpf/sdk/base64.h"

namespace mpf::api::metrics {

std::string default_state_dir(const EnvLookup& env) {
  auto set = [&](const char* name) -> std::optional<std::string> {
    auto value = env(name);
    if (value && !value->empty()) return value;
    return std::nullopt;
  };
  if (auto dir = set("MPF_STATE_DIR")) return *dir;
  if (auto dir = set("XDG_STATE_HOME")) return *dir + "/mpf";
  if (auto home = set("HOME")) return *home + "/.local/state/mpf";
  return "/tmp/mpf-state-" + std::to_string(getuid());
}

std::string last_pem_certificate(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  const std::size_t begin = pem.rfind(kBegin);
  if (begin == std::string_view::npos) return {};
  const std::size_t end = pem.find(kEnd, begin);
  if (end == std::string_view::npos) return {};
  return std::string(pem.substr(begin, end + kEnd.size() - begin)) + "\n";
}

std::string standalone_kubeconfig(std::string_view name, std::string_view server, std::string_view ca_pem,
                                  std::string_view token) {
  const std::string n(name);
  std::string text;
  text += "# Written by metrics-server in standalone mode; rewritten at every start.\n";
  text += "apiVersion: v1\nkind: Config\n";
  text += "clusters:\n- name: " + n + "\n  cluster:\n    server: " + std::string(server) + "\n";
  text += "    certificate-authority-data: " + base64_encode(ca_pem) + "\n";
  text += "contexts:\n- name: " + n + "\n  context:\n    cluster: " + n + "\n    user: " + n + "\n";
  text += "current-context: " + n + "\n";
  text += "preferences: {}\n";
  text += "users:\n- name: " + n + "\n  user:\n    token: " + std::string(token) + "\n";
  return text;
}

Status write_private_file(const std::string& path, std::string_view text) {
  const std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path() && !std::filesystem::exists(target.parent_path(), ec)) {
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return Status::invalid_argument("cannot create directory \"" + target.parent_path().string() + "\": " + ec.message());
    ::chmod(target.parent_path().c_str(), 0700);
  }
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::invalid_argument("cannot write \"" + temporary + "\": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return Status::invalid_argument("cannot write \"" + temporary + "\": " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0600);
  if (::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return Status::invalid_argument("cannot write \"" + path + "\": " + reason);
  }
  return Status::ok();
}

std::string local_server_url(std::string_view bind_address, int port) {
  std::string host(bind_address);
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return "https://" + host + ":" + std::to_string(port);
}

}  // namespace mpf::api::metrics
