#include "fd_writer.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace mpf::sinks::jsonl {

namespace {

// Waits until `fd` takes more bytes or the deadline passes. Returns 0 or the errno.
int wait_writable(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ETIMEDOUT;
    pollfd p{fd, POLLOUT, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60000)));
    if (n > 0) return 0;
    if (n < 0 && errno != EINTR) return errno;
  }
}

}  // namespace

int write_all(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline) noexcept {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (int err = wait_writable(fd, deadline); err != 0) return err;
      continue;
    }
    // write() returning 0 for a non-empty buffer means no progress is possible: treat it as EIO.
    return n < 0 ? errno : EIO;
  }
  return 0;
}

Status status_for_errno(int error, std::string_view what, std::string_view path) {
  std::string message = std::string(what) + " " + std::string(path) + ": " + std::strerror(error);
  switch (error) {
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EAGAIN:
    case ETIMEDOUT:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case ESTALE:
    case EBUSY:
    case EINTR:
      return Status::retryable(std::move(message));
    default:
      return Status::permanent(std::move(message));
  }
}

}  // namespace mpf::sinks::jsonl
