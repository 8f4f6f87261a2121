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
#include "core/serve/tls_server_context.h"
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
  // it with the TLS settings of `options` (tls_settings_for). Every error names the file or option at
  // fault.
  static Result<std::unique_ptr<ServingCertificate>> open(const mpf::ServingOptions& options, mpf::Logger& log,
                                                          std::chrono::steady_clock::duration recheck_interval) noexcept;

  // The context for a new connection. Connections keep the context they started with.
  std::shared_ptr<boost::asio::ssl::context> current() noexcept;

  // The TLS settings of a listener served with `options`: --tls-min-version, --tls-cipher-suites and
  // --tls-curve-preferences translated (errors name the flag), and client certificates requested when
  // delegated authentication is on. Logs a warning for TLS 1.0/1.1 and for each insecure suite named,
  // as the API server does.
  static Result<TlsServerSettings> tls_settings_for(const mpf::ServingOptions& options, mpf::Logger& log);

  const ServingFiles& files() const { return files_; }
  const TlsServerSettings& tls_settings() const { return settings_; }
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

  ServingCertificate(ServingFiles files, TlsServerSettings settings, mpf::Logger& log,
                     std::chrono::steady_clock::duration recheck_interval);
  // Reads and parses both files into a context.
  Result<std::shared_ptr<boost::asio::ssl::context>> load() const;

  const ServingFiles files_;
  const TlsServerSettings settings_;
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
