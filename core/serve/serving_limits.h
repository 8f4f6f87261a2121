#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mpf::core {

// Per-connection limits of every listener; defaults are the API server's (pkg/server/secure_serving.go).
struct ServingLimits {
  std::chrono::steady_clock::duration handshake_timeout = std::chrono::seconds(10);  // Default: 10s (Go's).
  // How long a kept-alive connection may wait for its next request (and a new one for its first byte).
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(90);  // Default: 90s.
  // From a request's first byte to its end (these APIs are GET-only, so this is the header's time).
  std::chrono::steady_clock::duration read_header_timeout = std::chrono::seconds(32);  // Default: 32s.
  // Writing one response; a client that stops reading is dropped after it.
  std::chrono::steady_clock::duration write_timeout = std::chrono::seconds(60);  // Default: 60s (--request-timeout).
  std::uint32_t max_header_bytes = 1u << 20;  // Default: 1 MiB; larger gets 431 and the connection closes.
  std::uint64_t max_body_bytes = 1u << 20;    // Default: 1 MiB; larger gets 413 and the connection closes.
};

// What the listeners of one service count, read by stats(). Atomics: sessions on all threads add.
struct ServingCounters {
  std::atomic<std::uint64_t> connections{0};             // TCP connections accepted
  std::atomic<std::uint64_t> tls_handshake_failures{0};  // including handshake timeouts
  std::atomic<std::uint64_t> requests{0};                // complete requests read
  std::array<std::atomic<std::uint64_t>, 6> responses{};  // by status class: [2] = 2xx ... [5] = 5xx
  std::atomic<std::uint64_t> handler_exceptions{0};      // handlers that threw (answered 500)
  std::atomic<std::uint64_t> too_many_requests{0};       // 429s from the in-flight limit
  std::atomic<std::uint64_t> malformed_requests{0};      // 400, 413 and 431 answers (connection closed)
  std::atomic<std::uint64_t> compressed_responses{0};    // bodies the server gzip-compressed itself
};

// A snapshot of ServingCounters plus the certificates' reload counts, for tests and /metrics.
struct ServingStats {
  std::uint64_t listeners = 0;
  std::uint64_t connections = 0;
  std::uint64_t tls_handshake_failures = 0;
  std::uint64_t requests = 0;
  std::array<std::uint64_t, 6> responses{};
  std::uint64_t handler_exceptions = 0;
  std::uint64_t too_many_requests = 0;
  std::uint64_t malformed_requests = 0;
  std::uint64_t compressed_responses = 0;
  std::uint64_t certificate_reloads = 0;
  std::uint64_t certificate_reload_failures = 0;
  // Responses of one class: responses_in(2) counts 2xx.
  std::uint64_t responses_in(int status_class) const {
    return status_class >= 0 && status_class < 6 ? responses[static_cast<std::size_t>(status_class)] : 0;
  }
};

}  // namespace mpf::core
