#include "write_target.h"

namespace mpf::sinks::influxdb {

std::string query_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                            u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string write_target(const InfluxdbConfig& config, std::string_view base_path) {
  while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  std::string target(base_path);
  if (config.version == "2") {
    target += "/api/v2/write?org=" + query_escape(config.org) + "&bucket=" + query_escape(config.bucket);
  } else {
    target += "/write?db=" + query_escape(config.database);
    if (!config.retention_policy.empty()) target += "&rp=" + query_escape(config.retention_policy);
  }
  target += "&precision=ns";
  return target;
}

}  // namespace mpf::sinks::influxdb
