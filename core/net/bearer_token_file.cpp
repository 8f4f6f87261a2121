#include "core/net/bearer_token_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/net/tls_context_factory.h"

namespace mpf::core {

BearerTokenFile::BearerTokenFile(std::string path, std::chrono::steady_clock::duration recheck_interval)
    : path_(std::move(path)), recheck_interval_(recheck_interval) {}

Result<BearerTokenFile> BearerTokenFile::open(std::string path, std::chrono::steady_clock::duration recheck_interval) {
  BearerTokenFile file(std::move(path), recheck_interval);
  if (Status st = file.refresh(); !st.is_ok()) return st;
  return file;
}

const std::string& BearerTokenFile::token() {
  const auto now = std::chrono::steady_clock::now();
  if (now >= next_check_) {
    next_check_ = now + recheck_interval_;
    if (!refresh().is_ok()) ++read_errors_;
  }
  return token_;
}

Status BearerTokenFile::refresh() {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) {
    return Status::invalid_argument("cannot read bearer token file " + path_ + ": " + std::strerror(errno));
  }
  const Identity identity{info.st_dev, info.st_ino, info.st_size,
                          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
  if (identity == identity_ && !token_.empty()) return Status::ok();
  auto text = read_text_file(path_, "bearer token file");
  if (!text) return text.status();
  // Token files often end with a newline (echo, kubectl create token > file).
  std::string& token = *text;
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
  if (token.empty()) return Status::invalid_argument("bearer token file " + path_ + " is empty");
  token_ = std::move(token);
  identity_ = identity;
  return Status::ok();
}

}  // namespace mpf::core
