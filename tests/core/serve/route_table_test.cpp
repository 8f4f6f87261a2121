#include "core/serve/route_table.h"

#include <gtest/gtest.h>

#include "core/serve/status_body.h"

namespace mpf::core {
namespace {

mpf::Route route(std::string prefix, std::string answer) {
  return mpf::Route{std::move(prefix), [answer](const mpf::ServerRequest&, mpf::ServerResponse& r) { r.body = answer; }};
}

std::string answer_for(const RouteTable& table, std::string_view path) {
  const mpf::RouteHandler* handler = table.find(path);
  if (handler == nullptr) return "none";
  mpf::ServerResponse response;
  (*handler)(mpf::ServerRequest{}, response);
  return response.body;
}

TEST(RouteTableTest, LongestPrefixWins) {
  RouteTable table;
  ASSERT_TRUE(table.add({route("/apis", "apis"), route("/", "root"), route("/apis/metrics.k8s.io", "metrics")}).is_ok());
  EXPECT_EQ(answer_for(table, "/apis/metrics.k8s.io/v1beta1/nodes"), "metrics");
  EXPECT_EQ(answer_for(table, "/apis/apps"), "apis");
  EXPECT_EQ(answer_for(table, "/healthz"), "root");
}

TEST(RouteTableTest, NoCatchAllMeansNoMatch) {
  RouteTable table;
  ASSERT_TRUE(table.add({route("/healthz", "ok")}).is_ok());
  EXPECT_EQ(answer_for(table, "/metrics"), "none");
  EXPECT_EQ(answer_for(table, "/healthz/ping"), "ok");
}

TEST(RouteTableTest, DuplicatePrefixIsRefusedNamingItAndAddsNothing) {
  RouteTable table;
  ASSERT_TRUE(table.add({route("/a", "a")}).is_ok());
  Status st = table.add({route("/b", "b"), route("/a", "again")});
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("\"/a\""), std::string::npos) << st.message();
  EXPECT_EQ(answer_for(table, "/b"), "none");  // all or nothing
  EXPECT_FALSE(table.add({route("/c", "c"), route("/c", "c")}).is_ok());
  EXPECT_EQ(table.size(), 1u);
}

TEST(RouteTableTest, BadRoutesAreRefused) {
  RouteTable table;
  EXPECT_FALSE(table.add({route("", "x")}).is_ok());
  EXPECT_FALSE(table.add({route("metrics", "x")}).is_ok());
  EXPECT_FALSE(table.add({mpf::Route{"/x", nullptr}}).is_ok());
}

TEST(StatusBodyTest, NotFoundIsMetricsServersByteForByte) {
  EXPECT_EQ(not_found_body(),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})");
}

TEST(StatusBodyTest, MessageIsEscaped) {
  EXPECT_EQ(status_body(500, "InternalError", "a \"b\"\n\x01"),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"a \"b\"\n\u0001","reason":"InternalError","details":{},"code":500})");
}

}  // namespace
}  // namespace mpf::core
