#pragma once

#include <chrono>
#include <string_view>

#include "mpf/sdk/status.h"

namespace mpf::sinks::jsonl {

/// Writes all of `data` to `fd` in one loop: retries EINTR and partial writes, waits for a
/// non-blocking descriptor (a pipe on stdout) until `deadline`. A closed pipe yields EPIPE: the host
/// ignores SIGPIPE (sdk/README.md). Returns 0 or the errno.
int write_all(int fd, std::string_view data, std::chrono::steady_clock::time_point deadline) noexcept;

/// What a failed file operation means for the batch: retryable when the condition can clear by
/// itself (ENOSPC, EDQUOT, EIO, EAGAIN, ETIMEDOUT, ENOMEM, EMFILE, ENFILE, ESTALE, EBUSY, EINTR),
/// permanent otherwise (EACCES, EPERM, EBADF, EROFS, ENOENT, ENOTDIR, EISDIR, EFBIG, EPIPE, ...):
/// those need an operator, and the next batch tries again anyway.
/// Message: "<what> <path>: <strerror>".
Status status_for_errno(int error, std::string_view what, std::string_view path);

}  // namespace mpf::sinks::jsonl
