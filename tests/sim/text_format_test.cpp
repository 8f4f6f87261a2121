#include "tests/sim/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace mpf::sim {
namespace {

std::string go_float(double v) {
  std::string out;
  append_go_float(out, v);
  return out;
}

TEST(GoFloatTest, MatchesValuesSeenInRealKubeletOutput) {
  // From resource-v1.21-kind-70pods and resource-2024-kind fixtures.
  EXPECT_EQ(go_float(12533760), "1.253376e+07");
  EXPECT_EQ(go_float(4710169000.0 / 1e9), "4.710169");
  EXPECT_EQ(go_float(1616273408), "1.616273408e+09");
  EXPECT_EQ(go_float(7729152), "7.729152e+06");
  EXPECT_EQ(go_float(5716152579000.0 / 1e9), "5716.152579");
  EXPECT_EQ(go_float(92544000.0 / 1e9), "0.092544");
  EXPECT_EQ(go_float(1.704801651080639e+09), "1.704801651080639e+09");
  EXPECT_EQ(go_float(1.7048017268389955e+09), "1.7048017268389955e+09");
  EXPECT_EQ(go_float(34400333824), "3.4400333824e+10");
  EXPECT_EQ(go_float(static_cast<double>(18446743709127774208ULL)), "1.8446743709127774e+19");
  // From the kubelet's own unit test: 10 s of CPU, 1000 bytes.
  EXPECT_EQ(go_float(10), "10");
  EXPECT_EQ(go_float(1000), "1000");
}

TEST(GoFloatTest, SwitchesToExponentFormLikeStrconv) {
  EXPECT_EQ(go_float(0), "0");
  EXPECT_EQ(go_float(-0.0), "-0");
  EXPECT_EQ(go_float(1), "1");
  EXPECT_EQ(go_float(123456), "123456");
  EXPECT_EQ(go_float(123456.5), "123456.5");
  EXPECT_EQ(go_float(1e6), "1e+06");
  EXPECT_EQ(go_float(1234567), "1.234567e+06");
  EXPECT_EQ(go_float(0.0001), "0.0001");
  EXPECT_EQ(go_float(0.00001), "1e-05");
  EXPECT_EQ(go_float(0.000123), "0.000123");
  EXPECT_EQ(go_float(-2.5), "-2.5");
  EXPECT_EQ(go_float(1e21), "1e+21");
  EXPECT_EQ(go_float(1e100), "1e+100");
  EXPECT_EQ(go_float(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(go_float(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(go_float(std::nan("")), "NaN");
}

TEST(GoFloatTest, RoundTrips) {
  for (double v : {0.1, 1.0 / 3, 2.0 / 3 * 1e9, 123456789.123456789, 5e-324, 1.7976931348623157e308}) {
    EXPECT_EQ(std::strtod(go_float(v).c_str(), nullptr), v) << go_float(v);
  }
}

TEST(TimeFormatTest, Rfc3339TruncatesToSeconds) {
  std::string out;
  append_rfc3339_seconds(out, 1768329614999999999LL);
  EXPECT_EQ(out, "2026-01-13T18:40:14Z");
  out.clear();
  append_rfc3339_seconds(out, 0);
  EXPECT_EQ(out, "1970-01-01T00:00:00Z");
  out.clear();
  append_rfc3339_seconds(out, 951782400LL * 1000000000);  // Leap day.
  EXPECT_EQ(out, "2000-02-29T00:00:00Z");
}

TEST(TimeFormatTest, HttpDate) {
  std::string out;
  append_http_date(out, 1768329614);
  EXPECT_EQ(out, "Tue, 13 Jan 2026 18:40:14 GMT");
  out.clear();
  append_http_date(out, 0);
  EXPECT_EQ(out, "Thu, 01 Jan 1970 00:00:00 GMT");
}

}  // namespace
}  // namespace mpf::sim
