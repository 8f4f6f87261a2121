#pragma once

/// @file
/// Interned names. A cluster repeats the same namespace, pod and container names in every cycle and
/// every sample; storing each distinct name once and referring to it by a 32-bit id keeps a batch of
/// 300 000 containers compact and makes comparisons integer compares.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mpf {

/// Index of a name in a NameTable. Id 0 is always the empty name.
using NameId = std::uint32_t;
inline constexpr NameId kEmptyName = 0;

/// An append-only set of strings stored back to back in one buffer.
/// Not thread-safe while being written; safe to read concurrently once frozen (e.g. in a snapshot).
class NameTable {
 public:
  NameTable() { clear(); }

  /// The id of `name`, adding it if new. Amortised O(1); allocates only when the table grows.
  NameId intern(std::string_view name) {
    if (name.empty()) return kEmptyName;
    auto it = index_.find(Key{name, this});
    if (it != index_.end()) return it->second;
    auto id = static_cast<NameId>(offsets_.size() - 1);
    bytes_.append(name);
    offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
    index_.emplace(Key{{}, this, id}, id);
    return id;
  }

  /// The id of `name`, or nullopt-like kNotFound if absent. Never adds.
  static constexpr NameId kNotFound = 0xFFFFFFFFu;
  NameId find(std::string_view name) const {
    if (name.empty()) return kEmptyName;
    auto it = index_.find(Key{name, this});
    return it == index_.end() ? kNotFound : it->second;
  }

  /// The text of `id`. The view points into the table's buffer: adding names may move that buffer, so
  /// copy the text before interning more; a frozen table (as in a snapshot) never moves it.
  std::string_view name(NameId id) const {
    return std::string_view(bytes_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  /// Number of names including the empty one.
  std::size_t size() const { return offsets_.size() - 1; }
  /// Bytes used by the names themselves (excluding the index).
  std::size_t byte_size() const { return bytes_.size(); }

  /// Forgets every name but keeps the allocated capacity, so a reused table stops allocating.
  void clear() {
    bytes_.clear();
    offsets_.clear();
    offsets_.push_back(0);
    offsets_.push_back(0);  // id 0: the empty name
    index_.clear();
  }

  NameTable(const NameTable& other) : bytes_(other.bytes_), offsets_(other.offsets_) { rebuild_index(); }
  NameTable& operator=(const NameTable& other) {
    if (this != &other) {
      bytes_ = other.bytes_;
      offsets_ = other.offsets_;
      rebuild_index();
    }
    return *this;
  }
  NameTable(NameTable&& other) noexcept : bytes_(std::move(other.bytes_)), offsets_(std::move(other.offsets_)) {
    rebuild_index();
    other.clear();
  }
  NameTable& operator=(NameTable&& other) noexcept {
    bytes_ = std::move(other.bytes_);
    offsets_ = std::move(other.offsets_);
    rebuild_index();
    other.clear();
    return *this;
  }

 private:
  // A key is either a probe (text set) or a stored id (text read from the table), so the index
  // holds no copies of the strings.
  struct Key {
    std::string_view probe;
    const NameTable* table;
    NameId id = 0;
    std::string_view text() const { return probe.data() != nullptr ? probe : table->name(id); }
  };
  struct Hash {
    std::size_t operator()(const Key& k) const { return std::hash<std::string_view>()(k.text()); }
  };
  struct Equal {
    bool operator()(const Key& a, const Key& b) const { return a.text() == b.text(); }
  };

  void rebuild_index() {
    index_.clear();
    for (NameId id = 1; id < offsets_.size() - 1; ++id) index_.emplace(Key{{}, this, id}, id);
  }

  std::string bytes_;
  std::vector<std::uint32_t> offsets_;
  std::unordered_map<Key, NameId, Hash, Equal> index_;
};

}  // namespace mpf
