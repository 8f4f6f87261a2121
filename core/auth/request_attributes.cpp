#include "core/auth/request_attributes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "mpf/sdk/label_selector.h"

namespace mpf::core::auth {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url unescaping: %XX must be two hex digits; in a query '+' is a space. nullopt on a bad escape
// (Go's url.Parse and url.ParseQuery reject those).
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Go's strings.Split(strings.Trim(path, "/"), "/"): inner empty segments are kept.
std::vector<std::string> split_path(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string> parts;
  if (path.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    parts.emplace_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

// The first value of each query parameter RequestInfo reads, as Go's url.ParseQuery leaves them: pairs
// split on '&', a pair holding ';' or a bad escape skipped, later repeats ignored (Go reads values[0]).
struct ListQuery {
  std::optional<std::string> watch;
  std::optional<std::string> field_selector;
  std::optional<std::string> label_selector;
  std::optional<std::string> limit;
  std::optional<std::string> timeout_seconds;
  bool any = false;  // DecodeParameters does nothing for an empty query
};

ListQuery parse_query(std::string_view query) {
  ListQuery out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    const std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (!key) continue;
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!value) continue;
    out.any = true;
    std::optional<std::string>* slot = *key == "watch"             ? &out.watch
                                       : *key == "fieldSelector"   ? &out.field_selector
                                       : *key == "labelSelector"   ? &out.label_selector
                                       : *key == "limit"           ? &out.limit
                                       : *key == "timeoutSeconds"  ? &out.timeout_seconds
                                                                   : nullptr;
    if (slot != nullptr && !slot->has_value()) *slot = std::move(*value);
  }
  return out;
}

// runtime.Convert_Slice_string_To_bool: everything but "0" and (any case) "false" is true.
bool go_query_bool(const std::string& value) {
  if (value == "0") return false;
  if (value.size() != 5) return true;
  std::string lower;
  for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower != "false";
}

// strconv.ParseInt(s, 10, 64) succeeds.
bool is_go_int64(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    const bool negative = text.front() == '-';
    text.remove_prefix(1);
    if (text.empty()) return false;
    if (negative) {
      // from_chars takes the sign itself; check the magnitude fits (|INT64_MIN| included).
      std::string with_sign = "-" + std::string(text);
      std::int64_t value = 0;
      auto [end, error] = std::from_chars(with_sign.data(), with_sign.data() + with_sign.size(), value);
      return error == std::errc() && end == with_sign.data() + with_sign.size();
    }
  }
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// fields.splitTerms: commas split terms unless backslash-escaped.
std::vector<std::string_view> split_field_terms(std::string_view selector) {
  std::vector<std::string_view> terms;
  if (selector.empty()) return terms;
  std::size_t start = 0;
  bool in_slash = false;
  for (std::size_t i = 0; i < selector.size(); ++i) {
    const char c = selector[i];
    if (in_slash) {
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',') {
      terms.push_back(selector.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(selector.substr(start));
  return terms;
}

// fields.UnescapeValue: \\ \, \= are escapes, anything else after a backslash and a bare , or = fail.
std::optional<std::string> unescape_field_value(std::string_view value) {
  std::string out;
  bool in_slash = false;
  for (char c : value) {
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') return std::nullopt;
      out += c;
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  if (in_slash) return std::nullopt;
  return out;
}

struct FieldSelectorResult {
  bool valid = true;
  std::optional<std::string> exact_name;  // RequiresExactMatch("metadata.name")
};

// fields.ParseSelector followed by RequiresExactMatch("metadata.name"): terms are sorted first, and
// the first "=" or "==" term on metadata.name gives the name.
FieldSelectorResult parse_field_selector(std::string_view selector) {
  FieldSelectorResult out;
  std::vector<std::string_view> terms = split_field_terms(selector);
  std::sort(terms.begin(), terms.end());
  for (std::string_view term : terms) {
    if (term.empty()) continue;
    // The first position where "!=", "==" or "=" starts splits the term.
    std::size_t at = std::string_view::npos;
    std::size_t op_size = 0;
    bool not_equal = false;
    for (std::size_t i = 0; i < term.size() && at == std::string_view::npos; ++i) {
      const std::string_view rest = term.substr(i);
      if (rest.starts_with("!=")) {
        at = i, op_size = 2, not_equal = true;
      } else if (rest.starts_with("==")) {
        at = i, op_size = 2;
      } else if (rest.starts_with("=")) {
        at = i, op_size = 1;
      }
    }
    if (at == std::string_view::npos) return {false, std::nullopt};
    auto value = unescape_field_value(term.substr(at + op_size));
    if (!value) return {false, std::nullopt};
    if (!not_equal && term.substr(0, at) == "metadata.name" && !out.exact_name) out.exact_name = std::move(*value);
  }
  return out;
}

// content.IsPathSegmentName: not "." or "..", no '/' or '%'.
bool is_path_segment_name(std::string_view name) {
  return name != "." && name != ".." && name.find_first_of("/%") == std::string_view::npos;
}

// The list/watch decision of RequestInfo for a GET without a name: DecodeParameters into ListOptions;
// when any parameter fails to decode, only `watch` is read again and the field selector is dropped.
void resolve_collection_get(RequestAttributes& out, std::string_view query) {
  const ListQuery params = parse_query(query);
  const bool watch = params.watch && go_query_bool(*params.watch);
  if (!params.any) {
    out.verb = "list";
    return;
  }
  bool decoded = true;
  if (params.limit && !is_go_int64(*params.limit)) decoded = false;
  if (params.timeout_seconds && !is_go_int64(*params.timeout_seconds)) decoded = false;
  if (decoded && params.label_selector && !LabelSelector::parse(*params.label_selector).is_ok()) decoded = false;
  FieldSelectorResult fields;
  if (params.field_selector) fields = parse_field_selector(*params.field_selector);
  if (!fields.valid) decoded = false;
  out.verb = watch ? "watch" : "list";
  if (decoded && fields.exact_name && is_path_segment_name(*fields.exact_name)) out.name = *fields.exact_name;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RequestInfo.Verb from the HTTP method, for a resource request without a verb in its path.
std::string verb_for_method(std::string_view method) {
  if (method == "POST") return "create";
  if (method == "GET" || method == "HEAD") return "get";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return "delete";
  return "";
}

RequestAttributes resolve(std::string_view method, std::string_view path, std::string_view query) {
  RequestAttributes out;
  out.path = std::string(path);
  out.verb = lower(method);

  // Go splits req.URL.Path, which is percent-decoded; a path Go could not decode is taken as sent.
  const std::optional<std::string> decoded = percent_decode(path, false);
  std::vector<std::string> parts = split_path(decoded ? std::string_view(*decoded) : path);
  if (parts.size() < 3) return out;
  if (parts[0] != "api" && parts[0] != "apis") return out;
  std::size_t at = 1;
  if (parts[0] == "apis") {
    if (parts.size() - at < 3) return out;  // the group needs a fourth part
    out.api_group = parts[at++];
  }
  out.api_prefix = parts[0];
  out.resource_request = true;
  out.api_version = parts[at++];

  if (parts[at] == "proxy" || parts[at] == "watch") {
    if (parts.size() - at < 2) return out;  // Go returns an error with what it has so far
    out.verb = parts[at++];
  } else {
    out.verb = verb_for_method(method);
  }

  if (parts[at] == "namespaces") {
    if (parts.size() - at > 1) {
      out.namespace_name = parts[at + 1];
      // /namespaces/{ns}/{resource}... unless the third part is a subresource of the namespace itself.
      if (parts.size() - at > 2 && parts[at + 2] != "status" && parts[at + 2] != "finalize") at += 2;
    }
  }

  const std::size_t remaining = parts.size() - at;
  if (remaining >= 3 && out.verb != "proxy") out.subresource = parts[at + 2];
  if (remaining >= 2) out.name = parts[at + 1];
  if (remaining >= 1) out.resource = parts[at];

  if (out.name.empty() && out.verb == "get") resolve_collection_get(out, query);
  if (out.name.empty() && out.verb == "delete") out.verb = "deletecollection";
  return out;
}

}  // namespace

RequestAttributes request_attributes(std::string_view method, std::string_view path, std::string_view query) {
  try {
    return resolve(method, path, query);
  } catch (const std::exception&) {  // std::bad_alloc: a non-resource request with nothing known
    RequestAttributes out;
    return out;
  }
}

}  // namespace mpf::core::auth
