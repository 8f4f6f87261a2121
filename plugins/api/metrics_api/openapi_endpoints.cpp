#include "metrics_api/openapi_endpoints.h"

#include <array>
#include <ctime>

#include "metrics_api/json_writer.h"
#include "metrics_api/openapi_documents.h"
#include "metrics_api/status_document.h"

namespace mpf::api::metrics {
namespace {

constexpr std::array<std::string_view, 2> kVersions = {"v1beta1", "v1"};

void not_found(ServerResponse& response) {
  response.status = 404;
  response.content_type = "application/json";
  JsonWriter w(response.body);
  write_status(w, unknown_path());
  response.body += '\n';
}

// An HTTP date one year ahead, as kube-openapi's handler3 sets Expires for an immutable answer.
std::string http_date_in_a_year() {
  const std::time_t later = std::time(nullptr) + 365 * 24 * 3600;
  std::tm utc{};
  gmtime_r(&later, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

std::string_view query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
  }
  return {};
}

}  // namespace

OpenApiEndpoints::OpenApiEndpoints(std::string_view binary_version) {
  OpenApiInfo info;
  info.binary_version = binary_version;
  info.served_versions = kVersions;
  info.include_version_path = true;  // the host serves /version on the same port
  auto document = [](std::string body) {
    Document d;
    d.hash = openapi_hash(body);
    d.body = std::make_shared<const std::string>(std::move(body));
    return d;
  };
  v2_ = document(openapi_v2_document(info));
  v3_index_ = document(openapi_v3_index(info));
  for (const std::string& path : openapi_v3_paths(info)) v3_.emplace(path, document(openapi_v3_group_version(info, path)));
}

void OpenApiEndpoints::answer(const ServerRequest& request, ServerResponse& response) const {
  const Document* document = nullptr;
  bool versioned = false;
  if (request.path == "/openapi/v2") {
    document = &v2_;
  } else if (request.path == "/openapi/v3") {
    document = &v3_index_;
  } else if (request.path.starts_with("/openapi/v3/")) {
    auto it = v3_.find(request.path.substr(12));
    if (it != v3_.end()) document = &it->second, versioned = true;
  }
  if (document == nullptr) return not_found(response);
  if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "Method Not Allowed\n";
    return;
  }
  const std::string etag = "\"" + document->hash + "\"";
  if (versioned) {
    const std::string_view hash = query_value(request.query, "hash");
    if (!hash.empty() && hash != document->hash) {
      // A client holding a stale link is sent to the current document.
      response.status = 301;
      response.content_type.clear();
      response.headers.emplace_back("Location", std::string(request.path) + "?hash=" + document->hash);
      return;
    }
    if (!hash.empty()) {
      response.headers.emplace_back("Cache-Control", "public, immutable");
      response.headers.emplace_back("Expires", http_date_in_a_year());
    }
  }
  response.headers.emplace_back("Etag", etag);
  response.headers.emplace_back("Vary", "Accept");
  response.content_type = "application/json";
  if (request.header("If-None-Match") == etag) {
    response.status = 304;
    return;
  }
  response.shared_body = document->body;
}

}  // namespace mpf::api::metrics
