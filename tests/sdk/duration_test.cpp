#include "mpf/sdk/duration.h"

#include <gtest/gtest.h>

namespace mpf {
namespace {

using std::chrono::nanoseconds;

TEST(DurationTest, ParsesGoSyntax) {
  EXPECT_EQ(parse_duration("15s"), nanoseconds(15'000'000'000));
  EXPECT_EQ(parse_duration("1m30s"), nanoseconds(90'000'000'000));
  EXPECT_EQ(parse_duration("500ms"), nanoseconds(500'000'000));
  EXPECT_EQ(parse_duration("1.5h"), nanoseconds(5'400'000'000'000));
  EXPECT_EQ(parse_duration("250us"), nanoseconds(250'000));
  EXPECT_EQ(parse_duration("250\xC2\xB5s"), nanoseconds(250'000));
  EXPECT_EQ(parse_duration("7ns"), nanoseconds(7));
  EXPECT_EQ(parse_duration("0"), nanoseconds(0));
  EXPECT_EQ(parse_duration("-2s"), nanoseconds(-2'000'000'000));
  EXPECT_EQ(parse_duration(".5s"), nanoseconds(500'000'000));
}

TEST(DurationTest, RejectsWhatGoRejects) {
  for (const char* bad : {"", "15", "s", "1x", "1.s5", "--1s", "1s ", " 1s", "1e3s", "99999999999h"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(format_duration(nanoseconds(0)), "0s");
  EXPECT_EQ(format_duration(nanoseconds(15'012'000'000)), "15.012s");
  EXPECT_EQ(format_duration(nanoseconds(60'500'000'000)), "1m0.5s");
  EXPECT_EQ(format_duration(nanoseconds(60'000'000'000)), "1m0s");
  EXPECT_EQ(format_duration(nanoseconds(3'600'000'000'000)), "1h0m0s");
  EXPECT_EQ(format_duration(nanoseconds(1'000)), "1\xC2\xB5s");
  EXPECT_EQ(format_duration(nanoseconds(1'500)), "1.5\xC2\xB5s");
  EXPECT_EQ(format_duration(nanoseconds(500'000'000)), "500ms");
  EXPECT_EQ(format_duration(nanoseconds(999)), "999ns");
  EXPECT_EQ(format_duration(nanoseconds(-1'500'000'000)), "-1.5s");
}

TEST(DurationTest, FormatThenParseRoundTrips) {
  for (std::int64_t ns : {1LL, 999LL, 1'000LL, 123'456'789LL, 15'012'000'000LL, 86'400'000'000'123LL}) {
    EXPECT_EQ(parse_duration(format_duration(nanoseconds(ns))), nanoseconds(ns)) << ns;
  }
}

}  // namespace
}  // namespace mpf
