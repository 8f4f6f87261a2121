#include "core/scheduler/tick_buckets.h"

#include <gtest/gtest.h>

namespace mpf::core {
namespace {

using namespace std::chrono_literals;

const std::vector<double> kDefaults{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::vector<double> defaults_plus(std::vector<double> extra) {
  std::vector<double> out = kDefaults;
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

// The values metrics-server's utils.BucketsForScrapeDuration gives for the shipped manifests' 15 s
// and the code default 60 s.
TEST(ManagerTickBucketsTest, FifteenSecondResolution) {
  EXPECT_EQ(manager_tick_buckets(15s), defaults_plus({12.5, 15, 22.5, 30}));
}

TEST(ManagerTickBucketsTest, SixtySecondResolution) {
  EXPECT_EQ(manager_tick_buckets(60s), defaults_plus({35, 60, 90, 120}));
}

TEST(ManagerTickBucketsTest, TenSecondsIsTheDefaultsAlone) { EXPECT_EQ(manager_tick_buckets(10s), kDefaults); }

TEST(ManagerTickBucketsTest, BelowTenSecondsTheResolutionIsInsertedUnlessCloseToABound) {
  EXPECT_EQ(manager_tick_buckets(7s), (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7, 10}));
  EXPECT_EQ(manager_tick_buckets(5s), kDefaults);                      // already a bound
  EXPECT_EQ(manager_tick_buckets(std::chrono::microseconds(5002000)), kDefaults);  // within 5 ms of 5
  EXPECT_EQ(manager_tick_buckets(std::chrono::milliseconds(9996)), kDefaults);      // within 5 ms of 10
}

TEST(ManagerTickBucketsTest, StrictlyIncreasing) {
  for (auto resolution : {1s, 3s, 10s, 11s, 15s, 30s, 60s, 90s}) {
    auto b = manager_tick_buckets(resolution);
    for (std::size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]) << resolution.count() << "s at " << i;
  }
}

}  // namespace
}  // namespace mpf::core
