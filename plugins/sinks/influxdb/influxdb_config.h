#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "mpf/sdk/options.h"
#include "mpf/sdk/status.h"

namespace mpf::sinks::influxdb {

/// The `influxdb` sink's options, flat as in Telegraf's outputs.influxdb(_v2). Parsed once, then
/// immutable; validate_config() checks the rules between fields.
struct InfluxdbConfig {
  /// Base URL of the server, e.g. http://influxdb:8086 (a path prefix is kept, for proxies); the write
  /// path /write (1.x) or /api/v2/write (2.x) is appended. Required.
  std::string url;
  /// "1" (InfluxDB 1.x /write) or "2" (InfluxDB 2.x and Cloud /api/v2/write).
  std::string version = "1";  // Default: "1"
  /// 1.x: the database (required) and retention policy (optional: the database's default).
  std::string database;
  std::string retention_policy;
  /// 2.x: organization and bucket (both required), and the API token, given inline or in a file read
  /// at start-up (exactly one of the two).
  std::string org;
  std::string bucket;
  std::string token;
  std::string token_file;
  /// 1.x authentication, sent as an Authorization: Basic header (never in the query, where proxies
  /// log it); the password inline or in a file read at start-up.
  std::string username;
  std::string password;
  std::string password_file;
  /// Extra tags on every line, e.g. {cluster: prod}.
  std::map<std::string, std::string> tags;
  /// Compress request bodies (Content-Encoding: gzip).
  bool gzip = false;  // Default: false
  /// Lines per request: a snapshot larger than this goes out in several requests.
  std::int64_t max_lines_per_request = 5000;  // Default: 5000
  /// Also write kubernetes_namespace and kubernetes_cluster totals.
  bool totals = true;  // Default: true
  /// https:// only: CA bundle to verify the server with (default: the system's roots), client
  /// certificate and key for mutual TLS, and skipping verification (tests only).
  std::string ca_file;
  std::string client_certificate_file;
  std::string client_key_file;
  bool insecure_skip_verify = false;  // Default: false
};

/// The single declaration of the options (validation, --describe-plugin, --print-config, binding).
const OptionSet<InfluxdbConfig>& influxdb_options();

/// The rules between fields: version, what each version requires and refuses, credentials given
/// once, extra tags, TLS files only with https. invalid_argument naming the option on failure.
Status validate_config(const InfluxdbConfig& config);

}  // namespace mpf::sinks::influxdb
