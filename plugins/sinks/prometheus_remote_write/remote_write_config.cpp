#include "remote_write_config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string_view>

namespace mpf::sinks::remote_write {
namespace {

constexpr std::int64_t kMaxSamplesPerRequest = 1'000'000;
constexpr std::string_view kEntityLabels[] = {"container", "namespace", "node", "pod"};
// Set by the exporter itself (protocol headers) or by the HTTP engine (framing).
constexpr std::string_view kReservedHeaders[] = {"content-type", "content-encoding", "x-prometheus-remote-write-version",
                                                 "host", "content-length"};

Status bad(std::string_view option, const std::string& why) {
  return Status::invalid_argument(std::string(option) + ": " + why);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Prometheus' label name grammar: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_label_name(std::string_view name) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (name.empty() || !letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// RFC 9110 token characters.
bool is_header_name(std::string_view name) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || kSymbols.find(c) != std::string_view::npos;
  });
}

Status check_external_labels(const std::map<std::string, std::string>& labels) {
  for (const auto& [name, value] : labels) {
    const std::string option = "external_labels." + name;
    if (!is_label_name(name)) return bad(option, "a label name must match [a-zA-Z_][a-zA-Z0-9_]*");
    if (name.rfind("__", 0) == 0) return bad(option, "names starting with \"__\" are reserved for Prometheus");
    if (std::find(std::begin(kEntityLabels), std::end(kEntityLabels), name) != std::end(kEntityLabels)) {
      return bad(option, "collides with the label this sink sets itself (container, namespace, node, pod)");
    }
    // Prometheus reads an empty label as an absent one; remote write forbids sending it.
    if (value.empty()) return bad(option, "the value must not be empty");
  }
  return Status::ok();
}

Status check_headers(const RemoteWriteConfig& config, bool has_auth) {
  for (const auto& [name, value] : config.headers) {
    const std::string option = "headers." + name;
    if (!is_header_name(name)) return bad(option, "not a valid HTTP header name");
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return bad(option, "the value must not contain CR, LF or NUL");
    }
    const std::string key = lower(name);
    if (std::find(std::begin(kReservedHeaders), std::end(kReservedHeaders), key) != std::end(kReservedHeaders)) {
      return bad(option, "set by the sink itself and cannot be overridden");
    }
    if (key == "authorization" && has_auth) {
      return bad(option, "conflicts with the basic_auth_* / bearer_token* options");
    }
  }
  return Status::ok();
}

Result<std::string> read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad("basic_auth_password_file", "cannot read \"" + path + "\"");
  std::ostringstream text;
  text << in.rdbuf();
  std::string password = text.str();
  // Files written by editors and `echo` end with a newline that is no part of the secret.
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  return password;
}

}  // namespace

const OptionSet<RemoteWriteConfig>& remote_write_options() {
  using C = RemoteWriteConfig;
  static const auto options =
      OptionSet<C>()
          .add("url", &C::url, "Remote write endpoint, http:// or https://, e.g. http://prometheus:9090/api/v1/write.",
               kRequired)
          .add("external_labels", &C::external_labels, "Labels added to every series (e.g. cluster: prod).")
          .add("headers", &C::headers, "Extra request headers (not the protocol's own, Host or Content-Length).")
          .add("basic_auth_username", &C::basic_auth_username, "HTTP basic auth user name.")
          .add("basic_auth_password", &C::basic_auth_password, "HTTP basic auth password.")
          .add("basic_auth_password_file", &C::basic_auth_password_file,
               "File holding the basic auth password (read at start-up; a trailing newline is dropped).")
          .add("bearer_token", &C::bearer_token, "Bearer token sent as Authorization.")
          .add("bearer_token_file", &C::bearer_token_file, "File holding the bearer token, re-read when it changes.")
          .add("ca_file", &C::ca_file, "PEM CA bundle to verify an https server with; empty: system roots.")
          .add("client_certificate_file", &C::client_certificate_file, "PEM client certificate for mutual TLS.")
          .add("client_key_file", &C::client_key_file, "PEM client key for mutual TLS.")
          .add("insecure_skip_verify", &C::insecure_skip_verify, "Skip verifying the server certificate.")
          .add("max_samples_per_request", &C::max_samples_per_request,
               "Series (one sample each) per WriteRequest, 1 to 1000000.")
          .add("cumulative", &C::cumulative, "Also write the *_cpu_usage_seconds_total counters.")
          .add("totals", &C::totals, "Also write the namespace and cluster totals.");
  return options;
}

Result<RemoteWriteSettings> make_settings(const RemoteWriteConfig& config) {
  RemoteWriteSettings settings;
  Result<HttpEndpoint> endpoint = parse_http_endpoint(config.url);
  if (!endpoint) return bad("url", endpoint.status().message());
  settings.url = config.url;
  settings.endpoint = *endpoint;

  if (config.max_samples_per_request < 1 || config.max_samples_per_request > kMaxSamplesPerRequest) {
    return bad("max_samples_per_request", "must be from 1 to 1000000, got " +
                                              std::to_string(config.max_samples_per_request));
  }
  if (Status st = check_external_labels(config.external_labels); !st.is_ok()) return st;

  const bool basic = !config.basic_auth_username.empty() || !config.basic_auth_password.empty() ||
                     !config.basic_auth_password_file.empty();
  const bool bearer = !config.bearer_token.empty() || !config.bearer_token_file.empty();
  if (basic && bearer) return bad("basic_auth_username", "basic auth and a bearer token cannot be used together");
  if (!config.bearer_token.empty() && !config.bearer_token_file.empty()) {
    return bad("bearer_token", "set bearer_token or bearer_token_file, not both");
  }
  if (Status st = check_headers(config, basic || bearer); !st.is_ok()) return st;
  for (const auto& [name, value] : config.headers) settings.headers.emplace_back(name, value);

  if (basic) {
    if (config.basic_auth_username.empty()) return bad("basic_auth_username", "required with a basic auth password");
    if (config.basic_auth_password.empty() == config.basic_auth_password_file.empty()) {
      return bad("basic_auth_password", "set exactly one of basic_auth_password and basic_auth_password_file");
    }
    std::string password = config.basic_auth_password;
    if (!config.basic_auth_password_file.empty()) {
      Result<std::string> read = read_password_file(config.basic_auth_password_file);
      if (!read) return read.status();
      password = std::move(*read);
    }
    settings.headers.emplace_back("Authorization", basic_authorization(config.basic_auth_username, password));
  }

  const bool tls_options = !config.ca_file.empty() || !config.client_certificate_file.empty() ||
                           !config.client_key_file.empty() || config.insecure_skip_verify;
  if (tls_options && !endpoint->tls) {
    return bad("url", "TLS options (ca_file, client_*_file, insecure_skip_verify) need an https:// URL");
  }
  if (config.client_certificate_file.empty() != config.client_key_file.empty()) {
    return bad("client_certificate_file", "client_certificate_file and client_key_file go together");
  }
  settings.client.tls = endpoint->tls;
  settings.client.insecure_skip_verify = config.insecure_skip_verify;
  settings.client.ca_file = config.ca_file;
  settings.client.client_certificate_file = config.client_certificate_file;
  settings.client.client_key_file = config.client_key_file;
  settings.client.bearer_token = config.bearer_token;
  settings.client.bearer_token_file = config.bearer_token_file;
  settings.client.user_agent = std::string("mpf-remote-write/") + kPluginVersion;

  settings.external_labels = config.external_labels;
  settings.series.cumulative = config.cumulative;
  settings.series.totals = config.totals;
  settings.series.max_series_per_request = static_cast<std::size_t>(config.max_samples_per_request);
  return settings;
}

}  // namespace mpf::sinks::remote_write
