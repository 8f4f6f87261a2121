#include "metrics_api/status_document.h"

#include <utility>

#include "mpf/sdk/go_strings.h"

namespace mpf::api::metrics {
namespace {

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

void append_go_quoted(std::string& out, std::string_view text) { out += go::go_quote(text); }

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
