#include "tests/sim/fault_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace mpf::sim {
namespace {

ClusterModel model_of(uint32_t nodes, uint64_t seed = 3) {
  ModelConfig config;
  config.nodes = nodes;
  config.pods_per_node = 1;
  config.seed = seed;
  return ClusterModel(config);
}

TEST(FaultPlanTest, ParsesBothForms) {
  auto fraction = parse_fault_fraction("hang:0.25");
  ASSERT_TRUE(fraction) << fraction.status().message();
  EXPECT_EQ(fraction->mode, FaultMode::kHang);
  EXPECT_DOUBLE_EQ(fraction->fraction, 0.25);
  auto nodes = parse_fault_nodes("500:node-00001,node-00003");
  ASSERT_TRUE(nodes);
  EXPECT_EQ(nodes->mode, FaultMode::kHttp500);
  EXPECT_EQ(nodes->nodes, (std::vector<std::string>{"node-00001", "node-00003"}));
  for (std::string_view mode : {"slow", "hang", "refuse", "500", "garbage", "truncated", "zero", "restart", "reboot"}) {
    const auto parsed = parse_fault_mode(mode);
    ASSERT_TRUE(parsed) << mode;
    EXPECT_EQ(fault_mode_name(*parsed), mode);
  }
}

TEST(FaultPlanTest, RejectsBadSpecs) {
  EXPECT_FALSE(parse_fault_fraction("hang"));
  EXPECT_FALSE(parse_fault_fraction("sleepy:0.1"));
  EXPECT_FALSE(parse_fault_fraction("none:0.1"));
  EXPECT_FALSE(parse_fault_fraction("hang:1.5"));
  EXPECT_FALSE(parse_fault_fraction("hang:abc"));
  EXPECT_FALSE(parse_fault_nodes("hang:"));
  EXPECT_NE(parse_fault_fraction("sleepy:0.1").status().message().find("sleepy"), std::string::npos);
}

TEST(FaultPlanTest, FractionsAreDeterministicDisjointAndSized) {
  const ClusterModel model = model_of(1000);
  const std::vector<FaultSpec> specs{*parse_fault_fraction("slow:0.1"), *parse_fault_fraction("refuse:0.05"),
                                     *parse_fault_fraction("zero:0.001")};
  auto a = assign_faults(specs, model);
  auto b = assign_faults(specs, model);
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, *b);
  std::map<FaultMode, int> counts;
  for (FaultMode m : *a) counts[m]++;
  EXPECT_EQ(counts[FaultMode::kSlow], 100);
  EXPECT_EQ(counts[FaultMode::kRefuse], 50);
  EXPECT_EQ(counts[FaultMode::kZero], 1);
  EXPECT_EQ(counts[FaultMode::kNone], 849);
  // Spread out, not the first hundred nodes.
  int slow_in_first_tenth = 0;
  for (size_t i = 0; i < 100; ++i) slow_in_first_tenth += (*a)[i] == FaultMode::kSlow ? 1 : 0;
  EXPECT_LT(slow_in_first_tenth, 40);

  auto other_seed = assign_faults(specs, model_of(1000, 4));
  ASSERT_TRUE(other_seed);
  EXPECT_NE(*a, *other_seed);
}

TEST(FaultPlanTest, SmallFractionsStillPickOneNode) {
  auto modes = assign_faults(std::vector<FaultSpec>{*parse_fault_fraction("hang:0.01")}, model_of(5));
  ASSERT_TRUE(modes);
  EXPECT_EQ(std::count(modes->begin(), modes->end(), FaultMode::kHang), 1);
}

TEST(FaultPlanTest, NamedNodesComeFirstAndAreChecked) {
  const ClusterModel model = model_of(4);
  auto modes = assign_faults(std::vector<FaultSpec>{*parse_fault_nodes("garbage:node-00002"),
                                                    *parse_fault_fraction("hang:0.75")},
                             model);
  ASSERT_TRUE(modes);
  EXPECT_EQ((*modes)[1], FaultMode::kGarbage);
  EXPECT_EQ(std::count(modes->begin(), modes->end(), FaultMode::kHang), 3);

  EXPECT_FALSE(assign_faults(std::vector<FaultSpec>{*parse_fault_nodes("hang:node-00009")}, model));
  EXPECT_FALSE(assign_faults(
      std::vector<FaultSpec>{*parse_fault_nodes("hang:node-00001"), *parse_fault_nodes("slow:node-00001")}, model));
  EXPECT_FALSE(assign_faults(std::vector<FaultSpec>{*parse_fault_fraction("hang:0.75"), *parse_fault_fraction("slow:0.5")},
                             model));
}

}  // namespace
}  // namespace mpf::sim
