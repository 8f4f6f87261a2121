#include "core/export/backoff.h"

#include <algorithm>

namespace mpf::core {

Backoff::Backoff(const RetrySettings& settings, std::uint64_t seed)
    : settings_(settings), interval_(settings.initial_interval), random_(seed) {}

void Backoff::reset() { interval_ = settings_.initial_interval; }

std::optional<std::chrono::nanoseconds> Backoff::next(std::chrono::nanoseconds elapsed) {
  const double current = static_cast<double>(interval_.count());
  const double f = settings_.randomization_factor;
  std::uniform_real_distribution<double> spread(current * (1.0 - f), current * (1.0 + f));
  auto wait = std::chrono::nanoseconds(static_cast<std::int64_t>(f > 0 ? spread(random_) : current));
  const double grown = current * settings_.multiplier;
  const double cap = static_cast<double>(settings_.max_interval.count());
  interval_ = std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(grown, cap)));
  if (settings_.max_elapsed_time > std::chrono::nanoseconds::zero() && elapsed + wait > settings_.max_elapsed_time) {
    return std::nullopt;
  }
  return wait;
}

}  // namespace mpf::core
