#pragma once

// The scalar conversions of the Kubernetes object decoders (k8s_objects.h): the text RapidJSON hands
// over for numbers, times and kept strings, checked the way Go's decoder would. No allocation.

#include <cstdint>
#include <string_view>

namespace mpf::core {

// An RFC 3339 date-time as metav1.Time reads it (Go's time.RFC3339): "2024-01-09T10:00:00Z",
// "2024-01-09T10:00:00.123456Z", "2024-01-09T11:00:00+01:00". Upper-case T and Z only, two digits
// per field, a fraction of at least one digit. Gives Unix seconds, floored (the fraction is dropped),
// or false for anything else, including calendar errors (Feb 30) and second 60, which Go rejects.
bool parse_rfc3339_unix_seconds(std::string_view text, std::int64_t& seconds);

enum class IntegerParse : std::uint8_t {
  kOk,
  kNotInteger,  // a fraction or an exponent: Go does not decode 1.0 or 1e3 into an int32
  kOutOfRange,
};

// A JSON number's text (already validated by the reader) as an integer in [min, max]; magnitudes of
// 10^18 and more are always out of range. `value` is written only on kOk.
IntegerParse parse_json_integer(std::string_view text, std::int64_t min, std::int64_t max, std::int64_t& value);

// Whether `s` is well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
// RapidJSON passes raw bytes through and turns a lone \udc00 escape into a surrogate's bytes; kept
// strings leave again as JSON and metric labels, so they are checked.
bool valid_utf8(std::string_view s);

}  // namespace mpf::core
