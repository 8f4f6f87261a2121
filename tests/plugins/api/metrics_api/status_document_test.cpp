#include "metrics_api/status_document.h"

#include <gtest/gtest.h>

#include <string>

namespace mpf::api::metrics {
namespace {

std::string body(const StatusError& error, JsonStyle style = JsonStyle::kCompact) {
  std::string out;
  JsonWriter w(out, style);
  write_status(w, error);
  return out;
}

std::string quoted(std::string_view text) {
  std::string out;
  append_go_quoted(out, text);
  return out;
}

// The shape of reference §1.8: kind, apiVersion, metadata {}, status, message, reason, details, code.
TEST(Status, NodeNotFound) {
  const StatusError error = node_not_found("foo");
  EXPECT_EQ(error.code, 404);
  EXPECT_EQ(body(error), R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                         R"("message":"node \"foo\" not found","reason":"NotFound",)"
                         R"("details":{"name":"foo","kind":"node"},"code":404})");
}

TEST(Status, NodeMetricsNotFound) {
  EXPECT_EQ(body(node_metrics_not_found("foo")),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"nodemetrics.metrics.k8s.io \"foo\" not found","reason":"NotFound",)"
            R"("details":{"name":"foo","group":"metrics.k8s.io","kind":"nodemetrics"},"code":404})");
}

TEST(Status, PodNotFound) {
  EXPECT_EQ(body(pod_not_found("foo")),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"pods \"foo\" not found","reason":"NotFound","details":{"name":"foo","kind":"pods"},)"
            R"("code":404})");
}

TEST(Status, PodMetricsNotFoundNamesNamespaceSlashName) {
  EXPECT_EQ(body(pod_metrics_not_found("default", "foo")),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"podmetrics.metrics.k8s.io \"default/foo\" not found","reason":"NotFound",)"
            R"("details":{"name":"default/foo","group":"metrics.k8s.io","kind":"podmetrics"},"code":404})");
}

TEST(Status, UnknownFieldSelectorIsBadRequestWithoutDetails) {
  const StatusError error = unknown_field_selector("spec.nodeName");
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(body(error), R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                         R"("message":"\"spec.nodeName\" is not a known field selector: only \"metadata.name\", )"
                         R"(\"metadata.namespace\"","reason":"BadRequest","code":400})");
}

TEST(Status, WatchNotSupported) {
  const StatusError error = watch_not_supported("nodes");
  EXPECT_EQ(error.code, 405);
  EXPECT_EQ(body(error), R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                         R"("message":"watch is not supported on resources of kind \"nodes.metrics.k8s.io\"",)"
                         R"("reason":"MethodNotAllowed","details":{"group":"metrics.k8s.io","kind":"nodes"},)"
                         R"("code":405})");
  EXPECT_EQ(watch_not_supported("pods").message, R"(watch is not supported on resources of kind "pods.metrics.k8s.io")");
}

TEST(Status, UnknownPathHasEmptyDetails) {
  EXPECT_EQ(body(unknown_path()), R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                                  R"("message":"the server could not find the requested resource",)"
                                  R"("reason":"NotFound","details":{},"code":404})");
}

TEST(Status, PrettyForm) {
  EXPECT_EQ(body(node_not_found("foo"), JsonStyle::kPretty), R"({
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "node \"foo\" not found",
  "reason": "NotFound",
  "details": {
    "name": "foo",
    "kind": "node"
  },
  "code": 404
})");
}

TEST(Status, ExplicitFieldsAndOmissions) {
  std::string out;
  JsonWriter w(out);
  write_status(w, 429, "TooManyRequests", "", std::nullopt);
  EXPECT_EQ(out, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                 R"("reason":"TooManyRequests","code":429})");
}

TEST(Status, CopiesStayValid) {
  StatusError copy;
  {
    const StatusError original = pod_metrics_not_found("ns", "p");
    copy = original;
  }
  EXPECT_NE(body(copy).find(R"("details":{"name":"ns/p")"), std::string::npos);
}

TEST(GoQuote, MatchesStrconvQuote) {
  EXPECT_EQ(quoted("foo"), R"("foo")");
  EXPECT_EQ(quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(quoted("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
  EXPECT_EQ(quoted(std::string_view("\x00\x1f\x7f", 3)), R"("\x00\x1f\x7f")");
  EXPECT_EQ(quoted("bad\xff"), R"("bad\xff")");
  EXPECT_EQ(quoted("caf\u00e9"), "\"caf\u00e9\"");
  EXPECT_EQ(quoted("\u0085\u2028"), R"("\u0085\u2028")");
}

}  // namespace
}  // namespace mpf::api::metrics
