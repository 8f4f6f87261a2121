#include "core/discovery/k8s_sax_decoder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "core/discovery/k8s_json_scalars.h"
#include "core/discovery/k8s_sax_fields.h"

namespace mpf::core {
namespace {

using k8s_sax::Field;
using k8s_sax::Frame;

// Interpreted frames nest at most 6 deep (list root, items, object, status, conditions, condition);
// field_of() admits no other nesting, so this never fills up.
constexpr int kMaxFrames = 8;

// Labels in the order Go emits them (sorted map keys) need no work; anything else is sorted by key,
// keeping the last value of a repeated key, which is what decoding into a Go map leaves.
void sort_labels(Labels& labels) {
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (std::adjacent_find(labels.begin(), labels.end(), [](const auto& a, const auto& b) {
        return !(a.first < b.first);
      }) == labels.end()) {
    return;
  }
  std::stable_sort(labels.begin(), labels.end(), by_key);
  std::size_t out = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i + 1 < labels.size() && labels[i + 1].first == labels[i].first) continue;  // a later one wins
    if (out != i) labels[out] = std::move(labels[i]);
    ++out;
  }
  labels.erase(labels.begin() + static_cast<std::ptrdiff_t>(out), labels.end());
}

// The SAX handler. Values inside skipped keys are only counted in and out (the common case:
// managedFields, spec, status.images, ...). Returning false stops the reader; the handler then holds
// the reason and where it happened.
template <class T>
class Handler {
 public:
  using Ch = char;
  static constexpr bool kNode = std::is_same_v<T, ClusterNode>;

  Handler(const K8sDecodeTarget<T>& target, rapidjson::InsituStringStream& stream)
      : target_(target), stream_(stream) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }

  bool StartObject() {
    if (skipping_container()) return enter_skipped();
    if (depth_ == 0) {
      switch (target_.document) {
        case K8sDocument::kList: return push(Frame::kListRoot);
        case K8sDocument::kEvent: return push(Frame::kEventRoot);
        case K8sDocument::kStatus: object_ = &scratch_; return push(Frame::kObject);
      }
    }
    switch (top()) {
      case Frame::kItems: return begin_item();
      case Frame::kAddresses:
        if constexpr (kNode) object_->addresses.emplace_back();
        return push(Frame::kAddress);
      case Frame::kConditions:
        condition_ready_ = false;
        condition_true_ = false;
        return push(Frame::kCondition);
      default: break;
    }
    switch (field_) {
      case Field::kListMetadata: return push(Frame::kListMeta);
      case Field::kObject: return begin_event_object();
      case Field::kMetadata: return push(Frame::kMeta);
      case Field::kLabels: return push(Frame::kLabels);
      case Field::kAnnotations: return push(Frame::kAnnotations);
      case Field::kStatus: return push(Frame::kNodeStatus);
      case Field::kDaemonEndpoints: return push(Frame::kDaemonEndpoints);
      case Field::kKubeletEndpoint: return push(Frame::kKubeletEndpoint);
      default: return type_error();
    }
  }

  bool StartArray() {
    if (skipping_container()) return enter_skipped();
    if (depth_ == 0) return fail("the body is not a JSON object");
    if (k8s_sax::is_array(top())) return element_error();
    switch (field_) {
      case Field::kItems:
        target_.page->items.clear();  // a repeated "items": the last one wins
        return push(Frame::kItems);
      case Field::kAddresses:
        if constexpr (kNode) object_->addresses.clear();
        return push(Frame::kAddresses);
      case Field::kConditions:
        if constexpr (kNode) object_->ready = false;
        ready_seen_ = false;
        return push(Frame::kConditions);
      default: return type_error();
    }
  }

  bool EndObject(rapidjson::SizeType) {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    switch (frames_[--depth_]) {
      case Frame::kObject:
        in_object_ = false;
        if (target_.document == K8sDocument::kList) return finish_item();
        return true;
      case Frame::kLabels: sort_labels(object_->labels); return true;
      case Frame::kCondition:
        if constexpr (kNode) {
          if (condition_ready_ && !ready_seen_) {  // the first Ready condition counts
            object_->ready = condition_true_;
            ready_seen_ = true;
          }
        }
        return true;
      default: return true;
    }
  }

  bool EndArray(rapidjson::SizeType) {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      --depth_;
    }
    return true;
  }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    if (skip_depth_ > 0) return true;
    const std::string_view key(str, length);
    if (top() == Frame::kLabels) {
      if (!valid_utf8(key)) return fail(context() + "a metadata.labels key is not valid UTF-8");
      object_->labels.emplace_back(std::piecewise_construct, std::forward_as_tuple(key), std::forward_as_tuple());
      field_ = Field::kLabelValue;
      return true;
    }
    field_ = k8s_sax::field_of(top(), key, target_.document, kNode);
    skip_next_ = field_ == Field::kNone;
    return true;
  }

  bool Null() {
    if (skipping_scalar()) return true;
    if (depth_ == 0) return fail("the body is not a JSON object");
    // Null is absent, as for Go's decoder (a null label value is "", which the key already has).
    if (top() == Frame::kItems) return element_error();
    return true;
  }

  bool Bool(bool) {
    if (skipping_scalar()) return true;
    return scalar_error();
  }

  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    if (skipping_scalar()) return true;
    if (depth_ == 0 || k8s_sax::is_array(top())) return scalar_error();
    const std::string_view text(str, length);
    std::int64_t value = 0;
    switch (field_) {
      case Field::kCode:
        if (!read_integer(text, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), value)) {
          return false;
        }
        status_.code = static_cast<int>(value);
        return true;
      case Field::kPort:
        if constexpr (kNode) {
          if (!read_integer(text, 0, 65535, value)) return false;
          object_->kubelet_port = static_cast<int>(value);
          return true;
        }
        break;
      default: break;
    }
    return type_error();
  }

  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (skipping_scalar()) return true;
    if (depth_ == 0 || k8s_sax::is_array(top())) return scalar_error();
    const std::string_view text(str, length);
    switch (field_) {
      case Field::kRootKind: root_kind_.assign(text); return true;
      case Field::kKind: object_kind_.assign(text); return true;
      case Field::kListResourceVersion: target_.page->resource_version.assign(text); return true;
      case Field::kContinue: target_.page->continue_token.assign(text); return true;
      case Field::kType: return read_type(text);
      case Field::kStatus: return true;  // a Status' "Failure"/"Success"
      case Field::kReason: status_.reason.assign(text); return true;
      case Field::kMessage: status_.message.assign(text); return true;
      case Field::kResourceVersion: target_.event->resource_version.assign(text); return true;
      case Field::kName: return keep(text, object_->name);
      case Field::kLabelValue: return keep(text, object_->labels.back().second);
      case Field::kInitialEventsEnd: initial_events_end_ = text == "true"; return true;
      default: break;
    }
    if constexpr (kNode) {
      switch (field_) {
        case Field::kMetricsPath: return keep(text, object_->metrics_path);
        case Field::kAddressType: return keep(text, object_->addresses.back().type);
        case Field::kAddressValue: return keep(text, object_->addresses.back().address);
        case Field::kConditionType: condition_ready_ = text == "Ready"; return true;
        case Field::kConditionStatus: condition_true_ = text == "True"; return true;
        default: break;
      }
    } else {
      switch (field_) {
        case Field::kNamespace: return keep(text, object_->namespace_name);
        case Field::kUid: return keep(text, object_->uid);
        case Field::kCreationTimestamp: return read_time(text);
        default: break;
      }
    }
    return type_error();
  }

  // Never called: kParseNumbersAsStringsFlag sends every number to RawNumber. The reader's code
  // still names them.
  bool Int(int) { return fail("unexpected number event"); }
  bool Uint(unsigned) { return fail("unexpected number event"); }
  bool Int64(std::int64_t) { return fail("unexpected number event"); }
  bool Uint64(std::uint64_t) { return fail("unexpected number event"); }
  bool Double(double) { return fail("unexpected number event"); }

  // The checks that need the whole text (key order is free): the event's type and object, the kinds.
  // Returns an empty string when all is well.
  std::string finish() {
    switch (target_.document) {
      case K8sDocument::kList: return finish_list();
      case K8sDocument::kEvent: return finish_event();
      case K8sDocument::kStatus:
        if (object_kind_ != "Status") {
          return object_kind_.empty() ? "not a Status: no \"kind\"" : "not a Status: kind \"" + clip(object_kind_) + "\"";
        }
        *target_.status = std::move(status_);
        return {};
    }
    return {};
  }

 private:
  Frame top() const { return frames_[depth_ - 1]; }

  // Whether the value that starts now lies inside a skipped one (then it is entered and counted).
  bool skipping_container() const { return skip_depth_ > 0 || skip_next_; }

  // Whether a scalar is skipped; consumes the pending skip of its key.
  bool skipping_scalar() {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    return false;
  }

  bool enter_skipped() {
    skip_next_ = false;
    if (depth_ + skip_depth_ >= kMaxJsonDepth) return too_deep();
    ++skip_depth_;
    return true;
  }

  bool push(Frame frame) {
    if (depth_ + skip_depth_ >= kMaxJsonDepth || depth_ >= kMaxFrames) return too_deep();
    frames_[depth_++] = frame;
    return true;
  }

  bool too_deep() { return fail("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"); }

  bool begin_item() {
    object_ = &target_.page->items.emplace_back();
    return begin_object();
  }

  bool begin_event_object() {
    // A repeated "object" replaces the first, as Go's RawExtension does.
    WatchEvent<T>& event = *target_.event;
    event.object = T{};
    event.resource_version.clear();
    status_ = ApiStatus{};
    initial_events_end_ = false;
    has_object_ = true;
    object_ = &event.object;
    return begin_object();
  }

  bool begin_object() {
    object_kind_.clear();
    ready_seen_ = false;
    in_object_ = true;
    return push(Frame::kObject);
  }

  // A list item is complete: its kind and identity are known now.
  bool finish_item() {
    std::string problem = check_object();
    if (problem.empty()) return true;
    return fail("items[" + std::to_string(target_.page->items.size() - 1) + "]: " + problem);
  }

  // What is wrong with the object just read (object_, object_kind_), or "".
  std::string check_object() const {
    if (!object_kind_.empty()) {
      bool fits = kNode ? object_kind_ == "Node"
                        : object_kind_ == "Pod" || object_kind_ == "PartialObjectMetadata";
      if (!fits) return "kind \"" + clip(object_kind_) + (kNode ? "\" is not a Node" : "\" is not a Pod");
    }
    if constexpr (kNode) {
      if (object_->name.empty()) return "a Node without metadata.name";
    } else {
      if (object_->namespace_name.empty()) return "a Pod without metadata.namespace";
      if (object_->name.empty()) return "a Pod without metadata.name";
    }
    return {};
  }

  std::string finish_list() {
    if (root_kind_.empty() || root_kind_ == "List" || root_kind_ == (kNode ? "NodeList" : "PodList") ||
        (!kNode && root_kind_ == "PartialObjectMetadataList")) {
      return {};
    }
    if (root_kind_ == "Status") {
      return "the body is a Status, not a list: " + std::to_string(status_.code) + " " + status_.reason + ": " +
             status_.message;
    }
    return "kind \"" + clip(root_kind_) + (kNode ? "\" is not a NodeList" : "\" is not a PodList");
  }

  std::string finish_event() {
    WatchEvent<T>& event = *target_.event;
    if (!has_type_) return "a watch event without \"type\"";
    if (unknown_type_) return "unknown watch event type \"" + clip(type_text_) + "\"";
    if (!has_object_) return "a watch event without \"object\"";
    event.type = type_;
    switch (type_) {
      case WatchEventType::kAdded:
      case WatchEventType::kModified:
      case WatchEventType::kDeleted: {
        std::string problem = check_object();
        return problem.empty() ? problem : "object: " + problem;
      }
      case WatchEventType::kBookmark:
        // Only metadata.resourceVersion (and the initial-events-end annotation) mean anything.
        event.object = T{};
        event.initial_events_end = initial_events_end_;
        return {};
      case WatchEventType::kError:
        event.object = T{};
        event.resource_version.clear();
        event.status = std::move(status_);
        return {};
    }
    return {};
  }

  bool read_type(std::string_view text) {
    has_type_ = true;
    unknown_type_ = false;
    if (text == "ADDED") {
      type_ = WatchEventType::kAdded;
    } else if (text == "MODIFIED") {
      type_ = WatchEventType::kModified;
    } else if (text == "DELETED") {
      type_ = WatchEventType::kDeleted;
    } else if (text == "BOOKMARK") {
      type_ = WatchEventType::kBookmark;
    } else if (text == "ERROR") {
      type_ = WatchEventType::kError;
    } else {
      unknown_type_ = true;
      type_text_.assign(text);
    }
    return true;
  }

  bool keep(std::string_view text, std::string& out) {
    if (!valid_utf8(text)) return fail(context() + std::string(k8s_sax::field_path(field_)) + " is not valid UTF-8");
    out.assign(text);
    return true;
  }

  bool read_integer(std::string_view text, std::int64_t min, std::int64_t max, std::int64_t& value) {
    switch (parse_json_integer(text, min, max, value)) {
      case IntegerParse::kOk: return true;
      case IntegerParse::kNotInteger: return type_error();
      case IntegerParse::kOutOfRange: break;
    }
    return fail(context() + std::string(k8s_sax::field_path(field_)) + " out of range " + std::to_string(min) +
                ".." + std::to_string(max) + ": " + clip(text));
  }

  bool read_time(std::string_view text) {
    if constexpr (!kNode) {
      if (text.empty()) {  // as null: no time
        object_->creation_unix_seconds = 0;
        return true;
      }
      if (parse_rfc3339_unix_seconds(text, object_->creation_unix_seconds)) return true;
    }
    return fail(context() + "metadata.creationTimestamp is not an RFC 3339 time: \"" + clip(text) + "\"");
  }

  bool type_error() {
    if (field_ == Field::kLabelValue) return fail(context() + "metadata.labels values must be strings");
    return fail(context() + std::string(k8s_sax::field_path(field_)) + " must be " +
                std::string(k8s_sax::field_type(field_)) + " or null");
  }

  // A value where an array's elements must be objects.
  bool element_error() {
    switch (top()) {
      case Frame::kItems:
        return fail("items[" + std::to_string(target_.page->items.size()) + "] is not an object");
      case Frame::kAddresses: return fail(context() + "status.addresses[] elements must be objects or null");
      default: return fail(context() + "status.conditions[] elements must be objects or null");
    }
  }

  bool scalar_error() {
    if (depth_ == 0) return fail("the body is not a JSON object");
    if (k8s_sax::is_array(top())) return element_error();
    return type_error();
  }

  // "items[3]." or "object." while inside an object of a list or event, for error messages.
  std::string context() const {
    if (!in_object_) return {};
    if (target_.document == K8sDocument::kList) return "items[" + std::to_string(target_.page->items.size() - 1) + "].";
    if (target_.document == K8sDocument::kEvent) return "object.";
    return {};
  }

  // Enough of a value to recognise it in a message.
  static std::string clip(std::string_view text) {
    constexpr std::size_t kMax = 40;
    return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
  }

  bool fail(std::string message) {
    error_ = std::move(message);
    error_offset_ = stream_.Tell();
    return false;
  }

  const K8sDecodeTarget<T>& target_;
  rapidjson::InsituStringStream& stream_;  // for offsets; Tell() is not const

  Frame frames_[kMaxFrames] = {};
  int depth_ = 0;           // open interpreted objects and arrays
  int skip_depth_ = 0;      // open objects and arrays inside a skipped value
  bool skip_next_ = false;  // the next value belongs to a key that is not read
  Field field_ = Field::kNone;

  T* object_ = nullptr;  // the object being read: the last list item, the event's object, scratch_
  T scratch_;            // a Status body's metadata goes here
  bool in_object_ = false;
  std::string object_kind_;
  std::string root_kind_;
  bool ready_seen_ = false;  // a Ready condition was read in this conditions array
  bool condition_ready_ = false;
  bool condition_true_ = false;

  ApiStatus status_;  // code, reason, message of a Status
  bool has_type_ = false;
  bool unknown_type_ = false;
  WatchEventType type_ = WatchEventType::kAdded;
  std::string type_text_;
  bool has_object_ = false;
  bool initial_events_end_ = false;

  std::string error_;
  std::size_t error_offset_ = 0;
};

// NUL bytes after the text: the reader's end marker, plus slack so that no read of the reader can
// leave the buffer.
constexpr std::size_t kPadding = 16;

Status failure(std::string_view what, std::size_t offset, std::string_view reason) {
  std::string message(what);
  message.append(": byte ").append(std::to_string(offset)).append(": ").append(reason);
  return Status::permanent(std::move(message));
}

}  // namespace

template <class T>
Status decode_k8s_document(std::string_view json, const K8sDecodeTarget<T>& target) {
  // RapidJSON sizes strings with 32 bits and asserts on longer ones.
  if (json.size() >= 0xFFFFFFFFu - kPadding) return failure(target.what, 0, "body of 4 GiB or more");

  // In-situ parsing: strings are unescaped inside our copy and handed over as views into it, and with
  // numbers delivered as text too the reader never uses its internal stack. So the reader allocates
  // nothing (the copy is the only memory besides what is kept), and RapidJSON 1.1's Stack, which
  // offsets a null pointer on its first push (undefined behaviour UBSan reports), is never touched.
  // The copy also gives the reader the NUL terminator it stops at, which a string_view lacks.
  const std::size_t size = json.size() + kPadding;
  std::unique_ptr<char[]> buffer(new char[size]);
  std::memcpy(buffer.get(), json.data(), json.size());
  std::memset(buffer.get() + json.size(), 0, kPadding);

  rapidjson::InsituStringStream stream(buffer.get());
  Handler<T> handler(target, stream);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);

  if (handler.failed()) return failure(target.what, handler.error_offset(), handler.error());
  if (result.IsError()) return failure(target.what, result.Offset(), rapidjson::GetParseError_En(result.Code()));
  // The reader stops at a NUL byte as if the text ended there.
  if (stream.Tell() != json.size()) return failure(target.what, stream.Tell(), "NUL byte in the body");
  if (std::string problem = handler.finish(); !problem.empty()) {
    return failure(target.what, json.size(), problem);
  }
  return Status::ok();
}

template Status decode_k8s_document(std::string_view, const K8sDecodeTarget<ClusterNode>&);
template Status decode_k8s_document(std::string_view, const K8sDecodeTarget<ClusterPod>&);

}  // namespace mpf::core
