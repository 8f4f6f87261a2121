#include "influxdb_config.h"

#include <array>
#include <string_view>

#include "mpf/sdk/http_endpoint.h"

namespace mpf::sinks::influxdb {

namespace {

// Tags every line already carries; an extra tag of the same key would make a line InfluxDB refuses.
constexpr std::array<std::string_view, 4> kPointTagKeys = {"container_name", "namespace", "node_name", "pod_name"};

Status invalid(std::string message) { return Status::invalid_argument(std::move(message)); }

Status refuse_with_version(std::string_view option, const std::string& value, std::string_view version) {
  if (value.empty()) return Status::ok();
  return invalid(std::string(option) + ": not used with version \"" + std::string(version) + "\"" +
                 (version == "1" ? " (InfluxDB 2.x options need version: \"2\")"
                                 : " (InfluxDB 1.x options need version: \"1\")"));
}

Status check_v1(const InfluxdbConfig& c) {
  if (c.database.empty()) return invalid("database: required with version \"1\"");
  for (auto [name, value] : {std::pair<std::string_view, const std::string*>{"org", &c.org},
                             {"bucket", &c.bucket}, {"token", &c.token}, {"token_file", &c.token_file}}) {
    if (Status st = refuse_with_version(name, *value, "1"); !st.is_ok()) return st;
  }
  if (!c.password.empty() && !c.password_file.empty()) {
    return invalid("password, password_file: give one of them, not both");
  }
  const bool has_password = !c.password.empty() || !c.password_file.empty();
  if (has_password && c.username.empty()) return invalid("username: required with password or password_file");
  if (!c.username.empty() && !has_password) return invalid("password: required with username (or password_file)");
  return Status::ok();
}

Status check_v2(const InfluxdbConfig& c) {
  if (c.org.empty()) return invalid("org: required with version \"2\"");
  if (c.bucket.empty()) return invalid("bucket: required with version \"2\"");
  for (auto [name, value] : {std::pair<std::string_view, const std::string*>{"database", &c.database},
                             {"retention_policy", &c.retention_policy}, {"username", &c.username},
                             {"password", &c.password}, {"password_file", &c.password_file}}) {
    if (Status st = refuse_with_version(name, *value, "2"); !st.is_ok()) return st;
  }
  if (!c.token.empty() && !c.token_file.empty()) return invalid("token, token_file: give one of them, not both");
  if (c.token.empty() && c.token_file.empty()) return invalid("token: required with version \"2\" (or token_file)");
  return Status::ok();
}

}  // namespace

Status validate_config(const InfluxdbConfig& c) {
  Result<HttpEndpoint> endpoint = parse_http_endpoint(c.url);
  if (!endpoint) return invalid("url: " + endpoint.status().message());
  if (endpoint->target.find('?') != std::string::npos) {
    return invalid("url: must not have a query; database, bucket and the rest are options of their own");
  }
  if (c.version == "1") {
    if (Status st = check_v1(c); !st.is_ok()) return st;
  } else if (c.version == "2") {
    if (Status st = check_v2(c); !st.is_ok()) return st;
  } else {
    return invalid("version: must be \"1\" or \"2\", got \"" + c.version + "\"");
  }
  if (c.max_lines_per_request < 1) {
    return invalid("max_lines_per_request: must be at least 1, got " + std::to_string(c.max_lines_per_request));
  }
  for (const auto& [key, value] : c.tags) {
    if (key.empty()) return invalid("tags: a tag key must not be empty");
    if (value.empty()) return invalid("tags." + key + ": empty value (line protocol cannot carry an empty tag)");
    for (std::string_view reserved : kPointTagKeys) {
      if (key == reserved) return invalid("tags." + key + ": every line already has this tag");
    }
  }
  if (!endpoint->tls) {
    for (auto [name, value] : {std::pair<std::string_view, const std::string*>{"ca_file", &c.ca_file},
                               {"client_certificate_file", &c.client_certificate_file},
                               {"client_key_file", &c.client_key_file}}) {
      if (!value->empty()) return invalid(std::string(name) + ": only with an https:// url");
    }
    if (c.insecure_skip_verify) return invalid("insecure_skip_verify: only with an https:// url");
  }
  if (c.client_certificate_file.empty() != c.client_key_file.empty()) {
    return invalid("client_certificate_file, client_key_file: give both or neither");
  }
  return Status::ok();
}

}  // namespace mpf::sinks::influxdb
