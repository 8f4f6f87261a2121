#pragma once

#include <cstdint>
#include <string>

// Number and time formatting exactly as the kubelet's Go libraries print them, appended to a reused
// buffer (no streams, no allocation beyond the buffer's growth).

namespace mpf::sim {

// Go's strconv.FormatFloat(value, 'g', -1, 64), which the Prometheus text encoder uses for sample values:
// the shortest digits that read back to the same double, in exponent form when the decimal exponent is
// below -4 or at least 6 ("1.253376e+07", "4.710169", "0", "1e+06").
void append_go_float(std::string& out, double value);

void append_decimal(std::string& out, uint64_t value);
void append_decimal(std::string& out, int64_t value);

// RFC 3339 in UTC truncated to whole seconds, as metav1.Time marshals to JSON: "2026-01-13T18:40:14Z".
void append_rfc3339_seconds(std::string& out, int64_t unix_ns);

// The HTTP Date header format (RFC 7231 IMF-fixdate): "Tue, 13 Jan 2026 18:40:14 GMT".
void append_http_date(std::string& out, int64_t unix_seconds);

}  // namespace mpf::sim
