#include "metrics_api/health_checks.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metrics_api/json_writer.h"
#include "metrics_api/request_query.h"
#include "metrics_api/status_document.h"

namespace mpf::api::metrics {
namespace {

struct Check {
  std::string_view name;
  // The reason logged by metrics-server; nullopt when the check passes.
  std::optional<std::string_view> (*run)(const HealthState&);
};

std::optional<std::string_view> pass(const HealthState&) { return std::nullopt; }
std::optional<std::string_view> storage(const HealthState& s) {
  if (s.storage_ready) return std::nullopt;
  return "no metrics to serve";
}
std::optional<std::string_view> informers(const HealthState& s) {
  if (s.informers_synced) return std::nullopt;
  return "informers not synced yet";
}
std::optional<std::string_view> timely(const HealthState& s) {
  if (s.collection_timely) return std::nullopt;
  return "metric collection didn't finish on time";
}
std::optional<std::string_view> shutdown(const HealthState& s) {
  if (!s.shutting_down) return std::nullopt;
  return "process is shutting down";
}

constexpr Check kPing{"ping", pass};
constexpr Check kLog{"log", pass};
constexpr Check kMaxInFlight{"poststarthook/max-in-flight-filter", pass};
constexpr Check kObjectCount{"poststarthook/storage-object-count-tracker-hook", pass};
constexpr Check kStorage{"metric-storage-ready", storage};
constexpr Check kMetricInformers{"metric-informer-sync", informers};
constexpr Check kMetadataInformers{"metadata-informer-sync", informers};
constexpr Check kTimely{"metric-collection-timely", timely};
constexpr Check kShutdown{"shutdown", shutdown};

// Registration order, as the e2e test's expected verbose bodies show it.
constexpr std::array kHealthz{kPing, kLog, kMaxInFlight, kObjectCount, kMetadataInformers};
constexpr std::array kLivez{kPing, kLog, kMaxInFlight, kObjectCount, kTimely, kMetadataInformers};
constexpr std::array kReadyz{kPing,    kLog, kMaxInFlight, kObjectCount, kStorage, kMetricInformers, kMetadataInformers,
                             kShutdown};

std::vector<Check> checks_of(HealthEndpoint endpoint) {
  switch (endpoint) {
    case HealthEndpoint::kHealthz: return {kHealthz.begin(), kHealthz.end()};
    case HealthEndpoint::kLivez: return {kLivez.begin(), kLivez.end()};
    case HealthEndpoint::kReadyz: break;
  }
  return {kReadyz.begin(), kReadyz.end()};
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape: "+" is a space, %XX a byte; nullopt on a bad escape.
std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex(text[i + 1]);
      const int lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// r.URL.Query(): whether `verbose` is present, and every `exclude` value (pairs with bad escapes are dropped).
void parse_query(std::string_view query, bool& verbose, std::vector<std::string>& excluded) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const auto key = unescape(pair.substr(0, eq));
    const auto value = unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) continue;
    if (*key == "verbose") verbose = true;
    if (*key == "exclude") excluded.push_back(*value);
  }
}

void text(ServerResponse& response, int status, std::string body) {
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.body = std::move(body);
}

void not_found(const ServerRequest& request, ServerResponse& response) {
  RequestQuery query;
  parse_request_query(request, query);
  response.status = 404;
  response.content_type = "application/json";
  response.body.clear();
  JsonWriter writer(response.body, query.pretty ? JsonStyle::kPretty : JsonStyle::kCompact);
  write_status(writer, unknown_path());
  if (!query.pretty) response.body += '\n';
}

}  // namespace

std::string_view health_path(HealthEndpoint endpoint) {
  switch (endpoint) {
    case HealthEndpoint::kHealthz: return "/healthz";
    case HealthEndpoint::kLivez: return "/livez";
    case HealthEndpoint::kReadyz: break;
  }
  return "/readyz";
}

void answer_health(HealthEndpoint endpoint, const ServerRequest& request, const HealthState& state,
                   ServerResponse& response) {
  const std::string_view path = health_path(endpoint);
  const std::string_view name = path.substr(1);
  const std::vector<Check> checks = checks_of(endpoint);
  if (!request.path.starts_with(path)) return not_found(request, response);
  const std::string_view rest = request.path.substr(path.size());
  if (!rest.empty()) {
    // One check alone (healthz.adaptCheckToHandler): no verbose, no exclude.
    if (rest.size() < 2 || rest[0] != '/') return not_found(request, response);
    const auto check = std::find_if(checks.begin(), checks.end(),
                                    [&](const Check& c) { return c.name == rest.substr(1); });
    if (check == checks.end()) return not_found(request, response);
    if (const auto reason = check->run(state)) {
      return text(response, 500, "internal server error: " + std::string(*reason) + "\n");
    }
    // fmt.Fprint with no Content-Type set: Go sniffs text/plain and sends no nosniff header.
    response.status = 200;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "ok";
    return;
  }

  bool verbose = false;
  std::vector<std::string> excluded;
  parse_query(request.query, verbose, excluded);
  std::sort(excluded.begin(), excluded.end());
  excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
  std::string lines;
  bool failed = false;
  for (const Check& check : checks) {
    const auto it = std::find(excluded.begin(), excluded.end(), check.name);
    if (it != excluded.end()) {
      excluded.erase(it);
      lines += "[+]" + std::string(check.name) + " excluded: ok\n";
    } else if (check.run(state)) {
      failed = true;
      lines += "[-]" + std::string(check.name) + " failed: reason withheld\n";
    } else {
      lines += "[+]" + std::string(check.name) + " ok\n";
    }
  }
  if (!excluded.empty()) {
    lines += "warn: some health checks cannot be excluded: no matches for ";
    for (std::size_t i = 0; i < excluded.size(); ++i) {
      if (i > 0) lines += ',';
      append_go_quoted(lines, excluded[i]);
    }
    lines += '\n';
  }
  const std::string failing = (state.failing_nodes.empty() ? "" : state.failing_nodes + "\n") + state.sinks;
  // Always verbose on failure (http.Error adds the final newline).
  if (failed) return text(response, 500, lines + std::string(name) + " check failed\n" + failing);
  if (!verbose) return text(response, 200, "ok");
  text(response, 200, lines + std::string(name) + " check passed\n" + failing);
}

std::string summarize_failing_targets(std::span<const ScrapeResult> scrapes) {
  std::map<std::string_view, std::size_t> by_reason;
  std::size_t failing = 0;
  for (const ScrapeResult& scrape : scrapes) {
    if (scrape.status.is_ok()) continue;
    ++failing;
    ++by_reason[failure_reason_name(scrape.reason)];
  }
  if (failing == 0) return {};
  std::string out = std::to_string(failing) + " of " + std::to_string(scrapes.size()) + " nodes failing:";
  bool first = true;
  for (const auto& [reason, count] : by_reason) {
    out += first ? " " : ", ";
    out += std::to_string(count) + " " + std::string(reason);
    first = false;
  }
  return out;
}

std::string summarize_sinks(std::span<const SinkStatus> sinks) {
  std::string out;
  for (const SinkStatus& sink : sinks) {
    out += "sink " + sink.name + ": " + sink.phase;
    if (sink.phase == "degraded" && !sink.last_error.empty()) {
      // One line per sink, whatever the receiver answered.
      std::string error = sink.last_error;
      for (char& c : error) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      out += ": " + error;
    }
    if (sink.queue_length > 0) out += " (" + std::to_string(sink.queue_length) + " queued)";
    out += '\n';
  }
  return out;
}

}  // namespace mpf::api::metrics
