#include "core/auth/review_codec.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "core/serve/status_body.h"
#include "mpf/sdk/go_strings.h"

namespace mpf::core::auth {
namespace {

// ---- Writing requests -----------------------------------------------------------------------------

// Appends `,"name":"value"` (or without the comma first in an object), skipped when empty: omitempty.
void append_string_field(std::string& out, bool& first, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (!first) out += ',';
  first = false;
  out += '"';
  out += name;
  out += "\":";
  go::append_json_string(out, value);
}

void append_string_array(std::string& out, const std::vector<std::string>& values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    go::append_json_string(out, values[i]);
  }
  out += ']';
}

void append_string_list_field(std::string& out, bool& first, std::string_view name,
                              const std::vector<std::string>& values) {
  if (values.empty()) return;
  if (!first) out += ',';
  first = false;
  out += '"';
  out += name;
  out += "\":";
  append_string_array(out, values);
}

// map[string]ExtraValue: Go writes map keys sorted; a nil value is null.
void append_extra_field(std::string& out, bool& first,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>& extra) {
  if (extra.empty()) return;
  std::vector<const std::pair<std::string, std::vector<std::string>>*> sorted;
  for (const auto& entry : extra) sorted.push_back(&entry);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  if (!first) out += ',';
  first = false;
  out += "\"extra\":{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    // A repeated key would be one map entry in Go; the last one is what a map assignment keeps.
    if (i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first) continue;
    if (out.back() != '{') out += ',';
    go::append_json_string(out, sorted[i]->first);
    out += ':';
    if (sorted[i]->second.empty()) {
      out += "null";
    } else {
      append_string_array(out, sorted[i]->second);
    }
  }
  out += '}';
}

// ---- Reading responses ----------------------------------------------------------------------------

// Go's decoder turns each invalid UTF-8 byte of a string into U+FFFD.
std::string go_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto [rune, size] = go::decode_utf8(text);
    if (rune == 0xFFFD && size == 1) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(text.substr(0, size));
    }
    text.remove_prefix(size);
  }
  return out;
}

// Where the reader is: which object or array it is in, as far as the review is read.
enum class Place {
  kDocument,     // before the top-level value
  kRoot,         // the review object
  kStatus,       // .status
  kUser,         // .status.user (TokenReview)
  kExtra,        // .status.user.extra (TokenReview)
  kStringArray,  // groups, audiences, an extra value
  kSkipped,      // anything not read, any depth
};

enum class Review { kToken, kAccess };

// Reviews nest 4 levels deep; unknown fields may nest deeper, but not without bound, since the reader
// recurses once per level (Go's decoder allows 10000 levels, more than a thread stack holds here).
constexpr std::size_t kMaxDepth = 256;

// What the current key holds, as far as the review is read.
enum class FieldType { kSkipped, kObject, kString, kBool, kStringList, kTypeMeta };

// The SAX handler shared by both reviews. Every value event first asks what the current key holds;
// a value of the wrong type for a field that is read stops the reader with a message naming the field.
// Null leaves a field as it was (Go's rule for non-pointers), except that it empties a list or map.
class ReviewHandler {
 public:
  using Ch = char;

  ReviewHandler(Review review, TokenReviewAnswer* token, AccessReviewAnswer* access)
      : review_(review), token_(token), access_(access) {}

  const std::string& error() const { return error_; }
  bool saw_root_object() const { return saw_root_object_; }

  bool StartObject() {
    if (place() == Place::kDocument) {
      saw_root_object_ = true;
      return push(Place::kRoot);
    }
    if (place() == Place::kSkipped) return push(Place::kSkipped);
    if (place() == Place::kStringArray) return type_error("an object");
    const FieldType type = field_type();
    if (type == FieldType::kSkipped) return push(Place::kSkipped);
    if (type != FieldType::kObject) return type_error("an object");
    return push(object_place());
  }
  bool Key(const Ch* text, rapidjson::SizeType length, bool) {
    key_.assign(text, length);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return pop(); }
  bool StartArray() {
    if (place() == Place::kDocument) return fail("not a JSON object");
    if (place() == Place::kSkipped) return push(Place::kSkipped);
    if (place() == Place::kStringArray) return type_error("an array");
    const FieldType type = field_type();
    if (type == FieldType::kSkipped) return push(Place::kSkipped);
    if (type != FieldType::kStringList) return type_error("an array");
    current_list_ = list_for_key();
    current_list_->clear();
    return push(Place::kStringArray);
  }
  bool EndArray(rapidjson::SizeType) {
    current_list_ = nullptr;
    return pop();
  }

  bool Null() {
    if (place() == Place::kDocument) return fail("not a JSON object");
    if (place() == Place::kSkipped) return true;
    if (place() == Place::kStringArray) {
      current_list_->emplace_back();  // null in a []string leaves the zero value
      return true;
    }
    const FieldType type = field_type();
    if (type == FieldType::kStringList) list_for_key()->clear();  // a nil slice
    if (type == FieldType::kObject && place() == Place::kUser) token_->user.extra.clear();  // a nil map
    return true;
  }
  bool Bool(bool value) {
    if (!scalar_allowed("a boolean")) return false;
    if (place() == Place::kSkipped || field_type() == FieldType::kSkipped) return true;
    if (field_type() != FieldType::kBool) return type_error("a boolean");
    *bool_for_key() = value;
    return true;
  }
  bool RawNumber(const Ch*, rapidjson::SizeType, bool) {
    if (!scalar_allowed("a number")) return false;
    if (place() == Place::kSkipped || field_type() == FieldType::kSkipped) return true;
    return type_error("a number");
  }
  bool String(const Ch* text, rapidjson::SizeType length, bool) {
    if (place() == Place::kStringArray) {
      current_list_->push_back(go_utf8(std::string_view(text, length)));
      return true;
    }
    if (!scalar_allowed("a string")) return false;
    if (place() == Place::kSkipped) return true;
    switch (field_type()) {
      case FieldType::kSkipped: return true;
      case FieldType::kTypeMeta: return check_type_meta(std::string_view(text, length));
      case FieldType::kString: *string_for_key() = go_utf8(std::string_view(text, length)); return true;
      default: return type_error("a string");
    }
  }
  // kParseNumbersAsStringsFlag sends every number to RawNumber; these complete the handler concept.
  bool Int(int) { return RawNumber(nullptr, 0, false); }
  bool Uint(unsigned) { return RawNumber(nullptr, 0, false); }
  bool Int64(std::int64_t) { return RawNumber(nullptr, 0, false); }
  bool Uint64(std::uint64_t) { return RawNumber(nullptr, 0, false); }
  bool Double(double) { return RawNumber(nullptr, 0, false); }

 private:
  struct Frame {
    Place place;
    std::string path;  // "status.user", for messages
  };

  Place place() const { return frames_.empty() ? Place::kDocument : frames_.back().place; }

  // A scalar is never a review, and never an element of a list of strings unless it is a string.
  bool scalar_allowed(std::string_view got) {
    if (place() == Place::kDocument) return fail("not a JSON object");
    if (place() == Place::kStringArray) return type_error(got);
    return true;
  }

  FieldType field_type() const {
    const bool token = review_ == Review::kToken;
    switch (place()) {
      case Place::kRoot:
        if (key_ == "kind" || key_ == "apiVersion") return FieldType::kTypeMeta;
        return key_ == "status" ? FieldType::kObject : FieldType::kSkipped;
      case Place::kStatus:
        if (token) {
          if (key_ == "authenticated") return FieldType::kBool;
          if (key_ == "user") return FieldType::kObject;
          if (key_ == "audiences") return FieldType::kStringList;
          if (key_ == "error") return FieldType::kString;
          return FieldType::kSkipped;
        }
        if (key_ == "allowed" || key_ == "denied") return FieldType::kBool;
        if (key_ == "reason" || key_ == "evaluationError") return FieldType::kString;
        return FieldType::kSkipped;
      case Place::kUser:
        if (key_ == "username" || key_ == "uid") return FieldType::kString;
        if (key_ == "groups") return FieldType::kStringList;
        if (key_ == "extra") return FieldType::kObject;
        return FieldType::kSkipped;
      case Place::kExtra: return FieldType::kStringList;
      default: return FieldType::kSkipped;
    }
  }

  // The place an object of field_type() kObject opens.
  Place object_place() const {
    if (place() == Place::kRoot) return Place::kStatus;
    if (place() == Place::kStatus) return Place::kUser;
    return Place::kExtra;
  }

  std::string_view wanted() const {
    if (place() == Place::kStringArray) return "a string";
    switch (field_type()) {
      case FieldType::kObject: return "an object";
      case FieldType::kBool: return "a boolean";
      case FieldType::kStringList: return "an array of strings";
      default: return "a string";
    }
  }

  std::string field_path() const {
    const std::string& parent = frames_.back().path;
    if (place() == Place::kStringArray) return parent + "[]";
    return parent.empty() ? key_ : parent + "." + key_;
  }

  bool push(Place place) {
    if (frames_.size() >= kMaxDepth) return fail("nested more than " + std::to_string(kMaxDepth) + " levels deep");
    std::string path;
    if (place != Place::kSkipped && place != Place::kRoot) path = field_path();
    frames_.push_back({place, std::move(path)});
    return true;
  }
  bool pop() {
    if (!frames_.empty()) frames_.pop_back();
    return true;
  }

  std::vector<std::string>* list_for_key() {
    if (place() == Place::kStatus) return &token_->audiences;
    if (place() == Place::kUser) return &token_->user.groups;
    token_->user.extra.emplace_back(key_, std::vector<std::string>());  // kExtra
    return &token_->user.extra.back().second;
  }
  bool* bool_for_key() {
    if (review_ == Review::kToken) return &token_->authenticated;
    return key_ == "allowed" ? &access_->allowed : &access_->denied;
  }
  std::string* string_for_key() {
    if (review_ == Review::kToken) {
      if (place() == Place::kStatus) return &token_->error;
      return key_ == "username" ? &token_->user.name : &token_->user.uid;
    }
    return key_ == "reason" ? &access_->reason : &access_->evaluation_error;
  }

  bool check_type_meta(std::string_view value) {
    if (value.empty()) return true;  // absent: the client would default it
    const bool token = review_ == Review::kToken;
    const bool is_kind = key_ == "kind";
    std::string_view want;
    if (is_kind) {
      want = token ? "TokenReview" : "SubjectAccessReview";
    } else {
      want = token ? "authentication.k8s.io/v1" : "authorization.k8s.io/v1";
    }
    if (value == want) return true;
    return fail(key_ + " is " + go::go_quote(value) + ", want " + std::string(want));
  }

  bool type_error(std::string_view got) {
    return fail(field_path() + " is " + std::string(got) + ", want " + std::string(wanted()));
  }
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  Review review_;
  TokenReviewAnswer* token_;
  AccessReviewAnswer* access_;
  std::vector<Frame> frames_;
  std::string key_;
  std::vector<std::string>* current_list_ = nullptr;
  std::string error_;
  bool saw_root_object_ = false;
};

// Runs the reader; on failure, the message starts with `what` ("TokenReview response: ...").
Status read_review(std::string_view json, std::string_view what, ReviewHandler& handler) {
  // RapidJSON sizes strings with 32 bits.
  if (json.size() >= 0xFFFFFF00u) return Status::permanent(std::string(what) + ": body of 4 GiB or more");
  // In-situ parsing of a NUL-terminated copy, numbers as text: the reader never touches its internal
  // stack (RapidJSON 1.1's Stack offsets a null pointer on its first push, which UBSan reports). The
  // reader recurses per nesting level; the handler's depth limit bounds that.
  std::string buffer(json);
  rapidjson::InsituStringStream stream(buffer.data());
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);
  if (!handler.error().empty()) return Status::permanent(std::string(what) + ": " + handler.error());
  if (result.IsError()) {
    return Status::permanent(std::string(what) + ": not JSON at offset " + std::to_string(result.Offset()) + ": " +
                             rapidjson::GetParseError_En(result.Code()));
  }
  // The reader stops at a NUL byte as if the text ended there.
  if (stream.Tell() != json.size()) {
    return Status::permanent(std::string(what) + ": not JSON at offset " + std::to_string(stream.Tell()) +
                             ": NUL byte");
  }
  if (!handler.saw_root_object()) return Status::permanent(std::string(what) + ": not a JSON object");
  return Status::ok();
}

// Decoding into a Go map: one entry per key, the last value of a repeated key; keys sorted.
void normalize_extra(std::vector<std::pair<std::string, std::vector<std::string>>>& extra) {
  std::stable_sort(extra.begin(), extra.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::vector<std::string>>> unique;
  for (std::size_t i = 0; i < extra.size(); ++i) {
    if (i + 1 < extra.size() && extra[i + 1].first == extra[i].first) continue;
    unique.push_back(std::move(extra[i]));
  }
  extra = std::move(unique);
}

std::string group_resource(std::string_view group, std::string_view resource) {
  if (group.empty()) return std::string(resource);
  return std::string(resource) + "." + std::string(group);
}

// forbiddenMessage's text before the sanitizer.
std::string raw_forbidden_message(const mpf::RequestUser& user, const RequestAttributes& attributes) {
  const std::string who = "User " + go::go_quote(user.name) + " cannot " + attributes.verb;
  if (!attributes.resource_request) return who + " path " + go::go_quote(attributes.path);
  std::string resource = attributes.resource;
  if (!attributes.subresource.empty()) resource += "/" + attributes.subresource;
  std::string message = who + " resource " + go::go_quote(resource) + " in API group " + go::go_quote(attributes.api_group);
  if (!attributes.namespace_name.empty()) return message + " in the namespace " + go::go_quote(attributes.namespace_name);
  return message + " at the cluster scope";
}

// responsewriters' sanitizer: strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").
std::string sanitize_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string token_review_request(std::string_view token, const std::vector<std::string>& audiences) {
  std::string out =
      R"({"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{)";
  bool first = true;
  append_string_field(out, first, "token", token);
  append_string_list_field(out, first, "audiences", audiences);
  out += R"(},"status":{"user":{}}})";
  return out;
}

std::string subject_access_review_request(const mpf::RequestUser& user, const RequestAttributes& attributes) {
  std::string out =
      R"({"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{)";
  bool first = true;
  if (attributes.resource_request) {
    out += R"("resourceAttributes":{)";
    append_string_field(out, first, "namespace", attributes.namespace_name);
    append_string_field(out, first, "verb", attributes.verb);
    append_string_field(out, first, "group", attributes.api_group);
    append_string_field(out, first, "version", attributes.api_version);
    append_string_field(out, first, "resource", attributes.resource);
    append_string_field(out, first, "subresource", attributes.subresource);
    append_string_field(out, first, "name", attributes.name);
  } else {
    out += R"("nonResourceAttributes":{)";
    append_string_field(out, first, "path", attributes.path);
    append_string_field(out, first, "verb", attributes.verb);
  }
  out += '}';
  bool first_in_spec = false;  // the attributes came first
  append_string_field(out, first_in_spec, "user", user.name);
  append_string_list_field(out, first_in_spec, "groups", user.groups);
  append_extra_field(out, first_in_spec, user.extra);
  append_string_field(out, first_in_spec, "uid", user.uid);
  out += R"(},"status":{"allowed":false}})";
  return out;
}

Result<TokenReviewAnswer> parse_token_review_response(std::string_view json) {
  try {
    TokenReviewAnswer answer;
    ReviewHandler handler(Review::kToken, &answer, nullptr);
    if (Status st = read_review(json, "TokenReview response", handler); !st.is_ok()) return st;
    normalize_extra(answer.user.extra);
    return answer;
  } catch (const std::exception& e) {
    return Status::permanent(std::string("TokenReview response: ") + e.what());
  }
}

Result<AccessReviewAnswer> parse_subject_access_review_response(std::string_view json) {
  try {
    AccessReviewAnswer answer;
    ReviewHandler handler(Review::kAccess, nullptr, &answer);
    if (Status st = read_review(json, "SubjectAccessReview response", handler); !st.is_ok()) return st;
    return answer;
  } catch (const std::exception& e) {
    return Status::permanent(std::string("SubjectAccessReview response: ") + e.what());
  }
}

std::string unauthorized_body() {
  // apierrors.NewUnauthorized("Unauthorized"): no details, so Go's omitempty leaves the field out.
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";
}

std::string forbidden_message(const mpf::RequestUser& user, const RequestAttributes& attributes,
                              std::string_view reason) {
  std::string error = sanitize_html(raw_forbidden_message(user, attributes));
  if (!reason.empty()) error += ": " + std::string(reason);
  // apierrors.NewForbidden(GroupResource{group, resource}, name, err).
  const std::string& group = attributes.api_group;
  const std::string& resource = attributes.resource;
  if (group.empty() && resource.empty()) return "forbidden: " + error;
  if (attributes.name.empty()) return group_resource(group, resource) + " is forbidden: " + error;
  return group_resource(group, resource) + " " + go::go_quote(attributes.name) + " is forbidden: " + error;
}

std::string forbidden_body(const mpf::RequestUser& user, const RequestAttributes& attributes,
                           std::string_view reason) {
  // metav1.StatusDetails{Name, Group, Kind}, each omitempty, in that field order.
  std::string details = "{";
  bool first = true;
  append_string_field(details, first, "name", attributes.name);
  append_string_field(details, first, "group", attributes.api_group);
  append_string_field(details, first, "kind", attributes.resource);
  details += '}';
  return core::status_body(403, "Forbidden", forbidden_message(user, attributes, reason), details);
}

}  // namespace mpf::core::auth
