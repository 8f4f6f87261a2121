#include "core/serve/host_routes.h"

#include <sys/utsname.h>

#include "core/serve/status_body.h"
#include "mpf/sdk/go_strings.h"

namespace mpf::core {
namespace {

// runtime.GOOS + "/" + runtime.GOARCH of the build; the kernel's machine name when the build's
// architecture is not one spelled here.
std::string go_platform() {
#if defined(__x86_64__)
  std::string arch = "amd64";
#elif defined(__aarch64__)
  std::string arch = "arm64";
#else
  std::string arch;
  if (struct utsname name{}; uname(&name) == 0) arch = name.machine;
  if (arch == "x86_64") arch = "amd64";
  if (arch == "aarch64") arch = "arm64";
#endif
  return "linux/" + arch;
}

}  // namespace

mpf::Route exact_path_route(std::string path, mpf::RouteHandler handler) {
  std::string prefix = path;
  return mpf::Route{std::move(prefix), [path = std::move(path), handler = std::move(handler)](
                                           const mpf::ServerRequest& request, mpf::ServerResponse& response) {
                      if (request.path != path) {
                        response.status = 404;
                        response.body = not_found_body();
                        return;
                      }
                      handler(request, response);
                    }};
}

std::string version_info_json(std::string_view git_version) {
  std::string out = R"({"major":"0","minor":"1","gitVersion":)";
  go::append_json_string(out, git_version);
  out += R"(,"gitCommit":"","gitTreeState":"","buildDate":"","goVersion":"","compiler":"gcc","platform":)";
  go::append_json_string(out, go_platform());
  out += '}';
  return out;
}

std::vector<mpf::Route> metrics_server_host_routes(std::function<std::string()> metrics_text, std::string version_json) {
  std::vector<mpf::Route> routes;
  routes.push_back(exact_path_route("/metrics", [metrics_text = std::move(metrics_text)](const mpf::ServerRequest&,
                                                                                         mpf::ServerResponse& response) {
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics_text();
  }));
  auto body = std::make_shared<const std::string>(std::move(version_json));
  routes.push_back(exact_path_route("/version", [body](const mpf::ServerRequest&, mpf::ServerResponse& response) {
    response.shared_body = body;
  }));
  return routes;
}

}  // namespace mpf::core
