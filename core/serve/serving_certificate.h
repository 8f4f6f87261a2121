#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/serve/self_signed_pair.h"
#include "mpf/sdk/http_server.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// The serving certificate of one listener, kept up to date with its files (as apiserver's
// DynamicServingCertificateController does): current() re-checks the files' identity, size and mtime
// at most once per recheck interval, and loads a changed pair for the connections accepted after. A
// changed pair that does not load keeps the previous one and is logged once per change.
// Thread-safe.
class ServingCertificate {
 public:
  // Picks the pair (options.cert_file/key_file, else the cert dir's, generated when missing) and loads
  // it. Every error names the file or option at fault.
  static Result<std::unique_ptr<ServingCertificate>> open(const mpf::ServingOptions& options, mpf::Logger& log,
                                                          std::chrono::steady_clock::duration recheck_interval) noexcept;

  // The context for a new connection. Connections keep the context they started with.
  std::shared_ptr<boost::asio::ssl::context> current() noexcept;

  const ServingFiles& files() const { return files_; }
  std::uint64_t reloads() const { return reloads_.load(); }
  std::uint64_t reload_failures() const { return reload_failures_.load(); }

 private:
  // What identifies one version of a file: a rename-into-place changes the inode, an edit in place the
  // size or the mtime.
  struct Stamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;
    std::int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp stamp_of(const std::string& path);

  ServingCertificate(ServingFiles files, int min_version, mpf::Logger& log,
                     std::chrono::steady_clock::duration recheck_interval);
  // Reads and parses both files into a context.
  Result<std::shared_ptr<boost::asio::ssl::context>> load() const;

  const ServingFiles files_;
  const int min_version_;
  mpf::Logger& log_;
  const std::chrono::steady_clock::duration recheck_interval_;

  std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;  // guarded by mutex_
  Stamp cert_stamp_, key_stamp_;                        // guarded by mutex_: the last pair tried
  std::chrono::steady_clock::time_point next_check_;    // guarded by mutex_
  std::atomic<std::uint64_t> reloads_{0};
  std::atomic<std::uint64_t> reload_failures_{0};
};

}  // namespace mpf::core
