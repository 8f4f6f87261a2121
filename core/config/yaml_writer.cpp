#include "core/config/yaml_writer.h"

#include <cstdio>
#include <string_view>

namespace mpf::core {
namespace {

// Characters that never mean anything to a YAML parser inside a plain scalar. Anything else (the
// indicators : # { } [ ] , & * ! | > ' " % @ `, backslash, control and non-ASCII bytes) makes us quote.
bool is_plain_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("_./+=~^$()<;- ").find(c) != std::string_view::npos;
}

bool needs_quotes(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return true;
  if (text.front() == ' ' || text.back() == ' ' || text.front() == '-') return true;
  // "..." at the start of a line ends the document.
  if (text.substr(0, 3) == "...") return true;
  for (char c : text) {
    if (!is_plain_char(c)) return true;
  }
  return false;
}

// Unicode line and paragraph separators, NEL and BOM are legal inside a double-quoted scalar, but
// readers disagree on whether they break lines, so they are escaped. Returns the escape or nullptr.
const char* unicode_escape(std::string_view rest) {
  if (rest.substr(0, 2) == "\xC2\x85") return "\\u0085";
  if (rest.substr(0, 3) == "\xE2\x80\xA8") return "\\u2028";
  if (rest.substr(0, 3) == "\xE2\x80\xA9") return "\\u2029";
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") return "\\uFEFF";
  return nullptr;
}

std::string double_quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", byte);
      out += buf;
    } else if (const char* escape = byte >= 0x80 ? unicode_escape(text.substr(i)) : nullptr) {
      out += escape;
      i += byte == 0xC2 ? 1 : 2;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string scalar_text(std::string_view text) { return needs_quotes(text) ? double_quoted(text) : std::string(text); }

// YAML limits an implicit key to 1024 characters; longer ones (escaping can quadruple a key's
// length) must use the explicit `? key` form or they do not read back.
constexpr std::size_t kMaxImplicitKey = 1000;

// The key and the ':' that ends it, ready for the value; `pad` starts the ':' line of a long key.
std::string key_text(std::string_view key, const std::string& pad) {
  std::string text = scalar_text(key);
  if (text.size() <= kMaxImplicitKey) return text + ':';
  return "? " + text + '\n' + pad + ':';
}

// Keys are never expanded by the loader, so only values need `${` escaped.
std::string value_text(std::string_view text) {
  if (text.find("${") == std::string_view::npos) return scalar_text(text);
  std::string escaped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 2) == "${") escaped += '$';
    escaped += text[i];
  }
  return scalar_text(escaped);
}

bool is_inline(const ConfigValue& v) {
  return !(v.is_list() && !v.items().empty()) && !(v.is_map() && !v.entries().empty());
}

void write_flow(const ConfigValue& v, std::string& out) {
  switch (v.kind()) {
    case ConfigValue::Kind::kNull: out += "null"; return;
    case ConfigValue::Kind::kScalar: out += value_text(v.text()); return;
    case ConfigValue::Kind::kList: {
      out += '[';
      const char* separator = "";
      for (const ConfigValue& item : v.items()) {
        out += separator;
        write_flow(item, out);
        separator = ", ";
      }
      out += ']';
      return;
    }
    case ConfigValue::Kind::kMap: {
      out += '{';
      const char* separator = "";
      for (const auto& [key, item] : v.entries()) {
        out += separator;
        std::string text = scalar_text(key);
        out += text.size() <= kMaxImplicitKey ? text + ": " : "? " + text + " : ";
        write_flow(item, out);
        separator = ", ";
      }
      out += '}';
      return;
    }
  }
}

// Writes a non-empty list or map, every line indented by `indent` spaces.
void write_block(const ConfigValue& v, std::size_t indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (v.is_list()) {
    for (const ConfigValue& item : v.items()) {
      if (is_inline(item)) {
        out += pad + "- ";
        write_flow(item, out);
        out += '\n';
        continue;
      }
      // Compact form: the nested block's first line starts right after "- ".
      std::size_t start = out.size();
      write_block(item, indent + 2, out);
      out.replace(start + indent, 2, "- ");
    }
    return;
  }
  for (const auto& [key, item] : v.entries()) {
    out += pad + key_text(key, pad);
    if (is_inline(item)) {
      out += ' ';
      write_flow(item, out);
      out += '\n';
    } else {
      out += '\n';
      write_block(item, indent + 2, out);
    }
  }
}

}  // namespace

std::string write_yaml(const ConfigValue& value) {
  std::string out;
  if (is_inline(value)) {
    write_flow(value, out);
    out += '\n';
  } else {
    write_block(value, 0, out);
  }
  return out;
}

std::string write_yaml_flow(const ConfigValue& value) {
  std::string out;
  write_flow(value, out);
  return out;
}

}  // namespace mpf::core
