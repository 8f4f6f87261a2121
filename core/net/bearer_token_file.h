#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <sys/types.h>

#include "mpf/sdk/status.h"

namespace mpf::core {

// A bearer token kept in a file and rotated by someone else (the kubelet refreshes projected
// service-account tokens hourly by swapping a symlink). token() re-reads the file when its identity,
// size or mtime changed, checking at most once per `recheck_interval` so that 5000 requests per cycle
// cost one stat(). A failed re-read keeps the last good token: a request with a token that is about to
// expire beats one with none. Not thread-safe: confine to one strand.
class BearerTokenFile {
 public:
  // Reads the file now; a missing, unreadable or empty file is invalid_argument naming the path.
  static Result<BearerTokenFile> open(std::string path,
                                      std::chrono::steady_clock::duration recheck_interval = std::chrono::seconds(1));

  const std::string& token();
  const std::string& path() const { return path_; }
  // Re-reads that failed (file missing mid-rotation, empty) since open().
  std::uint64_t read_errors() const { return read_errors_; }

 private:
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const Identity&) const = default;
  };

  BearerTokenFile(std::string path, std::chrono::steady_clock::duration recheck_interval);
  // Re-reads when the file changed; false when reading failed.
  Status refresh();

  std::string path_;
  std::chrono::steady_clock::duration recheck_interval_;
  std::chrono::steady_clock::time_point next_check_{};
  Identity identity_;
  std::string token_;
  std::uint64_t read_errors_ = 0;
};

}  // namespace mpf::core
