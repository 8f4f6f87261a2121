#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mpf::sources::kubelet_summary {

enum class TimeParse : std::uint8_t {
  kOk,
  // Not RFC 3339 date-time syntax, or a field out of its calendar range (month 13, Feb 30, ...).
  kMalformed,
  // Valid RFC 3339 that int64 nanoseconds cannot hold: before 1677-09-21 or after 2262-04-11.
  // Go's zero time.Time ("0001-01-01T00:00:00Z") is the one such value a Go program emits.
  kOutOfRange,
};

// Parses an RFC 3339 date-time (`2020-04-16T20:25:28Z`, `2020-04-16T20:25:28.123456789+02:00`) into
// nanoseconds since the Unix epoch. Strict: upper-case `T` and `Z` only (what Go emits), exactly two
// digits per field, at least one fractional digit after `.`; digits beyond the ninth are truncated.
// A leap second (`:60`) counts as the first second of the next minute, as POSIX time does.
// No locale, no allocation; `ns` is written only on kOk.
TimeParse parse_rfc3339(std::string_view text, std::int64_t& ns);

// Longest text format_rfc3339_utc() writes: int64 nanoseconds span the years 1677 to 2262, so the year
// always has four digits and "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" is 30 bytes.
inline constexpr std::size_t kRfc3339MaxLength = 30;

// Formats `ns` as UTC with Go's RFC3339Nano rules (fraction without trailing zeros, none if zero).
// Writes at most kRfc3339MaxLength bytes to `out` and returns how many. Used by tests, fuzzing and the
// benchmark to produce summaries, and by callers that log a sample time.
std::size_t format_rfc3339_utc(std::int64_t ns, char* out);

}  // namespace mpf::sources::kubelet_summary
