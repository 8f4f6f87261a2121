#include "metrics_api/status_document.h"

#include <utility>

namespace mpf::api::metrics {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_escape(std::string& out, char prefix, unsigned value, int digits) {
  out += '\\';
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

// Length of a valid UTF-8 sequence at text[i] (1 for ASCII), 0 if Go would decode RuneError/1.
std::size_t utf8_length(std::string_view text, std::size_t i, unsigned& code_point) {
  const auto b = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned lead = b(0);
  const auto cont = [&](std::size_t k, unsigned lo, unsigned hi) { return b(k) >= lo && b(k) <= hi; };
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF && cont(1, 0x80, 0xBF)) {
    code_point = ((lead & 0x1F) << 6) | (b(1) & 0x3F);
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF && cont(1, lead == 0xE0 ? 0xA0 : 0x80, lead == 0xED ? 0x9F : 0xBF) &&
      cont(2, 0x80, 0xBF)) {
    code_point = ((lead & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4 && cont(1, lead == 0xF0 ? 0x90 : 0x80, lead == 0xF4 ? 0x8F : 0xBF) &&
      cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF)) {
    code_point = ((lead & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    return 4;
  }
  return 0;
}

StatusError make(int code, std::string_view reason, std::string message) {
  StatusError error;
  error.code = code;
  error.reason = reason;
  error.message = std::move(message);
  return error;
}

// apierrors.NewNotFound(GroupResource{group, resource}, name): message `<resource[.group]> "<name>" not found`.
StatusError not_found(std::string_view resource, std::string_view group, std::string name) {
  std::string message(resource);
  if (!group.empty()) {
    message += '.';
    message += group;
  }
  message += ' ';
  append_go_quoted(message, name);
  message += " not found";
  StatusError error = make(404, "NotFound", std::move(message));
  error.has_details = true;
  error.details_name = std::move(name);
  error.details_group = group;
  error.details_kind = resource;
  return error;
}

}  // namespace

void append_go_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    unsigned cp = 0;
    const std::size_t length = utf8_length(text, i, cp);
    if (length == 0) {
      append_hex_escape(out, 'x', static_cast<unsigned char>(text[i]), 2);
      ++i;
      continue;
    }
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (cp < 0x20 || cp == 0x7F) {
          append_hex_escape(out, 'x', cp, 2);
        } else if ((cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
          append_hex_escape(out, 'u', cp, 4);
        } else {
          out.append(text.data() + i, length);
        }
    }
    i += length;
  }
  out += '"';
}

void write_status(JsonWriter& w, int code, std::string_view reason, std::string_view message,
                  const std::optional<StatusDetails>& details) {
  w.begin_object();
  w.member("kind", "Status");
  w.member("apiVersion", "v1");
  w.key("metadata");
  w.begin_object();
  w.end_object();
  w.member("status", "Failure");
  if (!message.empty()) w.member("message", message);
  if (!reason.empty()) w.member("reason", reason);
  if (details) {
    w.key("details");
    w.begin_object();
    if (!details->name.empty()) w.member("name", details->name);
    if (!details->group.empty()) w.member("group", details->group);
    if (!details->kind.empty()) w.member("kind", details->kind);
    w.end_object();
  }
  if (code != 0) {
    w.key("code");
    w.int64(code);
  }
  w.end_object();
}

void write_status(JsonWriter& w, const StatusError& error) {
  std::optional<StatusDetails> details;
  if (error.has_details) details = StatusDetails{error.details_name, error.details_group, error.details_kind};
  write_status(w, error.code, error.reason, error.message, details);
}

StatusError node_not_found(std::string_view name) { return not_found("node", "", std::string(name)); }

StatusError node_metrics_not_found(std::string_view name) {
  return not_found("nodemetrics", "metrics.k8s.io", std::string(name));
}

StatusError pod_not_found(std::string_view name) { return not_found("pods", "", std::string(name)); }

StatusError pod_metrics_not_found(std::string_view namespace_name, std::string_view name) {
  std::string qualified(namespace_name);
  qualified += '/';
  qualified += name;
  return not_found("podmetrics", "metrics.k8s.io", std::move(qualified));
}

StatusError unknown_field_selector(std::string_view field) {
  // apierrors.NewBadRequest: no details at all.
  std::string message;
  append_go_quoted(message, field);
  message += " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";
  return make(400, "BadRequest", std::move(message));
}

StatusError watch_not_supported(std::string_view resource) {
  // apierrors.NewMethodNotSupported(GroupResource{metrics.k8s.io, resource}, "watch").
  std::string qualified(resource);
  qualified += ".metrics.k8s.io";
  std::string message = "watch is not supported on resources of kind ";
  append_go_quoted(message, qualified);
  StatusError error = make(405, "MethodNotAllowed", std::move(message));
  error.has_details = true;
  error.details_group = "metrics.k8s.io";
  error.details_kind = resource == "pods" ? std::string_view("pods") : std::string_view("nodes");
  return error;
}

StatusError unknown_path() {
  StatusError error = make(404, "NotFound", "the server could not find the requested resource");
  error.has_details = true;  // NewGenericServerResponse sets an empty StatusDetails: "details":{}
  return error;
}

}  // namespace mpf::api::metrics
