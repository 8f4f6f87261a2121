#include "metrics_api/standalone_token.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <random>
#include <sstream>

#include "metrics_api/json_response_body.h"
#include "metrics_api/standalone_kubeconfig.h"
#include "metrics_api/status_document.h"

namespace mpf::api::metrics {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> load_or_create_token(const std::string& path) {
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      // Keep the text: str() returns a temporary, and a view trimmed out of it would dangle.
      const std::string contents = text.str();
      const std::string_view token = trim(contents);
      if (!token.empty()) {
        // The token goes into the kubeconfig unquoted and into a header: RFC 6750's token68 characters only.
        const bool token68 = std::all_of(token.begin(), token.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~+/=").find(c) != std::string_view::npos;
        });
        if (!token68) {
          return Status::invalid_argument("the token in \"" + path +
                                          "\" may only hold letters, digits and -._~+/= (remove the file for a new one)");
        }
        return std::string(token);
      }
    }
  }
  // random_device reads the kernel's CSPRNG (getrandom / /dev/urandom) with libstdc++ on Linux.
  std::random_device random("/dev/urandom");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 8; ++i) {
    const std::uint32_t word = random();
    for (int shift = 28; shift >= 0; shift -= 4) token += kHex[(word >> shift) & 0xf];
  }
  if (Status st = write_private_file(path, token + "\n"); !st.is_ok()) return st;
  return token;
}

bool bearer_token_matches(const ServerRequest& request, std::string_view token) {
  std::string_view value = trim(request.header("Authorization"));
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return false;
  }
  value = trim(value.substr(kScheme.size()));
  if (value.size() != token.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < token.size(); ++i) difference |= static_cast<unsigned char>(value[i] ^ token[i]);
  return difference == 0;
}

void answer_unauthorized(ServerResponse& response) {
  response.status = 401;
  response.content_type = "application/json";
  response.headers.clear();
  response.body.clear();
  JsonResponseBody body(response, /*pretty=*/false);
  write_status(body.writer(), 401, "Unauthorized", "Unauthorized", std::nullopt);
}

}  // namespace mpf::api::metrics
