#include "json_line.h"

#include <gtest/gtest.h>

namespace mpf::sinks::jsonl {
namespace {

TEST(JsonLineTest, FormatsRfc3339WithNanoseconds) {
  // 1700000000 s is 2023-11-14T22:13:20Z; 0 is the epoch; 951782400 s is 2000-02-29 (a leap day).
  EXPECT_EQ(format_rfc3339_nanos(1700000000LL * 1000000000LL + 7), "2023-11-14T22:13:20.000000007Z");
  EXPECT_EQ(format_rfc3339_nanos(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_rfc3339_nanos(951782400LL * 1000000000LL + 999999999), "2000-02-29T00:00:00.999999999Z");
  // Before the epoch the day and the fraction still count forward: -1 ns is the last nanosecond of 1969.
  EXPECT_EQ(format_rfc3339_nanos(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(JsonLineTest, ValidUtf8PassesThroughWithoutCopy) {
  std::string scratch;
  std::string_view text = "caf\xC3\xA9 \xF0\x9F\x98\x80";
  EXPECT_EQ(valid_utf8(text, scratch).data(), text.data());
  EXPECT_TRUE(scratch.empty());
}

TEST(JsonLineTest, InvalidBytesBecomeReplacementCharacters) {
  std::string scratch;
  // A lone continuation byte, an overlong "/" (C0 AF) and a surrogate (ED A0 80): each byte replaced.
  EXPECT_EQ(valid_utf8("a\x80z", scratch), "a\xEF\xBF\xBDz");
  EXPECT_EQ(valid_utf8("\xC0\xAF", scratch), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xED\xA0\x80", scratch), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(JsonLineTest, UsageWritesOnlyPresentFieldsAndCountsThem) {
  JsonLine line;
  line.reset();
  line.begin_object();
  Usage u;
  u.window_ns = 30000000000;
  u.cpu_nanocores = 1;
  u.memory_working_set_bytes = 2;
  u.swap_usage_bytes = 3;
  u.ephemeral_storage_bytes = 4;
  u.present = kHasMemory | kHasEphemeralStorage;  // no CPU: no window either
  line.usage(u);
  line.end_object();
  EXPECT_EQ(line.text(), R"({"memory_working_set_bytes":2,"ephemeral_storage_bytes":4})");
  EXPECT_EQ(line.values(), 2u);
  line.reset();
  EXPECT_EQ(line.text(), "");
  EXPECT_EQ(line.values(), 0u);
}

}  // namespace
}  // namespace mpf::sinks::jsonl
