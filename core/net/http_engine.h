#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/net/failure_classification.h"
#include "core/net/http_stream.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

struct HttpEngineOptions {
  // Threads running network I/O and completion callbacks.
  std::size_t io_threads = 1;  // Default: 1. One thread drives thousands of connections.
  // Threads running getaddrinfo, which blocks: a slow DNS answer holds one of these, never an I/O thread
  // or another target's request. Started on first use: requests to IP literals never need them.
  std::size_t resolver_threads = 2;  // Default: 2.
  std::size_t max_idle_connections_per_host = 2;  // Default: 2 (Go's DefaultMaxIdleConnsPerHost).
  std::chrono::steady_clock::duration idle_connection_timeout = std::chrono::seconds(90);  // Default: 90s (Go's).
  // How often a bearer token file may be stat()ed for rotation.
  std::chrono::steady_clock::duration token_recheck_interval = std::chrono::seconds(1);  // Default: 1s.
  std::uint32_t max_response_header_bytes = 1u << 20;  // Default: 1 MiB (Go's MaxResponseHeaderBytes).
  // How long stop() waits for cancelled operations to unwind before abandoning them.
  std::chrono::steady_clock::duration stop_grace = std::chrono::seconds(2);  // Default: 2s.
};

// Counters since start, for tests and the host's /metrics. A consistent-enough snapshot: each counter
// is read atomically, not all of them at one instant.
struct HttpEngineStats {
  std::uint64_t requests = 0;            // get() and stream() calls
  std::uint64_t responses = 0;           // HTTP responses received, whatever their status code
  std::uint64_t connections_opened = 0;  // TCP connections established (TLS or not)
  std::uint64_t connections_reused = 0;  // requests sent on a kept-alive connection
  std::uint64_t retries = 0;             // requests resent on a fresh connection after a stale one failed
  std::uint64_t shutdown_aborts = 0;     // requests failed because the engine stopped
  std::uint64_t token_file_errors = 0;   // bearer token file re-reads that failed (last token kept)
  std::uint64_t callback_exceptions = 0;  // exceptions thrown by callbacks (swallowed)
  std::uint64_t in_flight = 0;           // requests not completed yet
  std::array<std::uint64_t, kHttpStageCount> stage_failures{};        // by HttpStage
  std::array<std::uint64_t, kFailureReasonCount> reason_failures{};  // by FailureReason
  std::uint64_t failures_at(HttpStage stage) const { return stage_failures[static_cast<std::size_t>(stage)]; }
  std::uint64_t failures_for(FailureReason reason) const { return reason_failures[static_cast<std::size_t>(reason)]; }
};

class EngineCore;

// The host's HTTP client engine: one io_context and its threads, shared by every HttpClient it makes.
// Lifecycle: construct, start(), make clients and use them, stop(), destroy. stop() fails every request
// still in flight with a retryable "http engine shutting down" (each callback exactly once) and makes
// later get() calls fail the same way at once. Clients may outlive the engine object: they then only
// fail. All member functions are thread-safe; stop() must not be called from a callback.
class HttpEngine {
 public:
  explicit HttpEngine(HttpEngineOptions options = {});
  ~HttpEngine();  // stops
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  // Starts the threads. A second call is a no-op; starting after stop() is refused.
  Status start() noexcept;
  // Idempotent. Blocks until callbacks of aborted requests have run (at most stop_grace for stuck
  // operations, plus any getaddrinfo call in progress).
  void stop() noexcept;

  // A client with its own TLS context, credentials and connection pool. Unreadable or invalid CA,
  // certificate, key or token files fail with invalid_argument naming the file; bad inline PEM data
  // names itself ("inline CA data").
  Result<std::shared_ptr<mpf::HttpClient>> make_client(const mpf::HttpClientOptions& options) noexcept;
  // The same, able to stream responses too (watch requests).
  Result<std::shared_ptr<StreamingHttpClient>> make_streaming_client(const mpf::HttpClientOptions& options) noexcept;

  HttpEngineStats stats() const noexcept;

 private:
  std::shared_ptr<EngineCore> core_;
};

}  // namespace mpf::core
