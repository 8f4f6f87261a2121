#pragma once

// A small JSON tree for the few short documents delegated authentication reads whole (the
// authentication ConfigMap, Status messages). RapidJSON's Document pushes its first value onto a
// still-unallocated stack (pointer arithmetic on null, which UBSan reports), so the tree is built from
// its SAX reader instead, parsing a NUL-terminated copy in place, with a nesting limit that bounds the
// reader's recursion whatever the input.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpf/sdk/status.h"

namespace mpf::core::auth {

struct JsonMember;

struct JsonNode {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number as written
  std::vector<JsonNode> elements;                        // kArray
  std::vector<JsonMember> members;  // kObject, in document order

  bool is_object() const { return kind == Kind::kObject; }
  bool is_string() const { return kind == Kind::kString; }
  // The last member called `key` (as Go's decoder keeps the last duplicate), or nullptr.
  const JsonNode* find(std::string_view key) const;
  // The string member `key`, or "" when absent or not a string.
  std::string string_member(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  JsonNode value;
};

// Errors (permanent) read "not JSON at offset N: <reason>" or "nested more than N levels deep".
Result<JsonNode> parse_json(std::string_view text, std::size_t max_depth = 64);

}  // namespace mpf::core::auth
