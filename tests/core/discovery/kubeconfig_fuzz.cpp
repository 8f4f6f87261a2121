// Fuzzes kubeconfig parsing: any text must give a connection or an invalid_argument error, never a
// crash, a hang or an escaped exception. Whatever parses must be usable as parsed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/discovery/api_connection.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto connection = mpf::core::parse_kubeconfig(text, "fuzz/kubeconfig", "fuzz");
  if (!connection) {
    if (connection.status().code() != mpf::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  // A parsed server always has a host and a port, and a prefix that can be put before "/api".
  if (connection->host.empty() || connection->port == 0) std::abort();
  const std::string& prefix = connection->path_prefix;
  if (!prefix.empty() && (prefix.front() != '/' || prefix.back() == '/')) std::abort();
  // The context argument takes another path through the same document.
  (void)mpf::core::parse_kubeconfig(text, "fuzz/kubeconfig", "", "other");
  return 0;
}
