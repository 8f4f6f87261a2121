#include "metrics_api/go_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "tests/plugins/api/metrics_api/test_util.h"

namespace mpf::api::metrics {
namespace {

TEST(GoDuration, ReferenceExamples) {
  EXPECT_EQ(go_duration(15012000000), "15.012s");
  EXPECT_EQ(go_duration(60500000000), "1m0.5s");
  EXPECT_EQ(go_duration(1000), "1\xC2\xB5s");  // U+00B5 MICRO SIGN, as Go writes it
  EXPECT_EQ(go_duration(0), "0s");
  EXPECT_EQ(go_duration(3723000000000), "1h2m3s");
  EXPECT_EQ(go_duration(500000000), "500ms");
  EXPECT_EQ(go_duration(-1500000000), "-1.5s");
  EXPECT_EQ(go_duration(15000000000), "15s");
  EXPECT_EQ(go_duration(17913000000), "17.913s");
  EXPECT_EQ(go_duration(60000000000), "1m0s");
  EXPECT_EQ(go_duration(3600000000000), "1h0m0s");
  EXPECT_EQ(go_duration(std::numeric_limits<std::int64_t>::min()), "-2562047h47m16.854775808s");
}

// go-duration-strings.txt: "<ns> <time.Duration(ns).String()>" lines written by Go 1.19.8 (generator
// in tests/fixtures/metrics-api/go-golden-generator.go.txt; Duration.String is unchanged since).
TEST(GoDuration, MatchesGoGeneratedCases) {
  std::istringstream lines(testing::read_fixture("go-duration-strings.txt"));
  std::int64_t ns = 0;
  std::string expected;
  int count = 0;
  while (lines >> ns >> expected) {
    ASSERT_EQ(go_duration(ns), expected) << ns;
    ++count;
  }
  EXPECT_GT(count, 3000);
}

TEST(Rfc3339Seconds, ReferenceExamples) {
  EXPECT_EQ(rfc3339_seconds(1633253824000000000), "2021-10-03T09:37:04Z");
  EXPECT_EQ(rfc3339_seconds(1633253830999999999), "2021-10-03T09:37:10Z");  // truncated, not rounded
  EXPECT_EQ(rfc3339_seconds(0), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339Seconds, NegativeInstantsRoundTowardThePast) {
  EXPECT_EQ(rfc3339_seconds(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(rfc3339_seconds(-1000000000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(rfc3339_seconds(-1000000001), "1969-12-31T23:59:58Z");
}

TEST(Rfc3339Seconds, MatchesGoGeneratedCases) {
  std::istringstream lines(testing::read_fixture("go-rfc3339-seconds.txt"));
  std::int64_t ns = 0;
  std::string expected;
  int count = 0;
  while (lines >> ns >> expected) {
    ASSERT_EQ(rfc3339_seconds(ns), expected) << ns;
    ++count;
  }
  EXPECT_GT(count, 2000);
}

TEST(Rfc3339Seconds, AppendFormAppends) {
  std::string out = "t=";
  append_rfc3339_seconds(out, 951782400000000000);
  EXPECT_EQ(out, "t=2000-02-29T00:00:00Z");
}

}  // namespace
}  // namespace mpf::api::metrics
