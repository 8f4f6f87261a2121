#include "metrics_api/request_query.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace mpf::api::metrics {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Go's strconv.ParseBool, which the apiserver uses for pretty and watch.
bool go_true(std::string_view v) {
  return v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// apimachinery fields.ParseSelector: comma-separated terms, each split at its first "!=", "==" or "=".
std::optional<StatusError> parse_field_selector(std::string_view text, std::vector<FieldRequirement>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    const std::size_t length = comma == std::string_view::npos ? std::string_view::npos : comma - start;
    std::string_view term = text.substr(start, length);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (term.empty()) continue;
    std::size_t at = std::string_view::npos;
    std::size_t op_size = 0;
    for (std::size_t i = 0; i < term.size() && at == std::string_view::npos; ++i) {
      if (term.substr(i, 2) == "!=" || term.substr(i, 2) == "==") {
        at = i;
        op_size = 2;
      } else if (term[i] == '=') {
        at = i;
        op_size = 1;
      }
    }
    if (at == std::string_view::npos) {
      StatusError error;
      error.code = 400;
      error.reason = "BadRequest";
      error.message = "invalid selector: '" + std::string(text) + "'; can't understand '" + std::string(term) + "'";
      return error;
    }
    FieldRequirement requirement{std::string(term.substr(0, at)), std::string(term.substr(at + op_size)),
                                 term[at] != '!'};
    if (requirement.field != "metadata.name" && requirement.field != "metadata.namespace") {
      return unknown_field_selector(requirement.field);
    }
    out.push_back(std::move(requirement));
  }
  return std::nullopt;
}

}  // namespace

std::string query_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool RequestQuery::fields_match(std::string_view name, std::string_view namespace_name) const {
  return std::all_of(fields.begin(), fields.end(), [&](const FieldRequirement& r) {
    std::string_view have = r.field == "metadata.name" ? name : namespace_name;
    return (have == r.value) == r.equals;
  });
}

std::optional<StatusError> parse_request_query(const ServerRequest& request, RequestQuery& out) {
  std::string_view agent = request.header("User-Agent");
  out.pretty = agent.starts_with("curl") || agent.starts_with("Wget") || agent.starts_with("Mozilla/5.0");
  std::string_view query = request.query;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::string key = query_unescape(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : query_unescape(pair.substr(eq + 1));
    if (key == "pretty") {
      out.pretty = go_true(value);
    } else if (key == "watch") {
      out.watch = go_true(value);
    } else if (key == "labelSelector") {
      auto selector = LabelSelector::parse(value);
      if (!selector) {
        StatusError error;
        error.code = 400;
        error.reason = "BadRequest";
        error.message = selector.status().message();
        return error;
      }
      out.labels = std::move(selector).value();
    } else if (key == "includeObject") {
      out.include_object = std::move(value);
    } else if (key == "fieldSelector") {
      out.fields.clear();
      if (auto error = parse_field_selector(value, out.fields)) return error;
    }
  }
  return std::nullopt;
}

std::optional<ResponseShape> negotiate_response(std::string_view accept, bool protobuf) {
  struct Clause {
    std::string type;
    std::string subtype;
    double q = 1.0;
    std::string as, group, version;
  };
  std::vector<Clause> clauses;
  while (!accept.empty()) {
    std::size_t comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    std::size_t semi = range.find(';');
    std::string type(trim(range.substr(0, semi)));
    if (type.empty()) continue;
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    Clause clause;
    std::size_t slash = type.find('/');
    clause.type = type.substr(0, slash);
    clause.subtype = slash == std::string::npos ? "*" : type.substr(slash + 1);
    std::string_view params = semi == std::string_view::npos ? std::string_view() : range.substr(semi + 1);
    while (!params.empty()) {
      std::size_t next = params.find(';');
      std::string_view param = params.substr(0, next);
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      std::size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = trim(param.substr(0, eq));
      std::string value(trim(param.substr(eq + 1)));
      if (key == "q") clause.q = std::atof(value.c_str());
      else if (key == "as") clause.as = std::move(value);
      else if (key == "g") clause.group = std::move(value);
      else if (key == "v") clause.version = std::move(value);
    }
    clauses.push_back(std::move(clause));
  }
  if (clauses.empty()) return ResponseShape::kJson;
  // goautoneg's order; Go's sort.Sort is an insertion sort (stable) for lists this short.
  std::stable_sort(clauses.begin(), clauses.end(), [](const Clause& a, const Clause& b) {
    if (a.q != b.q) return a.q > b.q;
    if (a.type != "*" && b.type == "*") return true;
    return a.subtype != "*" && b.subtype == "*" && a.type == b.type;
  });
  for (const Clause& c : clauses) {
    if (protobuf && c.type == "application" && c.subtype == "vnd.kubernetes.protobuf" && c.as.empty()) {
      return ResponseShape::kProtobuf;
    }
    const bool json = (c.type == "application" && (c.subtype == "json" || c.subtype == "*")) ||
                      (c.type == "*" && c.subtype == "*");
    if (!json) continue;
    if (c.as.empty() && c.group.empty() && c.version.empty()) return ResponseShape::kJson;
    if (c.as != "Table" || c.group != "meta.k8s.io") continue;
    if (c.version == "v1") return ResponseShape::kTableV1;
    if (c.version == "v1beta1") return ResponseShape::kTableV1beta1;
  }
  return std::nullopt;
}

std::optional<IncludeObject> parse_include_object(std::string_view value, StatusError& error) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "None") return IncludeObject::kNone;
  if (value == "Object") return IncludeObject::kObject;
  error = StatusError();
  error.code = 400;
  error.reason = "BadRequest";
  std::string quoted;
  append_json_string(quoted, value);  // Go's %q; the same for the printable ASCII a client sends
  error.message = "unrecognized includeObject value: " + quoted;
  return std::nullopt;
}

bool accepts_json(std::string_view accept) { return negotiate_response(accept) == ResponseShape::kJson; }

StatusError not_acceptable() {
  StatusError error;
  error.code = 406;
  error.reason = "NotAcceptable";
  error.message = "only the following media types are accepted: application/json, application/vnd.kubernetes.protobuf";
  return error;
}

}  // namespace mpf::api::metrics
