#include "line_protocol.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace mpf::sinks::influxdb {
namespace {

struct Case {
  std::string in;
  std::string out;
};

std::string measurement(std::string_view in) {
  std::string out;
  append_measurement(out, in);
  return out;
}

std::string key(std::string_view in) {
  std::string out;
  append_key(out, in);
  return out;
}

std::string string_field(std::string_view in) {
  std::string out;
  append_string_field(out, in);
  return out;
}

TEST(LineProtocolTest, MeasurementEscapesCommaAndSpaceOnly) {
  const Case cases[] = {
      {"cpu", "cpu"},
      {"a b", R"(a\ b)"},
      {"a,b", R"(a\,b)"},
      {"a=b", "a=b"},
      {R"(a"b)", R"(a"b)"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(measurement(c.in), c.out) << "input: " << c.in;
}

TEST(LineProtocolTest, KeysAndTagValuesEscapeCommaEqualsAndSpace) {
  const Case cases[] = {
      {"node_name", "node_name"},
      {"a=b", R"(a\=b)"},
      {"a b,c=d", R"(a\ b\,c\=d)"},
      {" ", R"(\ )"},
      {R"("quoted")", R"("quoted")"},
      {"héllo", "héllo"},
      {"日本,語", "日本\\,語"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(key(c.in), c.out) << "input: " << c.in;
}

// Checked against influxd 1.6: its measurement and tag scanners look at the byte before a separator,
// its line and field scanners take backslashes two by two; these outputs read the same both ways.
TEST(LineProtocolTest, BackslashesBeforeEscapesAreDoubledAndNeverEndAName) {
  const Case cases[] = {
      {R"(a\b)", R"(a\b)"},
      {R"(C:\dir\file)", R"(C:\dir\file)"},
      {R"(a\\b)", R"(a\\b)"},
      {R"(a\ b)", R"(a\\\ b)"},
      {R"(a\,b)", R"(a\\\,b)"},
      {R"(a\=b)", R"(a\\\=b)"},
      {R"(a\\,b)", R"(a\\\\\,b)"},
      {R"(\,x)", R"(\\\,x)"},
      {R"(ab\)", "ab"},
      {R"(ab\\\)", "ab"},
      {R"(\)", ""},
      {R"(a\b\)", R"(a\b)"},
  };
  for (const Case& c : cases) EXPECT_EQ(key(c.in), c.out) << "input: " << c.in;
  // In a measurement '=' is ordinary.
  EXPECT_EQ(measurement(R"(a\=b)"), R"(a\=b)");
  EXPECT_EQ(measurement(R"(a\ b\)"), R"(a\\\ b)");
}

TEST(LineProtocolTest, LineBreaksBecomeEscapedSpaces) {
  EXPECT_EQ(key("a\nb"), R"(a\ b)");
  EXPECT_EQ(key("a\r\nb"), R"(a\ \ b)");
  EXPECT_EQ(key("a\\\n"), R"(a\\\ )");  // backslash, newline: the newline is an escaped space
  EXPECT_EQ(measurement("m\n"), R"(m\ )");
}

TEST(LineProtocolTest, StringFieldsEscapeQuoteAndBackslash) {
  EXPECT_EQ(string_field(""), R"("")");
  EXPECT_EQ(string_field(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(string_field(R"(C:\dir\)"), R"("C:\\dir\\")");
  EXPECT_EQ(string_field("a, b=c"), R"("a, b=c")");
  EXPECT_EQ(string_field("日本"), "\"日本\"");
}

TEST(LineProtocolTest, FloatsAreShortestAndRoundTrip) {
  const std::pair<double, const char*> cases[] = {
      {0.1, "0.1"}, {1.0, "1"}, {-2.5, "-2.5"}, {1e21, "1e+21"}, {123456789.125, "123456789.125"}, {5e-324, "5e-324"},
  };
  for (const auto& [value, text] : cases) {
    std::string out;
    ASSERT_TRUE(append_float(out, value));
    EXPECT_EQ(out, text);
    double back = 0;
    std::from_chars(out.data(), out.data() + out.size(), back);
    EXPECT_EQ(back, value);
  }
  std::string out;
  EXPECT_FALSE(append_float(out, std::nan("")));
  EXPECT_FALSE(append_float(out, std::numeric_limits<double>::infinity()));
  EXPECT_EQ(out, "");
}

TEST(LineProtocolTest, WriterWritesAWholeLine) {
  std::string out = "previous\n";
  LineWriter w(out);
  w.begin("m m");
  w.tag("b", "2");
  w.tag("", "no key");
  w.tag("empty", "");
  w.tag("k=", "v,");
  w.field_int("f", -5);
  w.field_uint("u", std::numeric_limits<std::uint64_t>::max());
  w.field_float("nan", std::nan(""));
  w.field_float("x", 0.5);
  w.field_string("s", "v");
  EXPECT_EQ(w.end(123), 4u);
  EXPECT_EQ(out, "previous\n" R"(m\ m,b=2,k\==v\, f=-5i,u=9223372036854775807i,x=0.5,s="v" 123)" "\n");
}

TEST(LineProtocolTest, TagLeftEmptyByTrailingBackslashesIsLeftOut) {
  std::string out;
  LineWriter w(out);
  w.begin("m");
  w.tag("a", R"(\\)");
  w.tag(R"(\)", "v");
  w.tag("b", R"(x\)");
  w.field_int("f", 1);
  EXPECT_EQ(w.end(5), 1u);
  EXPECT_EQ(out, "m,b=x f=1i 5\n");
}

TEST(LineProtocolTest, LineWithoutFieldsIsRolledBack) {
  std::string out = "kept 1\n";
  LineWriter w(out);
  w.begin("m");
  w.tag("a", "b");
  w.field_float("only", std::numeric_limits<double>::infinity());
  EXPECT_EQ(w.end(1), 0u);
  EXPECT_EQ(out, "kept 1\n");
}

}  // namespace
}  // namespace mpf::sinks::influxdb
