#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/sim/cluster_model.h"
#include "tests/sim/fault_plan.h"
#include "tests/sim/kubelet_responses.h"

// The simulated kubelet's HTTP behaviour as plain functions from a request to response bytes, apart from
// sockets (kubelet_farm.cpp owns the connections): authentication, routing, fault injection, encoding.

namespace mpf::sim {

// What the handler needs from a parsed request.
struct RequestView {
  std::string_view method;
  std::string_view target;           // Path and query.
  std::string_view authorization;    // Authorization header, empty if absent.
  std::string_view accept_encoding;  // Accept-Encoding header, empty if absent.
  bool keep_alive = true;
};

struct HandlerConfig {
  // Empty: no authentication. token_file_reference(path): the token is the content of that file (surrounding
  // whitespace trimmed), re-read whenever its inode, size or modification time changes, so that a test can
  // rotate it while the farm runs; an unreadable or empty file rejects every request.
  std::string require_token;
  KubeletShape shape = KubeletShape::kCurrent;
  int gzip_level = 1;                        // 0: never compress.
  bool chunked = true;
  bool pretty_summary = true;
};

// Marks `path` as a token file for HandlerConfig::require_token. The marker starts with a line feed, which
// no header value can carry, so it never equals a literal token.
std::string token_file_reference(std::string_view path);

enum class Action : uint8_t {
  kRespond,           // Build and send the reply now.
  kDelayThenRespond,  // kSlow: wait, then build the reply (rendered at the time it is sent).
  kHang,              // kHang: never reply; keep the connection until the client gives up.
};

// Decides the fate of a request before anything is rendered. Authentication and routing come first, as in
// the kubelet's filter chain: a hanging node still answers 401 and 404 at once.
Action plan_request(const RequestView& request, FaultMode fault, const HandlerConfig& config);

struct Reply {
  std::string wire;        // The complete HTTP/1.1 response; reused between requests.
  size_t send_bytes = 0;   // How much of `wire` to send: less than its size for kTruncated.
  bool close_after = false;  // Close the connection after sending (abruptly when truncated).
};

// Builds the reply of simulated node `node` for a request at `now_ms`. `request_number` varies kGarbage
// bodies from request to request (deterministically per node).
void build_reply(const RequestView& request, FaultMode fault, const HandlerConfig& config, const ClusterModel& model,
                 size_t node, int64_t now_ms, uint64_t request_number, Reply& reply);

}  // namespace mpf::sim
