#include "mpf/sdk/status.h"

#include <gtest/gtest.h>

#include <memory>

namespace mpf {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return Status::invalid_argument("odd: " + std::to_string(x));
  return x / 2;
}

TEST(StatusTest, OkIsDefaultAndCarriesNoMessage) {
  Status st;
  EXPECT_TRUE(st.is_ok());
  EXPECT_EQ(st.to_string(), "ok");
  EXPECT_TRUE(st.message().empty());
}

TEST(StatusTest, FailuresCarryCodeAndMessage) {
  EXPECT_TRUE(Status::retryable("x").is_retryable());
  EXPECT_EQ(Status::permanent("404").code(), StatusCode::kPermanent);
  EXPECT_EQ(Status::permanent("404").to_string(), "permanent: 404");
  EXPECT_EQ(Status::invalid_argument("k").to_string(), "invalid argument: k");
}

TEST(ResultTest, HoldsValueOrStatus) {
  auto ok = half(4);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(*ok, 2);
  EXPECT_TRUE(ok.status().is_ok());
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().message(), "odd: 3");
}

#ifdef NDEBUG
TEST(ResultTest, AnOkStatusNeverPassesForAValue) {
  Result<int> r{Status::ok()};
  EXPECT_FALSE(r.is_ok());
  EXPECT_FALSE(r.status().is_ok());
}
#endif

TEST(ResultTest, MovesOnlyTypes) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(5));
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

}  // namespace
}  // namespace mpf
