#include "core/net/bearer_token_file.h"

#include <cstdio>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_common/test_pki.h"

namespace mpf::core {
namespace {

using ::testing::HasSubstr;

void write(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".new";
  std::ofstream(temporary) << text;
  std::rename(temporary.c_str(), path.c_str());
}

TEST(HttpBearerTokenFileTest, ReadsAndTrims) {
  test::TempDir dir;
  write(dir.file("token"), "  abc.def.ghi\n");
  auto file = BearerTokenFile::open(dir.file("token"));
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  EXPECT_EQ(file->token(), "abc.def.ghi");
}

TEST(HttpBearerTokenFileTest, MissingOrEmptyFileIsAConfigurationError) {
  test::TempDir dir;
  auto missing = BearerTokenFile::open(dir.file("nope"));
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr(dir.file("nope")));
  write(dir.file("empty"), "\n");
  EXPECT_THAT(BearerTokenFile::open(dir.file("empty")).status().message(), HasSubstr("is empty"));
}

TEST(HttpBearerTokenFileTest, FollowsRotationAtMostOncePerInterval) {
  test::TempDir dir;
  write(dir.file("token"), "one");
  auto file = BearerTokenFile::open(dir.file("token"), std::chrono::hours(1));
  ASSERT_TRUE(file.is_ok());
  EXPECT_EQ(file->token(), "one");
  write(dir.file("token"), "two");
  EXPECT_EQ(file->token(), "one");  // not re-checked within the interval

  auto eager = BearerTokenFile::open(dir.file("token"), std::chrono::seconds(0));
  ASSERT_TRUE(eager.is_ok());
  EXPECT_EQ(eager->token(), "two");
  write(dir.file("token"), "three");
  EXPECT_EQ(eager->token(), "three");
}

TEST(HttpBearerTokenFileTest, KeepsTheLastTokenWhenTheFileDisappears) {
  test::TempDir dir;
  write(dir.file("token"), "kept");
  auto file = BearerTokenFile::open(dir.file("token"), std::chrono::seconds(0));
  ASSERT_TRUE(file.is_ok());
  std::remove(dir.file("token").c_str());
  EXPECT_EQ(file->token(), "kept");
  EXPECT_EQ(file->read_errors(), 1u);
  write(dir.file("token"), "back");
  EXPECT_EQ(file->token(), "back");
}

}  // namespace
}  // namespace mpf::core
