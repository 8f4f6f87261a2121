#include "metrics_api/json_writer.h"

#include <cassert>
#include <charconv>

namespace mpf::api::metrics {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// 1 for ASCII bytes that Go writes unescaped with HTML escaping on (its htmlSafeSet).
constexpr bool is_safe_ascii(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 when Go's utf8.DecodeRuneInString
// would return (RuneError, 1): bad lead byte, bad or missing continuation, overlong forms,
// surrogates and code points above U+10FFFF.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned lead = byte(0);
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    const unsigned b = byte(k);
    return b >= lo && b <= hi;
  };
  if (lead >= 0xC2 && lead <= 0xDF) return cont(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned lo = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = lead == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned lo = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = lead == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t start = 0;  // first byte not yet copied
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_safe_ascii(c)) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.append(text.data() + start, i - start);
      out += '\\';
      switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        case '\b': out += 'b'; break;
        case '\f': out += 'f'; break;
        default:
          out += "u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
      }
      start = ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out.append(text.data() + start, i - start);
      out += "\\ufffd";
      start = ++i;
      continue;
    }
    // U+2028 / U+2029 are E2 80 A8 / E2 80 A9: valid JSON but not valid JavaScript, so Go escapes them.
    if (length == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8) {
      out.append(text.data() + start, i - start);
      out += "\\u202";
      out += kHex[static_cast<unsigned char>(text[i + 2]) & 0xF];
      start = i + 3;
    }
    i += length;
  }
  out.append(text.data() + start, text.size() - start);
  out += '"';
}

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
