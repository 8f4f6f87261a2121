// Steady-state allocations of the parser, counted by replacing the global operator new (hence a
// binary of its own).
//
// Re-parsing into a reused NodeBatch allocates nothing: the parser's own buffers (in-situ copy,
// pending containers, duplicate marks), the batch's sample vectors and the SDK NameTable (whose
// open-addressing index survives clear()) all keep their capacity.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "summary_parser.h"
#include "summary_test_util.h"
#include "tests/test_common/alloc_counter.h"

namespace mpf::sources::kubelet_summary {
namespace {

// Allocations of the third parse of `body` into the same batch with the same parser.
std::size_t steady_state_allocations(std::string_view body, NodeBatch& batch, const SummaryParseOptions& options) {
  SummaryParser parser;
  SummaryParseStats stats;
  for (int warm_up = 0; warm_up < 2; ++warm_up) EXPECT_TRUE(parser.parse(body, options, batch, &stats).is_ok());
  const std::size_t before = test::allocations();
  const Status st = parser.parse(body, options, batch, &stats);
  const std::size_t made = test::allocations() - before;
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return made;
}

TEST(SummaryParserAllocTest, CountingWorks) {
  const std::size_t before = test::allocations();
  auto* p = new int(5);
  const std::size_t made = test::allocations() - before;
  delete p;
  EXPECT_EQ(made, 1u);
}

TEST(SummaryParserAllocTest, NodeOnlyBodyAllocatesNothing) {
  const std::string body =
      "{\"node\": " +
      testing::read_fixture("summary-fragment-node-zero-cpu-mem-cgroupv2-metrics-server-known-issues.json") + "}";
  NodeBatch batch;
  batch.node_name = "node";
  EXPECT_EQ(steady_state_allocations(body, batch, SummaryParseOptions{true}), 0u);
  EXPECT_TRUE(batch.has_node_sample);
}

TEST(SummaryParserAllocTest, V134ReparseAllocatesNothing) {
  const std::string body = testing::read_fixture("summary-v1.34-psi-io-newrelic.json");
  ASSERT_FALSE(body.empty());
  NodeBatch batch;
  batch.node_name = "datagen-1-34";
  const std::size_t allocations = steady_state_allocations(body, batch, SummaryParseOptions{});
  ASSERT_EQ(batch.containers.size(), 18u);
  // 2 namespaces (scraper, kube-system) + 18 pod names + 13 container names, of which
  // "storage-provisioner" is also a pod name: 2 + 18 + 12 = 32 distinct names.
  EXPECT_EQ(batch.names.size() - 1, 32u);
  // The name table keeps its buffers and its open-addressing index across clear(), so re-interning the
  // same 32 names costs nothing.
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
