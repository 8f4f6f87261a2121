#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace mpf::sim {

// SplitMix64 finaliser: a cheap, well-mixed 64-bit hash.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A small deterministic generator. Every entity of the model draws from its own stream, keyed by the
// seed and the entity's coordinates, so that a value never depends on the order in which others were
// generated (renaming one pod must not shift the numbers of the next).
class SeededRandom {
 public:
  SeededRandom(uint64_t seed, std::initializer_list<uint64_t> keys) : state_(mix64(seed)) {
    for (uint64_t key : keys) state_ = mix64(state_ ^ mix64(key + 0x51ed27c3a5b1f00dULL));
  }

  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [lo, hi], both inclusive. Always takes one draw, even from a one-value range: the
  // draws after it must not depend on a setting that narrows a range (a farm run with
  // --stats-interval-ms 0 and an API server with the default must still agree on every pod's churn
  // slot and name).
  uint64_t uniform(uint64_t lo, uint64_t hi) {
    const uint64_t drawn = next();
    if (hi <= lo) return lo;
    return lo + drawn % (hi - lo + 1);
  }
  int64_t uniform_signed(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(uniform(0, static_cast<uint64_t>(hi - lo)));
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Log-uniform in [lo, hi]: resource usage spans orders of magnitude, most containers being small.
  uint64_t log_uniform(uint64_t lo, uint64_t hi) {
    const double l = std::log(static_cast<double>(lo));
    const double h = std::log(static_cast<double>(hi));
    const auto v = static_cast<uint64_t>(std::exp(l + unit() * (h - l)));
    return v < lo ? lo : (v > hi ? hi : v);
  }

  bool chance(double p) { return unit() < p; }

 private:
  uint64_t state_;
};

}  // namespace mpf::sim
