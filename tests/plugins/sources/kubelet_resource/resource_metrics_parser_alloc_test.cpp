// Heap allocations of the decoder on a reused NodeBatch: none once the batch has seen the node's
// names. A binary of its own, because it replaces the global operator new.

#include <gtest/gtest.h>

#include <string>

#include "resource_metrics_parser.h"
#include "tests/test_common/alloc_counter.h"
#include "tests/plugins/sources/kubelet_resource/test_util.h"

namespace mpf::sources::kubelet_resource {
namespace {

using ::mpf::test::allocations;

std::size_t allocations_of_parse(const std::string& body, NodeBatch& batch) {
  const std::size_t before = allocations();
  const Status status = parse_resource_metrics(body, ResourceParseOptions{}, batch);
  const std::size_t after = allocations();
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return after - before;
}

TEST(ResourceParserAllocations, CounterSeesAllocations) {
  const std::size_t before = allocations();
  auto* p = new std::string(100, 'x');
  delete p;
  EXPECT_GE(allocations() - before, 2u);
}

TEST(ResourceParserAllocations, ReparsingThe70PodFixtureAllocatesNothing) {
  const std::string body = testing::read_fixture("resource-v1.21-kind-70pods-no-starttime-metrics-server.txt");
  ASSERT_FALSE(body.empty());
  NodeBatch batch;
  EXPECT_GT(allocations_of_parse(body, batch), 0u);  // the first parse sizes the buffers
  for (int i = 0; i < 5; ++i) EXPECT_EQ(allocations_of_parse(body, batch), 0u) << "parse " << i + 2;
  EXPECT_EQ(batch.containers.size(), 70u);
  EXPECT_EQ(batch.pods.size(), 70u);
}

TEST(ResourceParserAllocations, NewValuesForTheSameSeriesAllocateNothing) {
  // The next cycle: same series, new numbers and timestamps.
  NodeBatch batch;
  const std::string a = testing::read_fixture("resource-2024-kind-alpha-cgroupv2-usec-songleo-blog.txt");
  std::string b;
  std::size_t begin = 0;
  while (begin < a.size()) {
    std::size_t end = a.find('\n', begin);
    if (end == std::string::npos) end = a.size();
    std::string line = a.substr(begin, end - begin);
    // Bump the digits of the value and timestamp only, never those of the labels.
    const std::size_t brace = line.rfind('}');
    const std::size_t values = brace != std::string::npos ? brace : line.find(' ');
    if (line[0] != '#' && values != std::string::npos) {
      for (std::size_t i = values; i < line.size(); ++i) {
        if (line[i] >= '1' && line[i] <= '8') ++line[i];
      }
    }
    b += line + "\n";
    begin = end + 1;
  }
  ASSERT_NE(a, b);
  allocations_of_parse(a, batch);
  EXPECT_EQ(allocations_of_parse(b, batch), 0u);
  EXPECT_EQ(allocations_of_parse(a, batch), 0u);
}

}  // namespace
}  // namespace mpf::sources::kubelet_resource
