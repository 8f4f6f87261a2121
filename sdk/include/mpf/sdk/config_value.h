#pragma once

/// @file
/// The read-only configuration tree handed to a plugin. The host parses YAML, expands ${VAR}, and
/// validates the tree against the plugin's declared options before the plugin sees it, so a plugin
/// never links a YAML library and never has to report an unknown key itself.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpf {

/// One node of a configuration document: null, a scalar (kept as the text written in the file; the
/// option declaration decides whether it is read as a bool, number, duration, ...), a list or a map.
/// Maps keep the order of the file.
class ConfigValue {
 public:
  enum class Kind : unsigned char { kNull, kScalar, kList, kMap };
  using Entry = std::pair<std::string, ConfigValue>;

  ConfigValue() = default;
  static ConfigValue scalar(std::string text) {
    ConfigValue v;
    v.kind_ = Kind::kScalar;
    v.text_ = std::move(text);
    return v;
  }
  static ConfigValue list() {
    ConfigValue v;
    v.kind_ = Kind::kList;
    return v;
  }
  static ConfigValue map() {
    ConfigValue v;
    v.kind_ = Kind::kMap;
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }

  /// The scalar's text; empty for other kinds.
  const std::string& text() const { return text_; }
  /// List items; empty unless a list.
  const std::vector<ConfigValue>& items() const { return items_; }
  /// Map entries in file order; empty unless a map.
  const std::vector<Entry>& entries() const { return entries_; }

  /// The value under `key` in a map, or nullptr.
  const ConfigValue* find(std::string_view key) const {
    for (const auto& [k, v] : entries_) {
      if (k == key) return &v;
    }
    return nullptr;
  }

  /// Builders, used by the host and by tests.
  ConfigValue& push_back(ConfigValue v) {
    items_.push_back(std::move(v));
    return items_.back();
  }
  /// Inserts or replaces `key`, keeping the position of an existing key.
  ConfigValue& set(std::string key, ConfigValue v) {
    for (auto& [k, existing] : entries_) {
      if (k == key) {
        existing = std::move(v);
        return existing;
      }
    }
    entries_.emplace_back(std::move(key), std::move(v));
    return entries_.back().second;
  }
  bool erase(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.erase(it);
        return true;
      }
    }
    return false;
  }

  friend bool operator==(const ConfigValue&, const ConfigValue&) = default;

 private:
  Kind kind_ = Kind::kNull;
  std::string text_;
  std::vector<ConfigValue> items_;
  std::vector<Entry> entries_;
};

}  // namespace mpf
