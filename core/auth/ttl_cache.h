#pragma once

// A bounded map whose entries expire: the answers of the token and access review webhooks, kept for
// --authentication-token-webhook-cache-ttl / --authorization-webhook-cache-*-ttl. At capacity the least
// recently used entry goes (counted), so a flood of distinct tokens or requests cannot grow memory.
// Thread-safe.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace mpf::core::auth {

template <class Value>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TtlCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The live entry for `key`, refreshed as most recently used; nullopt when absent or expired.
  std::optional<Value> get(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires <= now) {
      order_.erase(it->second.position);
      entries_.erase(it);
      return std::nullopt;
    }
    order_.splice(order_.begin(), order_, it->second.position);
    return it->second.value;
  }

  // Keeps `value` until `expires`, replacing an entry of the same key.
  void put(const std::string& key, Value value, Clock::time_point expires) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second.value = std::move(value);
      it->second.expires = expires;
      order_.splice(order_.begin(), order_, it->second.position);
      return;
    }
    while (entries_.size() >= capacity_) {
      entries_.erase(order_.back());
      order_.pop_back();
      evictions_.fetch_add(1, std::memory_order_relaxed);
    }
    order_.push_front(key);
    entries_.emplace(key, Entry{std::move(value), expires, order_.begin()});
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }
  // Live entries pushed out by capacity (not by expiry) since construction.
  std::uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    Value value;
    Clock::time_point expires;
    std::list<std::string>::iterator position;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
  std::atomic<std::uint64_t> evictions_{0};
};

}  // namespace mpf::core::auth
