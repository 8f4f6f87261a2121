#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/http_server.h"

namespace mpf::core {

// A route that answers `path` itself only; longer paths under its prefix ("/metricsx", "/metrics/")
// get the standard 404 (not_found_body()).
mpf::Route exact_path_route(std::string path, mpf::RouteHandler handler);

// metrics-server's /version body: k8s.io/apimachinery/pkg/version.Info with Go's field order (major,
// minor, gitVersion, gitCommit, gitTreeState, buildDate, goVersion, compiler, platform). `git_version`
// is e.g. "v0.1.0"; the platform is the build's, as Go names it ("linux/amd64", "linux/arm64").
std::string version_info_json(std::string_view git_version);

// The routes the host adds to every listener (ServingServiceOptions::host_routes), as metrics-server
// serves them on its one port: "/metrics" → `metrics_text()` in the Prometheus text format 0.0.4, and
// "/version" → `version_json`. `metrics_text` runs on a serving thread for every request.
std::vector<mpf::Route> metrics_server_host_routes(std::function<std::string()> metrics_text, std::string version_json);

}  // namespace mpf::core
