#include "json_counter.h"

#include <gtest/gtest.h>

namespace mpf::sources::kubelet_summary {
namespace {

CounterParse parse(std::string_view text, std::uint64_t& v) { return parse_counter(text, v); }

TEST(JsonCounterTest, Integers) {
  std::uint64_t v = 0;
  EXPECT_EQ(parse("0", v), CounterParse::kOk);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(parse("519978197128", v), CounterParse::kOk);
  EXPECT_EQ(v, 519978197128u);
  EXPECT_EQ(parse("999999999999999999", v), CounterParse::kOk);  // 18 digits: fast path
  EXPECT_EQ(v, 999999999999999999u);
  EXPECT_EQ(parse("9223372036854775807", v), CounterParse::kOk);  // 19 digits: exact path
  EXPECT_EQ(v, 9223372036854775807u);
  EXPECT_EQ(parse("9223372036854775808", v), CounterParse::kTooLarge);
  EXPECT_EQ(parse("18446744073709551615", v), CounterParse::kTooLarge);
  EXPECT_EQ(parse("184467440737095516150000", v), CounterParse::kTooLarge);
}

TEST(JsonCounterTest, SignAndFractions) {
  std::uint64_t v = 7;
  EXPECT_EQ(parse("-1", v), CounterParse::kNegative);
  EXPECT_EQ(parse("-1.5e300", v), CounterParse::kNegative);
  EXPECT_EQ(parse("0.5", v), CounterParse::kFractional);
  EXPECT_EQ(parse("41.11", v), CounterParse::kFractional);
  EXPECT_EQ(parse("1e-1", v), CounterParse::kFractional);
  EXPECT_EQ(parse("5e-1000000000", v), CounterParse::kFractional);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(parse("-0", v), CounterParse::kOk);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(parse("0e999", v), CounterParse::kOk);
  EXPECT_EQ(v, 0u);
}

TEST(JsonCounterTest, WholeNumbersInFloatNotationAreExact) {
  std::uint64_t v = 0;
  EXPECT_EQ(parse("1.449984e+06", v), CounterParse::kOk);
  EXPECT_EQ(v, 1449984u);
  EXPECT_EQ(parse("1.253376E7", v), CounterParse::kOk);
  EXPECT_EQ(v, 12533760u);
  EXPECT_EQ(parse("2500.000", v), CounterParse::kOk);
  EXPECT_EQ(v, 2500u);
  EXPECT_EQ(parse("0.0012e6", v), CounterParse::kOk);
  EXPECT_EQ(v, 1200u);
  EXPECT_EQ(parse("9.007199254740993e15", v), CounterParse::kOk);  // 2^53+1: a double would round
  EXPECT_EQ(v, 9007199254740993u);
  EXPECT_EQ(parse("12000e-3", v), CounterParse::kOk);
  EXPECT_EQ(v, 12u);
  EXPECT_EQ(parse("1.8446743709127774e+19", v), CounterParse::kTooLarge);  // KEP 2400's swap underflow
  EXPECT_EQ(parse("1e19", v), CounterParse::kTooLarge);
  EXPECT_EQ(parse("1e300", v), CounterParse::kTooLarge);
}

TEST(JsonCounterTest, Malformed) {
  std::uint64_t v = 0;
  for (const char* bad : {"", "-", "e5", "1e", "1e+", "1x", "1.2.3", "\"5\"", "1e5e5", "."}) {
    EXPECT_EQ(parse(bad, v), CounterParse::kMalformed) << bad;
  }
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
