#pragma once

/// @file
/// A minimal JSON writer that appends to a caller-owned std::string and produces exactly the bytes
/// Go's encoding/json gives the Kubernetes apiserver: compact like json.Encoder, or pretty like
/// json.MarshalIndent(v, "", "  ") (what `?pretty=true` and curl user agents get).

#include <cstdint>
#include <string>
#include <string_view>

namespace mpf::api::metrics {

enum class JsonStyle {
  kCompact,  // {"a":1,"b":[]}
  kPretty,   // two-space indent, "key": value; empty {} and [] stay on one line, as json.Indent does.
};

/// Appends JSON tokens to `out`. The caller writes a well-formed sequence (key before each object
/// member, balanced begin/end); misuse is a programming error checked only by assertions. Nesting is
/// limited to kMaxDepth levels. Neither the apiserver's trailing newline (json.Encoder adds "\n" to
/// compact bodies, MarshalIndent adds none) nor any framing is written: that is the transport's job.
class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;

  explicit JsonWriter(std::string& out, JsonStyle style = JsonStyle::kCompact) : out_(out), style_(style) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// An object member's name; the next call writes its value.
  void key(std::string_view name);
  void string(std::string_view value);
  void int64(std::int64_t value);
  void uint64(std::uint64_t value);
  void boolean(bool value);
  /// JSON null, as Go writes a nil slice or pointer without omitempty.
  void null();

  /// Shorthand for key(name) + string(value).
  void member(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }

  /// Starts a string value and returns the buffer so a caller can append characters that need no
  /// escaping (digits, suffixes) without a temporary; end_raw_string() closes it.
  std::string& begin_raw_string();
  void end_raw_string() { out_ += '"'; }

  std::string& out() { return out_; }
  JsonStyle style() const { return style_; }

 private:
  void before_value();
  void open(char bracket);
  void close(char bracket);
  void newline_indent();

  std::string& out_;
  JsonStyle style_;
  int depth_ = 0;
  bool after_key_ = false;
  // has_items_[d]: the container at depth d already holds a value (so the next needs a comma).
  bool has_items_[kMaxDepth + 1] = {};
};

/// Appends `text` as a JSON string literal with Go encoding/json's default escaping: \" \\ \n \r \t
/// \b \f (Go >= 1.22), other control bytes as \u00XX (lower-case hex), < > & as \u003c \u003e \u0026,
/// U+2028/U+2029 as \u2028/\u2029, and each byte of invalid UTF-8 as \ufffd. DEL (0x7f) and valid
/// non-ASCII text pass through unchanged.
void append_json_string(std::string& out, std::string_view text);

}  // namespace mpf::api::metrics
