#pragma once

// An open-addressing index from a caller-defined key to a position in a caller-owned vector. The
// entries live in a flat vector (cache-friendly, one allocation); this table holds only positions and
// hash bits, 12 bytes per slot at a load factor of at most 1/2. reset() keeps the slot capacity, so
// an index rebuilt every cycle stops allocating once it has seen its largest cycle.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mpf::core {

class FlatIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // Empties the index and sizes it for `expected` entries, so that filling it never rehashes.
  void reset(std::size_t expected) {
    std::size_t n = 16;
    while (n < expected * 2) n <<= 1;
    slots_.assign(n, Slot{});
    size_ = 0;
  }

  // The position stored for the key whose hash is `hash` and for which `matches(position)` holds,
  // or kNone.
  template <class Matches>
  std::uint32_t find(std::uint64_t hash, Matches matches) const {
    if (slots_.empty()) return kNone;
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const Slot& s = slots_[slot];
      if (s.position == kNone) return kNone;
      if (s.tag == tag && matches(s.position)) return s.position;
    }
  }

  // Records `position` for a key known to be absent.
  void insert(std::uint64_t hash, std::uint32_t position) {
    // Load factor at most 1/2 keeps probe sequences short.
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(Slot{position, static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(hash)});
    ++size_;
  }

  std::size_t size() const { return size_; }
  std::size_t capacity_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  // The tag (high hash bits) rejects most non-matching probes without touching the entry vector;
  // the low bits are kept so that growing can rehash without asking the caller.
  struct Slot {
    std::uint32_t position = kNone;
    std::uint32_t tag = 0;
    std::uint32_t low = 0;
  };

  void place(const Slot& s) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t slot = s.low & mask;
    while (slots_[slot].position != kNone) slot = (slot + 1) & mask;
    slots_[slot] = s;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.position != kNone) place(s);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// Mixes up to three 32-bit ids into a 64-bit hash (splitmix64 finaliser: cheap and well spread).
inline std::uint64_t hash_ids(std::uint32_t a, std::uint32_t b = 0, std::uint32_t c = 0) {
  std::uint64_t x = (static_cast<std::uint64_t>(a) << 32 | b) ^ (static_cast<std::uint64_t>(c) * 0x9E3779B97F4A7C15ull);
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

}  // namespace mpf::core
