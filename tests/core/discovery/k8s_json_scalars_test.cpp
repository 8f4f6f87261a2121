// The scalar conversions of the Kubernetes object decoders: RFC 3339 times, integers, UTF-8.
#include "core/discovery/k8s_json_scalars.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mpf::core {
namespace {

std::int64_t seconds(std::string_view text) {
  std::int64_t s = -12345;
  EXPECT_TRUE(parse_rfc3339_unix_seconds(text, s)) << text;
  return s;
}

bool time_fails(std::string_view text) {
  std::int64_t s = -12345;
  const bool ok = parse_rfc3339_unix_seconds(text, s);
  EXPECT_EQ(s, -12345) << "written on failure: " << text;
  return !ok;
}

TEST(K8sObjectsScalars, Rfc3339) {
  EXPECT_EQ(seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(seconds("2024-01-09T10:00:00Z"), 1704794400);
  EXPECT_EQ(seconds("2024-02-29T23:59:59Z"), 1709251199);  // leap day
  EXPECT_EQ(seconds("2000-03-01T00:00:00Z"), 951868800);   // after a 400-year leap day
  EXPECT_EQ(seconds("2100-03-01T00:00:00Z"), 4107542400);  // 2100 is no leap year
  EXPECT_EQ(seconds("2024-01-09T10:00:00.5Z"), 1704794400);
  EXPECT_EQ(seconds("2024-01-09T10:00:00.123456789123Z"), 1704794400);
  EXPECT_EQ(seconds("2024-01-09T12:00:00+02:00"), 1704794400);
  EXPECT_EQ(seconds("2024-01-09T04:30:00-05:30"), 1704794400);
  EXPECT_EQ(seconds("1969-12-31T23:59:59.9Z"), -1);  // floored, as Go's Time.Unix()
  EXPECT_EQ(seconds("0001-01-01T00:00:00Z"), -62135596800);  // Go's zero time
  EXPECT_EQ(seconds("9999-12-31T23:59:59Z"), 253402300799);
  EXPECT_EQ(seconds("0000-03-01T00:00:00Z"), -62162035200);

  EXPECT_TRUE(time_fails(""));
  EXPECT_TRUE(time_fails("2024-01-09"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00"));
  EXPECT_TRUE(time_fails("2024-01-09t10:00:00Z"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00z"));
  EXPECT_TRUE(time_fails("2024-01-09 10:00:00Z"));
  EXPECT_TRUE(time_fails("2024-1-09T10:00:00Z"));
  EXPECT_TRUE(time_fails("2024-13-09T10:00:00Z"));
  EXPECT_TRUE(time_fails("2024-00-09T10:00:00Z"));
  EXPECT_TRUE(time_fails("2023-02-29T10:00:00Z"));
  EXPECT_TRUE(time_fails("2024-04-31T10:00:00Z"));
  EXPECT_TRUE(time_fails("2024-01-09T24:00:00Z"));
  EXPECT_TRUE(time_fails("2024-01-09T10:60:00Z"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:60Z"));  // Go rejects leap seconds
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00.Z"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00+0200"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00+02:00x"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00+24:00"));
  EXPECT_TRUE(time_fails("2024-01-09T10:00:00Zjunk"));
  EXPECT_TRUE(time_fails("+2024-01-09T10:00:00Z"));
}

TEST(K8sObjectsScalars, Integers) {
  std::int64_t v = 0;
  EXPECT_EQ(parse_json_integer("10250", 0, 65535, v), IntegerParse::kOk);
  EXPECT_EQ(v, 10250);
  EXPECT_EQ(parse_json_integer("-0", 0, 65535, v), IntegerParse::kOk);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(parse_json_integer("-2147483648", INT32_MIN, INT32_MAX, v), IntegerParse::kOk);
  EXPECT_EQ(v, INT32_MIN);
  v = 7;
  EXPECT_EQ(parse_json_integer("65536", 0, 65535, v), IntegerParse::kOutOfRange);
  EXPECT_EQ(parse_json_integer("-1", 0, 65535, v), IntegerParse::kOutOfRange);
  EXPECT_EQ(parse_json_integer("2147483648", INT32_MIN, INT32_MAX, v), IntegerParse::kOutOfRange);
  EXPECT_EQ(parse_json_integer("99999999999999999999999999999", 0, 65535, v), IntegerParse::kOutOfRange);
  EXPECT_EQ(parse_json_integer("-99999999999999999999999999999", 0, 65535, v), IntegerParse::kOutOfRange);
  EXPECT_EQ(parse_json_integer("1.0", 0, 65535, v), IntegerParse::kNotInteger);
  EXPECT_EQ(parse_json_integer("1e3", 0, 65535, v), IntegerParse::kNotInteger);
  EXPECT_EQ(parse_json_integer("1E3", 0, 65535, v), IntegerParse::kNotInteger);
  EXPECT_EQ(parse_json_integer("", 0, 65535, v), IntegerParse::kNotInteger);
  EXPECT_EQ(parse_json_integer("-", 0, 65535, v), IntegerParse::kNotInteger);
  EXPECT_EQ(v, 7);
}

TEST(K8sObjectsScalars, Utf8) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("kube-system/kube-proxy-2klcw and more than eight bytes"));
  EXPECT_TRUE(valid_utf8("caf\xC3\xA9"));
  EXPECT_TRUE(valid_utf8("\xE2\x82\xAC"));          // U+20AC
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));      // U+1F600
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF
  EXPECT_TRUE(valid_utf8(std::string_view("a\0b", 3)));
  EXPECT_FALSE(valid_utf8("\xFF"));
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));          // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));          // surrogate U+D800
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xC3"));                  // truncated
  EXPECT_FALSE(valid_utf8("abcdefgh\xE2\x82"));      // truncated after an ASCII block
  EXPECT_FALSE(valid_utf8("\xE2\x28\xA1"));          // bad continuation
  EXPECT_FALSE(valid_utf8("\x80"));                  // lone continuation
}

}  // namespace
}  // namespace mpf::core
