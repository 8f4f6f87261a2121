#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mpf/sdk/http_client.h"
#include "mpf/sdk/http_endpoint.h"
#include "mpf/sdk/options.h"
#include "series_encoder.h"

namespace mpf::sinks::remote_write {

inline constexpr const char* kPluginVersion = "0.1.0";

/// The options as written in YAML (see config.yaml and the README for each one).
struct RemoteWriteConfig {
  std::string url;                                     // Default: "" (required)
  std::map<std::string, std::string> external_labels;  // Default: none
  std::map<std::string, std::string> headers;          // Default: none
  std::string basic_auth_username;                     // Default: ""
  std::string basic_auth_password;                     // Default: ""
  std::string basic_auth_password_file;                // Default: ""
  std::string bearer_token;                            // Default: ""
  std::string bearer_token_file;                       // Default: ""
  std::string ca_file;                                 // Default: "" (system roots)
  std::string client_certificate_file;                 // Default: ""
  std::string client_key_file;                         // Default: ""
  bool insecure_skip_verify = false;                   // Default: false
  std::int64_t max_samples_per_request = 2000;         // Default: 2000 (1..1000000)
  bool cumulative = true;                              // Default: true
  bool totals = true;                                  // Default: true
};

/// The single declaration of the options (validation, --describe-plugin, --print-config, binding).
const OptionSet<RemoteWriteConfig>& remote_write_options();

/// What the exporter runs with, derived from a checked config: nothing left to validate or read.
struct RemoteWriteSettings {
  std::string url;
  HttpEndpoint endpoint;
  HttpClientOptions client;
  /// Sent with every request after the protocol's own headers (Authorization for basic auth included).
  std::vector<std::pair<std::string, std::string>> headers;
  std::map<std::string, std::string> external_labels;
  SeriesOptions series;
};

/// Checks the cross-field rules and reads the password file. Every failure is invalid_argument naming
/// the option.
Result<RemoteWriteSettings> make_settings(const RemoteWriteConfig& config);

}  // namespace mpf::sinks::remote_write
