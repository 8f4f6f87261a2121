#include "tests/sim/request_handler.h"

#include <gtest/gtest.h>

#include "tests/sim/exposition_checker.h"

namespace mpf::sim {
namespace {

constexpr int64_t kNowMs = kDefaultAnchorUnixNs / 1000000 + 60000;

ClusterModel small_model() {
  ModelConfig config;
  config.nodes = 2;
  config.pods_per_node = 4;
  return ClusterModel(config);
}

RequestView get(std::string_view target) {
  RequestView request;
  request.method = "GET";
  request.target = target;
  return request;
}

std::string_view head_of(const Reply& reply) {
  return std::string_view(reply.wire).substr(0, reply.wire.find("\r\n\r\n") + 4);
}

std::string_view body_of(const Reply& reply) {
  return std::string_view(reply.wire).substr(reply.wire.find("\r\n\r\n") + 4);
}

// Undoes chunked transfer encoding; empty if malformed.
std::string dechunk(std::string_view body) {
  std::string out;
  for (;;) {
    const size_t line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) return {};
    const size_t size = std::stoul(std::string(body.substr(0, line_end)), nullptr, 16);
    body.remove_prefix(line_end + 2);
    if (size == 0) return body == "\r\n" ? out : std::string();
    out += body.substr(0, size);
    body.remove_prefix(size + 2);
  }
}

TEST(RequestHandlerTest, ServesResourceMetricsChunked) {
  const ClusterModel model = small_model();
  Reply reply;
  build_reply(get("/metrics/resource"), FaultMode::kNone, {}, model, 0, kNowMs, 0, reply);
  EXPECT_EQ(head_of(reply).substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_NE(head_of(reply).find("Transfer-Encoding: chunked\r\n"), std::string_view::npos);
  EXPECT_NE(head_of(reply).find("Date: "), std::string_view::npos);
  EXPECT_EQ(reply.send_bytes, reply.wire.size());
  EXPECT_FALSE(reply.close_after);
  const std::string text = dechunk(body_of(reply));
  auto [exposition, error] = test::check_exposition(text);
  EXPECT_TRUE(exposition) << error;
}

TEST(RequestHandlerTest, ContentLengthWhenNotChunked) {
  const ClusterModel model = small_model();
  HandlerConfig config;
  config.chunked = false;
  Reply reply;
  build_reply(get("/stats/summary?only_cpu_and_memory=true"), FaultMode::kNone, config, model, 1, kNowMs, 0, reply);
  EXPECT_NE(head_of(reply).find("Content-Type: application/json\r\n"), std::string_view::npos);
  EXPECT_NE(head_of(reply).find("Content-Length: " + std::to_string(body_of(reply).size()) + "\r\n"),
            std::string_view::npos);
}

TEST(RequestHandlerTest, AuthenticationComesBeforeRouting) {
  const ClusterModel model = small_model();
  HandlerConfig config;
  config.require_token = "t0ken";
  Reply reply;
  RequestView request = get("/anything");
  EXPECT_EQ(plan_request(request, FaultMode::kHang, config), Action::kRespond);
  build_reply(request, FaultMode::kHang, config, model, 0, kNowMs, 0, reply);
  EXPECT_EQ(head_of(reply).substr(0, 21), "HTTP/1.1 401 Unauthor");
  request.authorization = "bearer t0ken";  // The scheme is case-insensitive.
  build_reply(request, FaultMode::kNone, config, model, 0, kNowMs, 0, reply);
  EXPECT_EQ(head_of(reply).substr(0, 12), "HTTP/1.1 404");
  request.target = "/metrics/resource";
  EXPECT_EQ(plan_request(request, FaultMode::kHang, config), Action::kHang);
  EXPECT_EQ(plan_request(request, FaultMode::kSlow, config), Action::kDelayThenRespond);
  request.method = "POST";
  build_reply(request, FaultMode::kNone, config, model, 0, kNowMs, 0, reply);
  EXPECT_EQ(head_of(reply).substr(0, 12), "HTTP/1.1 405");
}

TEST(RequestHandlerTest, GzipOnlyWhenAcceptedAndOnlyForMetrics) {
  const ClusterModel model = small_model();
  Reply reply;
  RequestView request = get("/metrics/resource");
  for (std::string_view accept : {"gzip", "gzip, deflate", "br;q=1.0, gzip;q=0.8"}) {
    request.accept_encoding = accept;
    build_reply(request, FaultMode::kNone, {}, model, 0, kNowMs, 0, reply);
    EXPECT_NE(head_of(reply).find("Content-Encoding: gzip"), std::string_view::npos) << accept;
  }
  for (std::string_view accept : {"", "deflate", "gzip;q=0", "gzip;q=0.0, br"}) {
    request.accept_encoding = accept;
    build_reply(request, FaultMode::kNone, {}, model, 0, kNowMs, 0, reply);
    EXPECT_EQ(head_of(reply).find("Content-Encoding"), std::string_view::npos) << accept;
  }
  request = get("/stats/summary");
  request.accept_encoding = "gzip";
  build_reply(request, FaultMode::kNone, {}, model, 0, kNowMs, 0, reply);
  EXPECT_EQ(head_of(reply).find("Content-Encoding"), std::string_view::npos);
}

TEST(RequestHandlerTest, TruncatedCutsInsideALine) {
  const ClusterModel model = small_model();
  Reply reply;
  build_reply(get("/metrics/resource"), FaultMode::kTruncated, {}, model, 0, kNowMs, 0, reply);
  EXPECT_TRUE(reply.close_after);
  ASSERT_LT(reply.send_bytes, reply.wire.size());
  EXPECT_NE(reply.wire[reply.send_bytes - 1], '\n');
  EXPECT_NE(reply.wire[reply.send_bytes], '\n');
  EXPECT_NE(head_of(reply).find("Content-Length: "), std::string_view::npos);
}

TEST(RequestHandlerTest, GarbageDiffersPerRequestButIsDeterministic) {
  const ClusterModel model = small_model();
  Reply a;
  Reply b;
  Reply c;
  build_reply(get("/metrics/resource"), FaultMode::kGarbage, {}, model, 0, kNowMs, 1, a);
  build_reply(get("/metrics/resource"), FaultMode::kGarbage, {}, model, 0, kNowMs, 1, b);
  build_reply(get("/metrics/resource"), FaultMode::kGarbage, {}, model, 0, kNowMs, 2, c);
  EXPECT_EQ(body_of(a), body_of(b));
  EXPECT_NE(body_of(a), body_of(c));
  EXPECT_EQ(head_of(a).substr(0, 15), "HTTP/1.1 200 OK");
}

TEST(RequestHandlerTest, ConnectionCloseIsHonoured) {
  const ClusterModel model = small_model();
  RequestView request = get("/metrics/resource");
  request.keep_alive = false;
  Reply reply;
  build_reply(request, FaultMode::kNone, {}, model, 0, kNowMs, 0, reply);
  EXPECT_TRUE(reply.close_after);
  EXPECT_NE(head_of(reply).find("Connection: close\r\n"), std::string_view::npos);
  build_reply(request, FaultMode::kHttp500, {}, model, 0, kNowMs, 0, reply);
  EXPECT_TRUE(reply.close_after);
  EXPECT_EQ(head_of(reply).substr(0, 12), "HTTP/1.1 500");
}

}  // namespace
}  // namespace mpf::sim
