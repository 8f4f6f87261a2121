#pragma once

/// @file
/// The two Go formatting rules the Metrics API bodies use for time: metav1.Time and metav1.Duration.

#include <cstdint>
#include <string>

namespace mpf::api::metrics {

/// metav1.Time in JSON: `t.UTC().Format(time.RFC3339)`, whole seconds, e.g. "2021-10-03T09:37:04Z".
/// Sub-second parts are dropped toward the past (floor), as Go's time keeps nanoseconds in [0, 1e9):
/// -1 ns is "1969-12-31T23:59:59Z". Every int64 is valid (years 1677..2262).
std::string rfc3339_seconds(std::int64_t unix_ns);
void append_rfc3339_seconds(std::string& out, std::int64_t unix_ns);

/// metav1.Duration in JSON: Go's time.Duration.String(), e.g. "15.012s", "1m0.5s", "1µs" (U+00B5),
/// "0s", "-1.5s". This is the SDK's mpf::format_duration, which matches Go for every int64 (checked
/// against Go-generated cases in the tests); the wrapper only fixes the name the encoders use.
std::string go_duration(std::int64_t ns);

}  // namespace mpf::api::metrics
