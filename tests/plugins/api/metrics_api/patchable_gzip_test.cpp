#include "metrics_api/patchable_gzip.h"

#include <gtest/gtest.h>
#include "tests/plugins/api/metrics_api/test_util.h"

#include <random>
#include <string>
#include <vector>

namespace mpf::api::metrics {
namespace {

using testing::gunzip;

struct Template {
  std::string text;
  std::vector<std::size_t> holes;
};

// A PodMetricsList-like compact JSON text, one 20-byte creationTimestamp hole per item.
Template pod_list(std::size_t items, unsigned seed) {
  std::mt19937 random(seed);
  Template t;
  t.text = R"({"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[)";
  for (std::size_t i = 0; i < items; ++i) {
    if (i > 0) t.text += ',';
    t.text += R"({"metadata":{"name":"pod-)" + std::to_string(random() % 100000) + R"(","namespace":"ns-)" +
              std::to_string(i / 30) + R"(","creationTimestamp":")";
    t.holes.push_back(t.text.size());
    t.text += "2000-01-01T00:00:00Z";
    t.text += R"(","labels":{"app":"a)" + std::to_string(random() % 7) + R"("}},"timestamp":"2026-11-24T15:0)" +
              std::to_string(random() % 10) + R"(:07Z","window":"15.01s","containers":[{"name":"c","usage":{"cpu":")" +
              std::to_string(random() % 9000000) + R"(n","memory":")" + std::to_string(random() % 90000) + R"(Ki"}}]})";
  }
  t.text += "]}\n";
  return t;
}

std::string with_fill(Template t, std::string_view fill) {
  for (std::size_t hole : t.holes) t.text.replace(hole, fill.size(), fill);
  return t.text;
}

TEST(PatchableGzip, IssuesTheTextWithEachFillAndAValidTrailer) {
  const Template t = pod_list(2000, 1);
  auto gz = PatchableGzip::compress(t.text, t.holes, 20);
  ASSERT_TRUE(gz.has_value());
  EXPECT_EQ(gz->hole_count(), t.holes.size());
  for (std::string_view fill : {"2026-11-24T15:04:05Z", "1999-12-31T23:59:59Z", "2026-11-24T15:04:06Z"}) {
    const std::string issued = gz->issue(fill);
    EXPECT_EQ(issued.size(), gz->compressed_size());
    auto plain = gunzip(issued);
    ASSERT_TRUE(plain.has_value()) << fill;
    EXPECT_EQ(*plain, with_fill(t, fill)) << fill;
  }
}

TEST(PatchableGzip, CompressesRepetitiveJson) {
  const Template t = pod_list(5000, 2);
  auto gz = PatchableGzip::compress(t.text, t.holes, 20);
  ASSERT_TRUE(gz.has_value());
  EXPECT_LT(gz->compressed_size() * 3, t.text.size());  // fixed codes still shrink list JSON well
}

TEST(PatchableGzip, LargeTextsWithHolesAcrossBlockBoundaries) {
  // Enough symbols for many fixed blocks, so some holes straddle a block boundary.
  const Template t = pod_list(60000, 3);
  auto gz = PatchableGzip::compress(t.text, t.holes, 20);
  ASSERT_TRUE(gz.has_value());
  EXPECT_GT(gz->split_hole_count(), 0u);          // some holes straddle blocks: the per-byte path
  EXPECT_GT(gz->holes_with_copied_bytes(), 0u);   // some borrow bytes from an earlier hole
  auto plain = gunzip(gz->issue("2031-02-03T04:05:06Z"));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, with_fill(t, "2031-02-03T04:05:06Z"));
}

TEST(PatchableGzip, TextWithoutHoles) {
  const std::string text = "{\"kind\":\"NodeMetricsList\",\"items\":[]}\n";
  auto gz = PatchableGzip::compress(text, {}, 20);
  ASSERT_TRUE(gz.has_value());
  EXPECT_EQ(gunzip(gz->issue("2026-11-24T15:04:05Z")), text);
}

TEST(PatchableGzip, AdjacentAndEdgeHoles) {
  std::string text(100, 'x');
  const std::vector<std::size_t> holes = {0, 20, 50, 80};
  auto gz = PatchableGzip::compress(text, holes, 20);
  ASSERT_TRUE(gz.has_value());
  const std::string fill = "ABCDEFGHIJKLMNOPQRST";
  std::string expected = text;
  for (std::size_t hole : holes) expected.replace(hole, 20, fill);
  EXPECT_EQ(gunzip(gz->issue(fill)), expected);
}

TEST(PatchableGzip, RefusesOverlappingOrOutOfRangeHoles) {
  const std::string text(100, 'x');
  EXPECT_FALSE(PatchableGzip::compress(text, std::vector<std::size_t>{0, 10}, 20).has_value());
  EXPECT_FALSE(PatchableGzip::compress(text, std::vector<std::size_t>{90}, 20).has_value());
  EXPECT_FALSE(PatchableGzip::compress(text, std::vector<std::size_t>{50, 10}, 20).has_value());
}

TEST(PatchableGzip, WrongFillWidthIssuesNothing) {
  const Template t = pod_list(3, 4);
  auto gz = PatchableGzip::compress(t.text, t.holes, 20);
  ASSERT_TRUE(gz.has_value());
  EXPECT_TRUE(gz->issue("short").empty());
}

}  // namespace
}  // namespace mpf::api::metrics
