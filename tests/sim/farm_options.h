#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mpf/sdk/status.h"
#include "tests/sim/cluster_model.h"
#include "tests/sim/fault_plan.h"
#include "tests/sim/kubelet_responses.h"

// Configuration of kubelet-farm: one plain struct, parsed once from the command line.

namespace mpf::sim {

struct FarmOptions {
  // Cluster shape and seed. model.anchor_unix_ns is replaced by the start time unless --anchor-unix-ms.
  ModelConfig model;
  bool anchor_given = false;

  uint16_t port = 10250;             // Default: 10250, the kubelet port, on every node address.
  bool plain_http = false;           // Default: false (TLS).
  std::string ca_file;               // Where to write the CA certificate (PEM) clients verify against.
  std::string cert_file;             // Optional: where to write the serving certificate (PEM).
  std::string key_file;              // Optional: where to write the serving key (PEM).
  // Default: false, one certificate with every node address as an IP SAN. true: one certificate per node
  // (CN system:node:<name>), as kubelets have; forced above kMaxSharedCertNodes.
  bool per_node_certs = false;
  std::string require_token;         // Non-empty: requests need "Authorization: Bearer <token>", else 401.
                                     // With --require-token-file: token_file_reference(require_token_file).
  std::string require_token_file;    // Non-empty: the token is this file's content, re-read when it changes.
  std::string require_client_ca;     // Non-empty: TLS clients must present a certificate signed by this CA.

  std::vector<FaultSpec> faults;
  std::chrono::milliseconds slow_delay{3000};     // Default: 3 s.
  std::chrono::milliseconds cycle{15000};         // Default: 15 s, the scrape resolution of real deployments.
  uint32_t restart_every_cycles = 4;              // Default: 4 cycles.
  uint32_t reboot_every_cycles = 20;              // Default: 20 cycles.
  std::chrono::milliseconds rename_every{0};      // Default: 0, off. >0: rename_pods(next generation) periodically.

  KubeletShape shape = KubeletShape::kCurrent;    // Default: current kubelets (--kubelet-version 1.34).
  int gzip_level = 1;                // Default: 1. gzip /metrics/resource when asked (as promhttp does); 0: never.
  bool chunked = true;               // Default: true. Go answers larger bodies with chunked encoding.
  bool pretty_summary = true;        // Default: true (go-restful's pretty printing).

  std::string expect_file;           // Optional: JSON with every node's fault mode and expected values.
  std::string ready_file;            // Optional: written once every listener is up.
  unsigned threads = 1;              // Default: 1 I/O thread.
  std::chrono::milliseconds idle_timeout{90000};  // Default: 90 s without a request closes a connection.
  bool handle_signals = true;        // SIGTERM/SIGINT stop, SIGUSR1 renames the next generation.
};

// Above this many nodes a single certificate would exceed what TLS clients accept (Go limits a
// handshake message to 64 KiB), so per-node certificates are used.
inline constexpr uint32_t kMaxSharedCertNodes = 8000;

// Parses argv without argv[0]; flags take "--flag value" or "--flag=value". Sets `help_requested` (and
// returns the defaults) on --help.
Result<FarmOptions> parse_farm_options(int argc, const char* const* argv, bool& help_requested);

// The --help text.
std::string farm_usage();

}  // namespace mpf::sim
