#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

// A small HTTP/1.1 client for the farm tests: every step has a deadline and a failure names its stage.

namespace mpf::sim::test {

struct ClientOptions {
  bool tls = true;
  std::string ca_pem;                // Trust anchor; the server certificate must carry the dialled IP.
  std::string verify_ip;             // Check the certificate against this IP instead of the dialled one.
  std::string client_cert_pem;       // Optional client certificate and key (mutual TLS).
  std::string client_key_pem;
  std::string token;                 // Non-empty: "Authorization: Bearer <token>".
  bool gzip = false;                 // Send "Accept-Encoding: gzip".
  std::chrono::milliseconds timeout{5000};  // Whole exchange, per request.
};

struct ClientResult {
  std::string failed_stage;          // Empty on success, else connect, handshake, write or read.
  std::string error;
  unsigned status = 0;
  std::map<std::string, std::string> headers;
  std::string body;                  // Decoded from chunked encoding, still gzip-compressed if it was.
  bool keep_alive = false;
  double elapsed_ms = 0;

  bool ok() const { return failed_stage.empty(); }
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Sends GET `paths` one after the other over one connection to address:port.
std::vector<ClientResult> http_get_all(const std::string& address, uint16_t port, const std::vector<std::string>& paths,
                                       const ClientOptions& options);

inline ClientResult http_get(const std::string& address, uint16_t port, const std::string& path,
                             const ClientOptions& options) {
  return http_get_all(address, port, {path}, options).front();
}

// Inflates a gzip body; empty on error.
std::string gunzip(const std::string& compressed);

}  // namespace mpf::sim::test
