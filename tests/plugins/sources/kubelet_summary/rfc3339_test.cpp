#include "rfc3339.h"

#include <gtest/gtest.h>

namespace mpf::sources::kubelet_summary {
namespace {

constexpr std::int64_t kSecond = 1000000000;

std::int64_t parsed(std::string_view text) {
  std::int64_t ns = -1;
  EXPECT_EQ(parse_rfc3339(text, ns), TimeParse::kOk) << text;
  return ns;
}

TEST(Rfc3339Test, Utc) {
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z"), 0);
  // 2020-04-16: 18262 (2020-01-01) + 31+29+31 + 15 = 18368 days; *86400 + 73528 s (20:25:28).
  EXPECT_EQ(parsed("2020-04-16T20:25:28Z"), 1587068728 * kSecond);
  // 2000-02-29 exists (divisible by 400): 10957 + 31 + 28 = 11016 days.
  EXPECT_EQ(parsed("2000-02-29T00:00:00Z"), 11016LL * 86400 * kSecond);
  EXPECT_EQ(parsed("1969-12-31T23:59:59Z"), -kSecond);
}

TEST(Rfc3339Test, FractionsAndOffsets) {
  EXPECT_EQ(parsed("2020-04-16T20:25:28.5Z"), 1587068728 * kSecond + 500000000);
  EXPECT_EQ(parsed("2020-04-16T20:25:28.123456789Z"), 1587068728 * kSecond + 123456789);
  EXPECT_EQ(parsed("2020-04-16T20:25:28.1234567891234Z"), 1587068728 * kSecond + 123456789);  // truncated
  EXPECT_EQ(parsed("2020-04-16T22:25:28+02:00"), 1587068728 * kSecond);
  EXPECT_EQ(parsed("2020-04-16T15:55:28-04:30"), 1587068728 * kSecond);
  EXPECT_EQ(parsed("2020-04-16T20:25:28-00:00"), 1587068728 * kSecond);
  EXPECT_EQ(parsed("1969-12-31T23:59:59.75Z"), -250000000);
  // A leap second is the next minute's first second.
  EXPECT_EQ(parsed("2016-12-31T23:59:60Z"), parsed("2017-01-01T00:00:00Z"));
}

TEST(Rfc3339Test, Malformed) {
  for (const char* bad : {"", "2020-04-16", "2020-04-16T20:25:28", "2020-04-16t20:25:28Z", "2020-04-16T20:25:28z",
                          "2020-04-16 20:25:28Z", "2020-4-16T20:25:28Z", "2020-04-16T20:25:28.Z", "2020-04-16T20:25:28+0200",
                          "2020-04-16T20:25:28+02", "2020-04-16T20:25:28Zx", "2020-13-01T00:00:00Z", "2020-00-01T00:00:00Z",
                          "2019-02-29T00:00:00Z", "2020-04-31T00:00:00Z", "2020-04-16T24:00:00Z", "2020-04-16T20:60:00Z",
                          "2020-04-16T20:25:61Z", "2020-04-16T20:25:28+24:00", "2020-04-16T20:25:28+02:60",
                          "+2020-04-16T20:25:28Z", "2020-04-16T20:25:28.5.5Z", "２020-04-16T20:25:28Z"}) {
    std::int64_t ns = 42;
    EXPECT_EQ(parse_rfc3339(bad, ns), TimeParse::kMalformed) << bad;
    EXPECT_EQ(ns, 42) << bad;
  }
}

TEST(Rfc3339Test, OutOfInt64Range) {
  std::int64_t ns = 42;
  EXPECT_EQ(parse_rfc3339("0001-01-01T00:00:00Z", ns), TimeParse::kOutOfRange);  // Go's zero time
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z", ns), TimeParse::kOutOfRange);
  EXPECT_EQ(parse_rfc3339("2262-04-11T23:47:16.854775808Z", ns), TimeParse::kOutOfRange);
  EXPECT_EQ(parse_rfc3339("1677-09-21T00:12:43.145224191Z", ns), TimeParse::kOutOfRange);
  EXPECT_EQ(ns, 42);
  EXPECT_EQ(parsed("2262-04-11T23:47:16.854775807Z"), INT64_MAX);
  EXPECT_EQ(parsed("1677-09-21T00:12:43.145224192Z"), INT64_MIN);
}

TEST(Rfc3339Test, FormatRoundTrips) {
  char buf[kRfc3339MaxLength];
  auto fmt = [&buf](std::int64_t ns) { return std::string(buf, format_rfc3339_utc(ns, buf)); };
  EXPECT_EQ(fmt(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(fmt(1587068728 * kSecond), "2020-04-16T20:25:28Z");
  EXPECT_EQ(fmt(1587068728 * kSecond + 500000000), "2020-04-16T20:25:28.5Z");
  EXPECT_EQ(fmt(-250000000), "1969-12-31T23:59:59.75Z");
  EXPECT_EQ(fmt(INT64_MAX), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(fmt(INT64_MIN), "1677-09-21T00:12:43.145224192Z");
  for (std::int64_t ns : {std::int64_t{1}, std::int64_t{-1}, 951782400 * kSecond, 4102444800 * kSecond + 7}) {
    EXPECT_EQ(parsed(fmt(ns)), ns);
  }
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
