#include "utf8.h"

#include <gtest/gtest.h>

namespace mpf::sources::kubelet_summary {
namespace {

TEST(Utf8Test, WellFormed) {
  for (const char* good : {"", "kube-system", "caf\xc3\xa9", "\xe2\x82\xac", "\xed\x9f\xbf", "\xee\x80\x80",
                           "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(valid_utf8(good)) << good;
  }
  EXPECT_TRUE(valid_utf8(std::string_view("a\0b", 3)));
}

TEST(Utf8Test, IllFormed) {
  for (const char* bad : {"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc3", "a\xc3(", "\xe0\x80\xaf", "\xe2\x82",
                          "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                          "\xf8\x88\x80\x80\x80", "\xff"}) {
    EXPECT_FALSE(valid_utf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
