#pragma once

/// @file
/// Interned names. A cluster repeats the same namespace, pod and container names in every cycle and
/// every sample; storing each distinct name once and referring to it by a 32-bit id keeps a batch of
/// 300 000 containers compact and makes comparisons integer compares.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpf {

/// Index of a name in a NameTable. Id 0 is always the empty name.
using NameId = std::uint32_t;
inline constexpr NameId kEmptyName = 0;

/// An append-only set of strings stored back to back in one buffer, indexed by an open-addressing
/// hash table of ids. clear() keeps every buffer's capacity, so a table reused across cycles stops
/// allocating once it has seen its largest cycle. Moves never allocate; a moved-from table holds only
/// the empty name and stays usable.
/// Not thread-safe while being written; safe to read concurrently once frozen (e.g. in a snapshot).
class NameTable {
 public:
  NameTable() { clear(); }

  /// The id of `name`, adding it if new. Amortised O(1); allocates only when the table grows.
  NameId intern(std::string_view name) {
    if (name.empty()) return kEmptyName;
    if (slots_.empty()) clear();  // a moved-from table
    const std::uint32_t hash = hash_of(name);
    std::size_t slot = find_slot(name, hash);
    if (slots_[slot] != kEmptyName) return slots_[slot];
    auto id = static_cast<NameId>(offsets_.size() - 1);
    bytes_.append(name);
    offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
    hashes_.push_back(hash);
    slots_[slot] = id;
    // Keep the load factor at most 1/2 so that probes stay short.
    if ((size() + 1) * 2 > slots_.size()) grow();
    return id;
  }

  /// The id of `name`, or kNotFound if absent. Never adds.
  static constexpr NameId kNotFound = 0xFFFFFFFFu;
  NameId find(std::string_view name) const {
    if (name.empty()) return kEmptyName;
    if (slots_.empty()) return kNotFound;  // a moved-from table
    NameId id = slots_[find_slot(name, hash_of(name))];
    return id == kEmptyName ? kNotFound : id;
  }

  /// The text of `id`. The view points into the table's buffer: adding names may move that buffer, so
  /// copy the text before interning more; a frozen table (as in a snapshot) never moves it.
  std::string_view name(NameId id) const {
    if (offsets_.empty()) return {};  // a moved-from table holds only the empty name
    return std::string_view(bytes_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  /// Number of names including the empty one.
  std::size_t size() const { return offsets_.empty() ? 1 : offsets_.size() - 1; }
  /// Bytes used by the names themselves (excluding the index).
  std::size_t byte_size() const { return bytes_.size(); }

  /// Forgets every name but keeps the allocated capacity, so a reused table stops allocating.
  void clear() {
    bytes_.clear();
    offsets_.clear();
    offsets_.push_back(0);
    offsets_.push_back(0);  // id 0: the empty name
    hashes_.clear();
    hashes_.push_back(0);
    if (slots_.empty()) slots_.resize(kInitialSlots);
    std::fill(slots_.begin(), slots_.end(), kEmptyName);
  }

 private:
  static constexpr std::size_t kInitialSlots = 64;  // a power of two

  static std::uint32_t hash_of(std::string_view s) {
    // FNV-1a: names are short, so a simple byte hash beats anything with setup cost.
    std::uint32_t h = 2166136261u;
    for (unsigned char c : s) h = (h ^ c) * 16777619u;
    return h;
  }

  // The slot holding `name`, or the empty slot where it would go.
  std::size_t find_slot(std::string_view name, std::uint32_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      NameId id = slots_[slot];
      if (id == kEmptyName || (hashes_[id] == hash && this->name(id) == name)) return slot;
    }
  }

  void grow() {
    std::vector<NameId> old = std::move(slots_);
    slots_.assign(old.size() * 2, kEmptyName);
    const std::size_t mask = slots_.size() - 1;
    for (NameId id : old) {
      if (id == kEmptyName) continue;
      std::size_t slot = hashes_[id] & mask;
      while (slots_[slot] != kEmptyName) slot = (slot + 1) & mask;
      slots_[slot] = id;
    }
  }

  std::string bytes_;
  std::vector<std::uint32_t> offsets_;
  std::vector<std::uint32_t> hashes_;  // per id, so probes compare text only on a hash match
  std::vector<NameId> slots_;          // open addressing; kEmptyName marks a free slot
};

}  // namespace mpf
