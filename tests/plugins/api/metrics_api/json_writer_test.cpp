#include "metrics_api/json_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace mpf::api::metrics {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// Expected values are Go 1.19.8 json.Marshal(string) output, except \b and \f (Go >= 1.22).
TEST(JsonString, GoEscapingCases) {
  EXPECT_EQ(escaped("plain"), R"("plain")");
  EXPECT_EQ(escaped("quote\"back\\slash"), R"("quote\"back\\slash")");
  EXPECT_EQ(escaped("<script>&amp;</script>"), R"("\u003cscript\u003e\u0026amp;\u003c/script\u003e")");
  EXPECT_EQ(escaped("tab\tnl\ncr\r"), R"("tab\tnl\ncr\r")");
  EXPECT_EQ(escaped(std::string_view("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(escaped("\u2028\u2029"), R"("\u2028\u2029")");
  EXPECT_EQ(escaped("caf\u00e9 \u00b5s \U0001F600"), "\"caf\u00e9 \u00b5s \U0001F600\"");
  EXPECT_EQ(escaped("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");  // a valid U+FFFD passes through
}

TEST(JsonString, GoEscapesBackspaceAndFormFeedShortSince122) {
  EXPECT_EQ(escaped("\b\f\x0b"), R"("\b\f\u000b")");
}

TEST(JsonString, InvalidUtf8BecomesOneReplacementPerByte) {
  EXPECT_EQ(escaped("bad\xff" "byte"), R"("bad\ufffdbyte")");
  EXPECT_EQ(escaped("\xc0\xaf"), R"("\ufffd\ufffd")");              // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");    // surrogate
  EXPECT_EQ(escaped("\xe0\x80\xaf"), R"("\ufffd\ufffd\ufffd")");    // overlong 3-byte
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(escaped("\xf0\x9f\x98"), R"("\ufffd\ufffd\ufffd")");    // truncated 4-byte
  EXPECT_EQ(escaped("\xe2\x82"), R"("\ufffd\ufffd")");
  EXPECT_EQ(escaped("trunc\xc3"), R"("trunc\ufffd")");
  EXPECT_EQ(escaped("\xe2\x80"), R"("\ufffd\ufffd")");  // a cut-off U+2028 is not escaped as one
}

void write_sample(JsonWriter& w) {
  w.begin_object();
  w.key("a");
  w.begin_object();
  w.end_object();
  w.key("b");
  w.begin_array();
  w.end_array();
  w.key("c");
  w.begin_array();
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.int64(1);
  w.int64(2);
  w.end_array();
  w.end_array();
  w.member("d", "x");
  w.end_object();
}

TEST(JsonWriter, CompactHasNoWhitespace) {
  std::string out;
  JsonWriter w(out);
  write_sample(w);
  EXPECT_EQ(out, R"({"a":{},"b":[],"c":[{},[1,2]],"d":"x"})");
}

// Byte for byte what Go 1.19.8 json.MarshalIndent(v, "", "  ") printed for the same value.
TEST(JsonWriter, PrettyMatchesGoMarshalIndent) {
  std::string out;
  JsonWriter w(out, JsonStyle::kPretty);
  write_sample(w);
  EXPECT_EQ(out, "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    {},\n    [\n      1,\n      2\n    ]\n  ],\n"
                 "  \"d\": \"x\"\n}");
}

TEST(JsonWriter, Scalars) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  w.int64(-9223372036854775807 - 1);
  w.uint64(18446744073709551615u);
  w.boolean(true);
  w.boolean(false);
  w.string("");
  w.end_array();
  EXPECT_EQ(out, R"([-9223372036854775808,18446744073709551615,true,false,""])");
}

TEST(JsonWriter, KeysAreEscapedToo) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("a<b", "c&d");
  w.end_object();
  EXPECT_EQ(out, R"({"a\u003cb":"c\u0026d"})");
}

TEST(JsonWriter, RawStringAppendsUnescapedInsideQuotes) {
  std::string out;
  JsonWriter w(out, JsonStyle::kPretty);
  w.begin_object();
  w.key("cpu");
  w.begin_raw_string() += "5m";
  w.end_raw_string();
  w.end_object();
  EXPECT_EQ(out, "{\n  \"cpu\": \"5m\"\n}");
}

TEST(JsonWriter, AppendsAfterExistingContent) {
  std::string out = "prefix ";
  JsonWriter w(out);
  w.begin_array();
  w.end_array();
  EXPECT_EQ(out, "prefix []");
}

}  // namespace
}  // namespace mpf::api::metrics
