#include "core/auth/json_tree.h"

#include <memory>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace mpf::core::auth {
namespace {

class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  explicit TreeBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

  bool Null() { return add(JsonNode{}); }
  bool Bool(bool value) {
    JsonNode node;
    node.kind = JsonNode::Kind::kBool;
    node.boolean = value;
    return add(std::move(node));
  }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    JsonNode node;
    node.kind = JsonNode::Kind::kNumber;
    node.text.assign(text, length);
    return add(std::move(node));
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    JsonNode node;
    node.kind = JsonNode::Kind::kString;
    node.text.assign(text, length);
    return add(std::move(node));
  }
  bool StartObject() { return open(JsonNode::Kind::kObject); }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    pending_key_.assign(text, length);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(JsonNode::Kind::kArray); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  bool too_deep() const { return too_deep_; }
  JsonNode take_root() { return std::move(root_); }

 private:
  struct Open {
    JsonNode node;
    std::string key;  // its key in the parent object
  };

  bool open(JsonNode::Kind kind) {
    if (stack_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    Open frame;
    frame.node.kind = kind;
    frame.key = std::move(pending_key_);
    stack_.push_back(std::move(frame));
    return true;
  }
  bool close() {
    Open frame = std::move(stack_.back());
    stack_.pop_back();
    pending_key_ = std::move(frame.key);
    return add(std::move(frame.node));
  }
  bool add(JsonNode node) {
    if (stack_.empty()) {
      root_ = std::move(node);
      return true;
    }
    JsonNode& parent = stack_.back().node;
    if (parent.kind == JsonNode::Kind::kObject) {
      parent.members.push_back(JsonMember{std::move(pending_key_), std::move(node)});
      pending_key_.clear();
    } else {
      parent.elements.push_back(std::move(node));
    }
    return true;
  }

  const std::size_t max_depth_;
  std::vector<Open> stack_;
  std::string pending_key_;
  JsonNode root_;
  bool too_deep_ = false;
};

}  // namespace

const JsonNode* JsonNode::find(std::string_view key) const {
  const JsonNode* found = nullptr;
  for (const JsonMember& member : members) {
    if (member.key == key) found = &member.value;
  }
  return found;
}

std::string JsonNode::string_member(std::string_view key) const {
  const JsonNode* value = find(key);
  return value != nullptr && value->is_string() ? value->text : std::string();
}

Result<JsonNode> parse_json(std::string_view text, std::size_t max_depth) {
  try {
    // In place on a NUL-terminated copy: strings are unescaped into the copy, never onto the reader's
    // stack. A NUL inside the text would end it early, so it is refused.
    if (text.find('\0') != std::string_view::npos) {
      return Status::permanent("not JSON at offset " + std::to_string(text.find('\0')) + ": NUL byte");
    }
    std::unique_ptr<char[]> buffer(new char[text.size() + 1]);
    text.copy(buffer.get(), text.size());
    buffer[text.size()] = '\0';
    rapidjson::InsituStringStream stream(buffer.get());
    rapidjson::Reader reader;
    TreeBuilder builder(max_depth);
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
    const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, builder);
    if (builder.too_deep()) return Status::permanent("nested more than " + std::to_string(max_depth) + " levels deep");
    if (result.IsError()) {
      return Status::permanent("not JSON at offset " + std::to_string(result.Offset()) + ": " +
                               rapidjson::GetParseError_En(result.Code()));
    }
    return builder.take_root();
  } catch (const std::exception& e) {
    return Status::permanent(std::string("parsing JSON: ") + e.what());
  }
}

}  // namespace mpf::core::auth
