#pragma once

/// @file
/// The canonical strings of Kubernetes resource.Quantity for the two quantities the Metrics API
/// carries, computed directly from integers (no Quantity object, no allocation beyond the result).

#include <cstdint>
#include <string>

namespace mpf::api::metrics {

/// CPU usage as metrics-server writes it: Go `resource.NewScaledQuantity(int64(n), -9)` (DecimalSI)
/// `.String()`. Trailing zero triplets move into the suffix: 116246336 -> "116246336n",
/// 5000000 -> "5m", 1500000 -> "1500u", 1000000000 -> "1", 0 -> "0".
/// Above INT64_MAX, metrics-server's uint64Quantity keeps val/10 at scale -8, i.e. the last decimal
/// digit is dropped; we reproduce that byte for byte (18446744073709551615 -> "18446744073709551610n").
std::string cpu_quantity(std::uint64_t nanocores);

/// Memory (or swap) as metrics-server writes it: `NewScaledQuantity(int64(b), 0)` with BinarySI.
/// The largest exact power-of-1024 suffix (12533760 -> "12240Ki"), plain decimal when not divisible
/// by 1024 ("12533761"), and -- Go's quirk -- DecimalSI below 1024, so 1000 -> "1k".
/// Above INT64_MAX the last decimal digit is dropped first, as metrics-server does (see cpu_quantity).
std::string memory_quantity(std::uint64_t bytes);

/// Appending forms of the above for writers that build a body in place.
void append_cpu_quantity(std::string& out, std::uint64_t nanocores);
void append_memory_quantity(std::string& out, std::uint64_t bytes);

}  // namespace mpf::api::metrics
