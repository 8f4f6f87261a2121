#include "label_layout.h"

#include <gtest/gtest.h>

#include <string>

namespace mpf::sinks::remote_write {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

TEST(LabelLayoutTest, LabelFieldWireBytes) {
  std::string out;
  append_label_field(out, "a", "bc");
  // TimeSeries.labels (1, LEN) len 7 { Label.name (1, LEN) len 1 "a", Label.value (2, LEN) len 2 "bc" }
  EXPECT_EQ(out, bytes({0x0A, 7, 0x0A, 1, 'a', 0x12, 2, 'b', 'c'}));
}

TEST(LabelLayoutTest, LongValueTakesATwoByteLength) {
  std::string out;
  append_label_field(out, "n", std::string(130, 'x'));
  // Body: 3 (name) + 1 tag + 2 (varint 130 = 0x82 0x01) + 130 = 136 = 0x88 0x01.
  ASSERT_EQ(out.size(), 3u + 136u);
  EXPECT_EQ(out.substr(0, 8), bytes({0x0A, 0x88, 0x01, 0x0A, 1, 'n', 0x12, 0x82}));
  EXPECT_EQ(out[8], 0x01);
}

TEST(LabelLayoutTest, SplitsAroundTheMetricName) {
  const std::string_view names[] = {"pod", "node"};
  LabelLayout layout(names, {{"Zone", "z"}, {"cluster", "c"}});
  const std::string_view values[] = {"p1", "n1"};
  std::string before, after;
  layout.encode(values, before, after);
  std::string want_before;
  append_label_field(want_before, "Zone", "z");
  std::string want_after;
  append_label_field(want_after, "cluster", "c");
  append_label_field(want_after, "node", "n1");
  append_label_field(want_after, "pod", "p1");
  EXPECT_EQ(before, want_before);
  EXPECT_EQ(after, want_after);
}

TEST(LabelLayoutTest, EmptyValueIsLeftOutAndBlocksAreReplaced) {
  const std::string_view names[] = {"node"};
  LabelLayout layout(names, {});
  std::string before = "stale", after = "stale";
  const std::string_view empty[] = {""};
  layout.encode(empty, before, after);
  EXPECT_EQ(before, "");
  EXPECT_EQ(after, "");
}

}  // namespace
}  // namespace mpf::sinks::remote_write
