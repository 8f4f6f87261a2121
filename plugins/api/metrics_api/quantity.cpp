#include "metrics_api/quantity.h"

#include <charconv>
#include <limits>

namespace mpf::api::metrics {
namespace {

constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// metrics-server converts through int64: above that it stores val/10 one decimal order higher. The
// value printed is then exactly (val/10)*10 (Quantity's big-number path keeps it exact), which still
// fits in uint64, so the rest of the code works on that one integer.
std::uint64_t as_metrics_server_stores(std::uint64_t value) {
  return value > kInt64Max ? value / 10 * 10 : value;
}

void append_uint(std::string& out, std::uint64_t value) {
  char buf[20];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, result.ptr);
}

// Quantity.AsCanonicalBytes for value * 10^exponent: strip factors of ten into the exponent, then
// lower the exponent to a multiple of three. Only called with exponents whose suffix exists.
void append_decimal_si(std::string& out, std::uint64_t value, int exponent) {
  if (value == 0) {
    out += '0';
    return;
  }
  while (value % 10 == 0) {
    value /= 10;
    ++exponent;
  }
  // Go's % truncates toward zero; lowering to the multiple of three below never overflows because
  // it only multiplies back zeros that were just stripped or that the -9 scale adds.
  while (exponent % 3 != 0) {
    value *= 10;
    --exponent;
  }
  append_uint(out, value);
  switch (exponent) {
    case -9: out += 'n'; break;
    case -6: out += 'u'; break;
    case -3: out += 'm'; break;
    case 0: break;
    case 3: out += 'k'; break;
    case 6: out += 'M'; break;
    case 9: out += 'G'; break;
    case 12: out += 'T'; break;
    case 15: out += 'P'; break;
    default: out += 'E'; break;  // 18: 2^64 < 10^21, so nothing larger can occur.
  }
}

}  // namespace

void append_cpu_quantity(std::string& out, std::uint64_t nanocores) {
  append_decimal_si(out, as_metrics_server_stores(nanocores), -9);
}

void append_memory_quantity(std::string& out, std::uint64_t bytes) {
  std::uint64_t value = as_metrics_server_stores(bytes);
  if (value < 1024) {  // CanonicalizeBytes: |q| < 1024 switches BinarySI to DecimalSI.
    append_decimal_si(out, value, 0);
    return;
  }
  int power = 0;
  while (value % 1024 == 0) {
    value /= 1024;
    ++power;
  }
  append_uint(out, value);
  static constexpr const char* kBinarySuffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  out += kBinarySuffix[power];  // 2^64 = 1024^6.4, so power <= 6.
}

std::string cpu_quantity(std::uint64_t nanocores) {
  std::string out;
  append_cpu_quantity(out, nanocores);
  return out;
}

std::string memory_quantity(std::uint64_t bytes) {
  std::string out;
  append_memory_quantity(out, bytes);
  return out;
}

}  // namespace mpf::api::metrics
