#include "core/serve/response_compression.h"

#include "mpf/sdk/gzip.h"

#include <algorithm>
#include <cctype>

namespace mpf::core {
namespace {

bool has_content_encoding(const mpf::ServerResponse& response) {
  return std::any_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
    const std::string_view name = header.first;
    constexpr std::string_view kName = "content-encoding";
    return name.size() == kName.size() && std::equal(name.begin(), name.end(), kName.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  });
}

}  // namespace

bool compress_response(mpf::ServerResponse& response, bool client_accepts_gzip) {
  if (!client_accepts_gzip || has_content_encoding(response)) return false;
  const std::string& body = response.shared_body ? *response.shared_body : response.body;
  if (body.size() <= kCompressAboveBytes) return false;
  std::string compressed = mpf::gzip_compress(body);
  if (compressed.empty()) return false;
  response.shared_body.reset();
  response.body = std::move(compressed);
  response.headers.emplace_back("Content-Encoding", "gzip");
  response.headers.emplace_back("Vary", "Accept-Encoding");
  return true;
}

}  // namespace mpf::core
