#pragma once

#include <string>
#include <string_view>

#include "mpf/sdk/http_server.h"

namespace mpf::core {

// The apiserver compresses a response when the client accepts gzip and the body is larger than this
// (k8s.io/apiserver responsewriters: 128 KiB, level 1, "Vary: Accept-Encoding").
inline constexpr std::size_t kCompressAboveBytes = 128 * 1024;

// Compresses `response` in place when `client_accepts_gzip`, its body is over the threshold, and the
// handler did not set Content-Encoding itself (pre-compressed bodies). Returns whether it did.
bool compress_response(mpf::ServerResponse& response, bool client_accepts_gzip);

}  // namespace mpf::core
