#pragma once

#include <cstdint>
#include <string_view>

namespace mpf::sources::kubelet_summary {

enum class CounterParse : std::uint8_t {
  kOk,
  // Below zero: a kubelet counter is never negative, so the value cannot be trusted.
  kNegative,
  // Not a whole number (`1.5`, `2e-1`): no counter or byte count has a fraction.
  kFractional,
  // 2^63 or more. Real readings stay far below; values up there are uint64 underflows in the kubelet
  // (KEP 2400's swap usage of 1.8446743709127774e+19) and would turn negative in any int64 consumer.
  kTooLarge,
  // Not JSON number syntax.
  kMalformed,
};

// The exact value of a JSON number that must be a non-negative whole count below 2^63.
// Integers are read directly; a number written with a fraction or exponent is converted exactly with
// decimal arithmetic (no floating point), so `1.449984e+06` is 1449984 and `1.5` is kFractional.
// `-0` is 0. `value` is written only on kOk.
CounterParse parse_counter(std::string_view text, std::uint64_t& value);

}  // namespace mpf::sources::kubelet_summary
