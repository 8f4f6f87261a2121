#include "core/scheduler/node_batch_pool.h"

#include <gtest/gtest.h>

#include <thread>

namespace mpf::core {
namespace {

TEST(NodeBatchPoolTest, ReleasedBatchesComeBackClearedWithTheirCapacity) {
  auto pool = NodeBatchPool::create(4);
  NodeBatch* first_address = nullptr;
  std::size_t capacity = 0;
  {
    auto batch = pool->acquire();
    first_address = batch.get();
    batch->node_name = "n1";
    for (int i = 0; i < 100; ++i) batch->add_container("ns", "pod-" + std::to_string(i), "c", Sample{});
    capacity = batch->containers.capacity();
  }
  EXPECT_EQ(pool->idle_for_test(), 1u);
  auto again = pool->acquire();
  EXPECT_EQ(again.get(), first_address);
  EXPECT_TRUE(again->containers.empty());
  EXPECT_TRUE(again->node_name.empty());
  EXPECT_EQ(again->names.size(), 1u);
  EXPECT_GE(again->containers.capacity(), capacity);
  EXPECT_EQ(pool->idle_for_test(), 0u);
}

TEST(NodeBatchPoolTest, KeepsAtMostMaxIdle) {
  auto pool = NodeBatchPool::create(2);
  {
    std::vector<std::shared_ptr<NodeBatch>> batches;
    for (int i = 0; i < 5; ++i) batches.push_back(pool->acquire());
  }
  EXPECT_EQ(pool->idle_for_test(), 2u);
  pool->set_max_idle(1);
  EXPECT_EQ(pool->idle_for_test(), 1u);
}

TEST(NodeBatchPoolTest, BatchesOutliveThePool) {
  std::shared_ptr<NodeBatch> survivor;
  {
    auto pool = NodeBatchPool::create(4);
    survivor = pool->acquire();
    survivor->node_name = "kept by a sink";
  }
  EXPECT_EQ(survivor->node_name, "kept by a sink");
  survivor.reset();  // freed, not returned to a destroyed pool (ASan would catch a use after free)
}

TEST(NodeBatchPoolTest, ReleasesFromManyThreads) {
  auto pool = NodeBatchPool::create(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pool] {
      for (int i = 0; i < 500; ++i) {
        auto b = pool->acquire();
        b->add_container("ns", "p", "c", Sample{});
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(pool->idle_for_test(), 4u);  // at most one batch per thread was ever out at once
  EXPECT_GE(pool->idle_for_test(), 1u);
}

}  // namespace
}  // namespace mpf::core
