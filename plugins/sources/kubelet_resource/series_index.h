#pragma once

// The parser's index from a series' interned names to its position in NodeBatch::containers or ::pods.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mpf/sdk/names.h"

namespace mpf::sources::kubelet_resource {

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

inline std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

// Open-addressing index from a series' names to its position in NodeBatch::containers or ::pods.
// Slots hold positions only; callers hash the interned name ids and compare them exactly. Positions
// are inserted in order 0, 1, 2, ..., which lets grow() rebuild from the positions alone.
//
// The slots live in caller-provided storage (thread-local in the parser, so it is not allocated per
// parse) and move to the heap only when a body has more series than that storage holds.
class SlotIndex {
 public:
  SlotIndex(std::uint32_t* storage, std::size_t storage_slots) : storage_(storage), storage_slots_(storage_slots) {
    size_ = std::min<std::size_t>(kInitialSlots, storage_slots_);
    slots_ = storage_;
    std::fill(slots_, slots_ + size_, kNoIndex);
  }

  // The stored position for which matches(position) holds, or kNoIndex.
  template <class Matches>
  std::uint32_t find(std::uint64_t hash, const Matches& matches) const {
    const std::size_t mask = size_ - 1;
    for (std::size_t i = mix(hash) & mask;; i = (i + 1) & mask) {
      const std::uint32_t s = slots_[i];
      if (s == kNoIndex || matches(s)) return s;
    }
  }

  // `position` must be the number of positions inserted so far. The load stays at most one half, so
  // find() always reaches an empty slot.
  template <class HashOf>
  void insert(std::uint64_t hash, std::uint32_t position, const HashOf& hash_of) {
    if ((used_ + 1) * 2 > size_) grow(hash_of);
    place(hash, position);
    ++used_;
  }

 private:
  static constexpr std::size_t kInitialSlots = 256;  // a power of two, like every size

  void place(std::uint64_t hash, std::uint32_t position) {
    const std::size_t mask = size_ - 1;
    std::size_t i = mix(hash) & mask;
    while (slots_[i] != kNoIndex) i = (i + 1) & mask;
    slots_[i] = position;
  }

  template <class HashOf>
  void grow(const HashOf& hash_of) {
    size_ *= 2;
    if (size_ <= storage_slots_) {
      slots_ = storage_;
    } else {
      heap_.assign(size_, kNoIndex);
      slots_ = heap_.data();
    }
    std::fill(slots_, slots_ + size_, kNoIndex);
    for (std::uint32_t position = 0; position < used_; ++position) place(hash_of(position), position);
  }

  std::uint32_t* const storage_;
  const std::size_t storage_slots_;
  std::vector<std::uint32_t> heap_;
  std::uint32_t* slots_ = nullptr;
  std::size_t size_ = 0;
  std::uint32_t used_ = 0;
};

inline std::uint64_t pod_hash(NameId ns, NameId pod) { return (std::uint64_t{ns} << 32) | pod; }
inline std::uint64_t container_hash(NameId ns, NameId pod, NameId container) {
  return pod_hash(ns, pod) ^ (std::uint64_t{container} * 0x9E3779B97F4A7C15ULL);
}

}  // namespace mpf::sources::kubelet_resource
