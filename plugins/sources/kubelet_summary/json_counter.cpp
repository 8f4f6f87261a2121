#include "json_counter.h"

#include <limits>

namespace mpf::sources::kubelet_summary {
namespace {

constexpr std::uint64_t kMaxCounter = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The slow path: sign, digits, fraction and exponent, evaluated exactly.
CounterParse parse_general(std::string_view text, std::uint64_t& value) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  // The significant digits are the integer and fraction digits without leading zeros; `scale` is the
  // power of ten they are multiplied by.
  const char* first_digit = nullptr;
  int significant = 0;
  std::int64_t scale = 0;
  int trailing_zeros = 0;  // zeros at the end of the significant digits seen so far
  bool any_digit = false;
  bool in_fraction = false;
  for (; p != end; ++p) {
    if (is_digit(*p)) {
      any_digit = true;
      if (in_fraction) --scale;
      if (first_digit == nullptr && *p == '0') continue;
      if (first_digit == nullptr) first_digit = p;
      ++significant;
      trailing_zeros = *p == '0' ? trailing_zeros + 1 : 0;
    } else if (*p == '.' && !in_fraction) {
      in_fraction = true;
    } else {
      break;
    }
  }
  if (!any_digit) return CounterParse::kMalformed;
  if (p != end) {
    if (*p != 'e' && *p != 'E') return CounterParse::kMalformed;
    ++p;
    bool exponent_negative = false;
    if (p != end && (*p == '+' || *p == '-')) exponent_negative = *p++ == '-';
    if (p == end) return CounterParse::kMalformed;
    std::int64_t exponent = 0;
    for (; p != end; ++p) {
      if (!is_digit(*p)) return CounterParse::kMalformed;
      // Saturate: anything beyond a million digits is out of every range below anyway.
      if (exponent < 1000000) exponent = exponent * 10 + (*p - '0');
    }
    scale += exponent_negative ? -exponent : exponent;
  }
  if (first_digit == nullptr) {  // all zeros, whatever the sign or exponent
    value = 0;
    return CounterParse::kOk;
  }
  if (negative) return CounterParse::kNegative;
  // Move the trailing zeros of the digits into the scale; then a negative scale means a fraction.
  significant -= trailing_zeros;
  scale += trailing_zeros;
  if (scale < 0) return CounterParse::kFractional;
  if (significant + scale > 19) return CounterParse::kTooLarge;
  std::uint64_t v = 0;
  int taken = 0;
  for (const char* q = first_digit; taken < significant; ++q) {
    if (*q == '.') continue;
    v = v * 10 + static_cast<std::uint64_t>(*q - '0');  // at most 19 digits: no overflow
    ++taken;
  }
  for (std::int64_t k = 0; k < scale; ++k) {
    if (__builtin_mul_overflow(v, std::uint64_t{10}, &v)) return CounterParse::kTooLarge;
  }
  if (v > kMaxCounter) return CounterParse::kTooLarge;
  value = v;
  return CounterParse::kOk;
}

}  // namespace

CounterParse parse_counter(std::string_view text, std::uint64_t& value) {
  // Fast path: what the kubelet writes, a plain integer of at most 18 digits (below 10^18 < 2^63).
  if (!text.empty() && text.size() <= 18) {
    std::uint64_t v = 0;
    std::size_t i = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (i == text.size()) {
      value = v;
      return CounterParse::kOk;
    }
  }
  return parse_general(text, value);
}

}  // namespace mpf::sources::kubelet_summary
