#pragma once

// Writes a file through a temporary name and a rename, so that a test polling for it (ready files,
// expect files, kubeconfigs) never reads half of it. Shared by kubelet-farm and fake-apiserver.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "mpf/sdk/status.h"

namespace mpf::sim {

inline Status write_file_atomically(const std::string& path, std::string_view contents, unsigned mode = 0644) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::permanent(path + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      return Status::permanent(path + ": " + error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::unlink(temporary.c_str());
    return Status::permanent(path + ": " + error);
  }
  return Status::ok();
}

}  // namespace mpf::sim
