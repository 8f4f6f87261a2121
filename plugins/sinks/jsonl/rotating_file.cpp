#include "rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "fd_writer.h"

namespace mpf::sinks::jsonl {

RotatingFile::RotatingFile(std::string path, RotationPolicy policy) : path_(std::move(path)), policy_(policy) {}

RotatingFile::~RotatingFile() { close(); }

void RotatingFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status RotatingFile::open() {
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return status_for_errno(errno, "open", path_);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return status_for_errno(err, "stat", path_);
  }
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  return Status::ok();
}

Status RotatingFile::ensure_open() {
  if (fd_ < 0) return open();
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) return Status::ok();
  // Moved away (logrotate's create mode) or deleted: writing on would feed a file nobody reads.
  close();
  ++reopens_;
  return open();
}

Status RotatingFile::rotate() {
  close();
  // Oldest first, so every rename has a free target; renaming onto file.<max_files> drops the oldest.
  for (int n = policy_.max_files - 1; n >= 1; --n) {
    if (::rename(numbered(n).c_str(), numbered(n + 1).c_str()) != 0 && errno != ENOENT) {
      return status_for_errno(errno, "rotate", numbered(n));
    }
  }
  if (::rename(path_.c_str(), numbered(1).c_str()) != 0 && errno != ENOENT) {
    return status_for_errno(errno, "rotate", path_);
  }
  ++rotations_;
  return open();
}

Status RotatingFile::append(std::string_view data, std::chrono::steady_clock::time_point deadline) {
  if (Status st = ensure_open(); !st.is_ok()) return st;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    Status failed = status_for_errno(errno, "stat", path_);
    close();
    return failed;
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (policy_.max_file_bytes > 0 && size > 0 && size + data.size() > policy_.max_file_bytes) {
    if (Status rotated = rotate(); !rotated.is_ok()) return rotated;
    size = 0;
  }
  int err = write_all(fd_, data, deadline);
  const char* what = "write";
  if (err == 0 && policy_.fsync && ::fsync(fd_) != 0) {
    err = errno;
    what = "fsync";
  }
  if (err == 0) return Status::ok();
  // Take back what reached the file so a retry does not duplicate lines or leave half of one; for a
  // pipe or device truncation fails harmlessly.
  if (S_ISREG(st.st_mode)) (void)::ftruncate(fd_, static_cast<off_t>(size));
  close();
  return status_for_errno(err, what, path_);
}

}  // namespace mpf::sinks::jsonl
