#pragma once

// The write request's path and query for each InfluxDB version. Pure.

#include <string>
#include <string_view>

#include "influxdb_config.h"

namespace mpf::sinks::influxdb {

/// `value` percent-encoded for a query parameter: everything but RFC 3986's unreserved characters
/// (letters, digits, - . _ ~) as %XX, so names with &, =, + or spaces reach the server intact.
std::string query_escape(std::string_view value);

/// `base_path` (the URL's path, "/" when none) + "/write?db=..&rp=..&precision=ns" for version 1, or
/// + "/api/v2/write?org=..&bucket=..&precision=ns" for version 2. Credentials never go in the query.
std::string write_target(const InfluxdbConfig& config, std::string_view base_path);

}  // namespace mpf::sinks::influxdb
