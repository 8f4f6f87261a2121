#include "metrics_api/json_writer.h"

#include <cassert>
#include <charconv>

#include "mpf/sdk/go_strings.h"

namespace mpf::api::metrics {

void append_json_string(std::string& out, std::string_view text) { go::append_json_string(out, text); }

void JsonWriter::newline_indent() {
  out_ += '\n';
  out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  if (has_items_[depth_]) out_ += ',';
  has_items_[depth_] = true;
  if (style_ == JsonStyle::kPretty) newline_indent();
}

void JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  assert(depth_ < kMaxDepth);
  ++depth_;
  has_items_[depth_] = false;
}

void JsonWriter::close(char bracket) {
  assert(depth_ > 0 && !after_key_);
  const bool had_items = has_items_[depth_];
  --depth_;
  if (had_items && style_ == JsonStyle::kPretty) newline_indent();
  out_ += bracket;
}

void JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_ += style_ == JsonStyle::kPretty ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  before_value();
  append_json_string(out_, value);
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

std::string& JsonWriter::begin_raw_string() {
  before_value();
  out_ += '"';
  return out_;
}

void JsonWriter::int64(std::int64_t value) {
  before_value();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

void JsonWriter::uint64(std::uint64_t value) {
  before_value();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

void JsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
}

}  // namespace mpf::api::metrics
