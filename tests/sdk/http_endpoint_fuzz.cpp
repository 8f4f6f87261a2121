// Fuzzes the exporter URL parser: any bytes either fail with a message or give an endpoint with a host,
// a port in range and a target starting with '/'.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mpf/sdk/http_endpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto endpoint = mpf::parse_http_endpoint(text);
  if (!endpoint) {
    if (endpoint.status().code() != mpf::StatusCode::kInvalidArgument || endpoint.status().message().empty()) {
      std::abort();
    }
    return 0;
  }
  if (endpoint->host.empty() || endpoint->port == 0 || endpoint->target.empty() || endpoint->target[0] != '/') {
    std::abort();
  }
  return 0;
}
