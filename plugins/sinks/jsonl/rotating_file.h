#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "mpf/sdk/status.h"

namespace mpf::sinks::jsonl {

struct RotationPolicy {
  /// Rotate before a write that would make the file larger than this; 0 never rotates.
  std::uint64_t max_file_bytes = 100 * 1024 * 1024;
  /// Rotated files kept, file.1 (newest) to file.<max_files> (oldest); at least 1.
  int max_files = 5;
  /// fsync(2) after each append.
  bool fsync = false;
};

/// Appends whole batches of lines to one file, rotating it by size like logrotate or lumberjack, and
/// reopening it when someone else moved or deleted it. Used by one thread at a time.
class RotatingFile {
 public:
  RotatingFile(std::string path, RotationPolicy policy);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  /// Appends `data` (whole lines) with one write loop. First reopens the path if it no longer names
  /// the open file (one stat), then rotates if the file is not empty and `data` would take it past
  /// max_file_bytes: a batch is never split across files, and one larger than the limit goes whole
  /// into a fresh file. On a failed write or fsync the file is truncated back to its size before the
  /// call, so that a retry never leaves half a batch behind. Errors are classified by
  /// status_for_errno(); the file is reopened on the next call.
  Status append(std::string_view data, std::chrono::steady_clock::time_point deadline);

  /// Rotations done and reopenings after an external move, since construction.
  std::uint64_t rotations() const { return rotations_; }
  std::uint64_t reopens() const { return reopens_; }

 private:
  Status ensure_open();
  Status open();
  Status rotate();
  void close();
  std::string numbered(int n) const { return path_ + "." + std::to_string(n); }

  std::string path_;
  RotationPolicy policy_;
  int fd_ = -1;
  dev_t dev_ = 0;  // identity of the open file, compared with the path's
  ino_t ino_ = 0;
  std::uint64_t rotations_ = 0;
  std::uint64_t reopens_ = 0;
};

}  // namespace mpf::sinks::jsonl
