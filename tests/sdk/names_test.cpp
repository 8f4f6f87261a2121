#include "mpf/sdk/names.h"

#include <gtest/gtest.h>

#include "mpf/sdk/sample.h"

namespace mpf {
namespace {

TEST(NameTableTest, InternsOnceAndLooksUp) {
  NameTable t;
  NameId a = t.intern("kube-system");
  NameId b = t.intern("coredns");
  EXPECT_EQ(t.intern("kube-system"), a);
  EXPECT_NE(a, b);
  EXPECT_EQ(t.name(a), "kube-system");
  EXPECT_EQ(t.name(b), "coredns");
  EXPECT_EQ(t.intern(""), kEmptyName);
  EXPECT_EQ(t.name(kEmptyName), "");
  EXPECT_EQ(t.find("coredns"), b);
  EXPECT_EQ(t.find("absent"), NameTable::kNotFound);
  EXPECT_EQ(t.size(), 3u);
}

TEST(NameTableTest, SurvivesGrowthCopiesAndMoves) {
  NameTable t;
  std::vector<NameId> ids;
  for (int i = 0; i < 10000; ++i) ids.push_back(t.intern("pod-" + std::to_string(i)));
  NameTable copy = t;
  NameTable moved = std::move(t);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_EQ(copy.name(ids[i]), "pod-" + std::to_string(i));
    EXPECT_EQ(moved.find("pod-" + std::to_string(i)), ids[i]);
    EXPECT_EQ(copy.intern("pod-" + std::to_string(i)), ids[i]);
  }
  EXPECT_EQ(t.size(), 1u);  // moved-from is empty and usable
  EXPECT_EQ(t.intern("x"), 1u);
}

TEST(NameTableTest, ClearForgetsNames) {
  NameTable t;
  t.intern("a");
  t.clear();
  EXPECT_EQ(t.find("a"), NameTable::kNotFound);
  EXPECT_EQ(t.intern("b"), 1u);
}

TEST(NodeBatchTest, InternsContainerNamesPerBatch) {
  NodeBatch batch;
  Sample s;
  s.present = kHasCpu;
  batch.add_container("default", "web-1", "app", s);
  batch.add_container("default", "web-1", "sidecar", s);
  batch.add_pod("default", "web-1", s);
  ASSERT_EQ(batch.containers.size(), 2u);
  EXPECT_EQ(batch.containers[0].namespace_name, batch.containers[1].namespace_name);
  EXPECT_EQ(batch.containers[0].pod_name, batch.pods[0].pod_name);
  EXPECT_EQ(batch.names.name(batch.containers[1].container_name), "sidecar");
  EXPECT_EQ(batch.names.size(), 5u);  // "", default, web-1, app, sidecar
  EXPECT_TRUE(batch.containers[0].sample.has(kHasCpu));
  EXPECT_FALSE(batch.containers[0].sample.has(kHasMemory));
  batch.clear();
  EXPECT_TRUE(batch.containers.empty());
  EXPECT_FALSE(batch.has_node_sample);
}

TEST(SampleTest, StaysSmall) {
  // A W5000 cycle holds 300 000 container samples: 80 bytes each is 24 MB per cycle.
  EXPECT_LE(sizeof(ContainerSample), 80u);
  EXPECT_LE(sizeof(Sample), 64u);
}

}  // namespace
}  // namespace mpf

namespace mpf {
namespace {

TEST(NameTableTest, MovedFromTablesStayUsableAndCollisionsResolve) {
  NameTable t;
  for (int i = 0; i < 200000; ++i) t.intern(std::to_string(i));
  for (int i = 0; i < 200000; i += 997) EXPECT_EQ(t.name(t.find(std::to_string(i))), std::to_string(i));
  NameTable moved(std::move(t));
  EXPECT_EQ(moved.size(), 200001u);
  t = NameTable();
  EXPECT_EQ(t.intern("again"), 1u);
}

}  // namespace
}  // namespace mpf
