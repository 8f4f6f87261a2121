// Two scrapes of one real node, decoded by the summary parser and turned into usage by the rate store:
// the second scrape is the fixture with every cumulative CPU counter advanced by a tenth of its value,
// every working set grown by one page and every timestamp moved 15 s later. So each rate is
// (counter / 10) / 15 s, truncated to whole nanocores as metrics-server does, and each memory value is
// the second scrape's. The expected numbers below are worked out by hand from the JSON.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <regex>
#include <string>

#include "core/aggregation/rate_store.h"
#include "summary_parser.h"
#include "summary_test_util.h"

namespace mpf::sources::kubelet_summary {
namespace {

using testing::read_fixture;

// Replaces every match of `pattern` with what `change` makes of its captures.
std::string rewrite(const std::string& text, const std::regex& pattern,
                    const std::function<std::string(const std::smatch&)>& change) {
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), pattern);
  std::size_t copied = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out.append(text, copied, static_cast<std::size_t>(it->position()) - copied);
    out += change(*it);
    copied = static_cast<std::size_t>(it->position() + it->length());
  }
  out.append(text, copied);
  return out;
}

// The fixture 15 s later: counters + 10 %, working sets + 4096 B. Its times all lie in
// 2023-05-31T02:4x/02:5x, so adding 15 s never carries past the hour.
std::string advanced(const std::string& body) {
  std::string out = rewrite(body, std::regex(R"re("usageCoreNanoSeconds": (\d+))re"), [](const std::smatch& m) {
    const std::uint64_t v = std::stoull(m[1].str());
    return "\"usageCoreNanoSeconds\": " + std::to_string(v + v / 10);
  });
  out = rewrite(out, std::regex(R"re("workingSetBytes": (\d+))re"), [](const std::smatch& m) {
    return "\"workingSetBytes\": " + std::to_string(std::stoull(m[1].str()) + 4096);
  });
  return rewrite(out, std::regex(R"re("time": "2023-05-31T02:(\d\d):(\d\d)Z")re"), [](const std::smatch& m) {
    int seconds = std::stoi(m[1].str()) * 60 + std::stoi(m[2].str()) + 15;
    char buf[64];
    std::snprintf(buf, sizeof buf, "\"time\": \"2023-05-31T02:%02d:%02dZ\"", seconds / 60, seconds % 60);
    return std::string(buf);
  });
}

ScrapeResult scrape(const std::string& body) {
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = "datagen-1-22";
  Status st = parse_summary(body, SummaryParseOptions{}, *batch);
  EXPECT_TRUE(st.is_ok()) << st.message();
  ScrapeResult result;
  result.source = "kubelet_summary";
  result.target = batch->node_name;
  result.batch = std::move(batch);
  return result;
}

const ContainerMetrics* container(const Snapshot& s, std::string_view ns, std::string_view pod,
                                  std::string_view name, const PodMetrics** owner = nullptr) {
  for (const PodMetrics& p : s.pods) {
    if (s.names.name(p.namespace_name) != ns || s.names.name(p.name) != pod) continue;
    if (owner != nullptr) *owner = &p;
    for (std::uint32_t i = 0; i < p.container_count; ++i) {
      const ContainerMetrics& c = s.containers[p.first_container + i];
      if (s.names.name(c.name) == name) return &c;
    }
  }
  return nullptr;
}

TEST(TwoScrapeRatesTest, RatesFromARealSummaryAdvancedFifteenSeconds) {
  const std::string first = read_fixture("summary-v1.22-newrelic.json");
  ASSERT_FALSE(first.empty());
  const std::string second = advanced(first);
  ASSERT_NE(second, first);

  core::RateStore store(std::chrono::seconds(15));
  Snapshot cycle1;
  cycle1.scrapes.push_back(scrape(first));
  store.process(cycle1);
  EXPECT_TRUE(cycle1.nodes.empty()) << "one point per series: nothing to serve yet";

  Snapshot cycle2;
  cycle2.scrapes.push_back(scrape(second));
  store.process(cycle2);

  // Node: usageCoreNanoSeconds 242 567 655 000 -> + 24 256 765 500 ns over 15 s
  //       = 1 617 117 700 nanocores exactly; workingSetBytes 900 640 768 + 4096 = 900 644 864.
  ASSERT_EQ(cycle2.nodes.size(), 1u);
  const NodeMetrics& node = cycle2.nodes[0];
  EXPECT_EQ(cycle2.names.name(node.name), "datagen-1-22");
  EXPECT_EQ(node.usage.cpu_nanocores, 1617117700u);
  EXPECT_EQ(node.usage.memory_working_set_bytes, 900644864u);
  EXPECT_EQ(node.usage.window_ns, 15 * testing::kSecond);
  // 2023-05-31T02:50:25Z + 15 s = 02:50:40Z: 19 508 days (2023-05-31) x 86 400 + 10 240 s.
  EXPECT_EQ(node.usage.timestamp_ns, (19508LL * 86400 + 2 * 3600 + 50 * 60 + 40) * testing::kSecond);

  // kube-apiserver: 71 767 220 000 -> + 7 176 722 000 ns / 15 s = 478 448 133.3 -> 478 448 133;
  //                 241 549 312 + 4096 = 241 553 408.
  const ContainerMetrics* apiserver = container(cycle2, "kube-system", "kube-apiserver-datagen-1-22", "kube-apiserver");
  ASSERT_NE(apiserver, nullptr);
  EXPECT_EQ(apiserver->usage.cpu_nanocores, 478448133u);
  EXPECT_EQ(apiserver->usage.memory_working_set_bytes, 241553408u);

  // etcd: 20 704 276 000 -> + 2 070 427 600 ns / 15 s = 138 028 506.7 -> 138 028 506.
  const ContainerMetrics* etcd = container(cycle2, "kube-system", "etcd-datagen-1-22", "etcd");
  ASSERT_NE(etcd, nullptr);
  EXPECT_EQ(etcd->usage.cpu_nanocores, 138028506u);

  // busybox of e2e-statefulset-1: 10 769 000 -> + 1 076 900 ns / 15 s = 71 793.3 -> 71 793;
  //   its CPU time 02:50:20Z + 15 s = 02:50:35Z is the pod's timestamp (its only container).
  const PodMetrics* pod = nullptr;
  const ContainerMetrics* busybox = container(cycle2, "scraper", "e2e-statefulset-1", "busybox", &pod);
  ASSERT_NE(busybox, nullptr);
  EXPECT_EQ(busybox->usage.cpu_nanocores, 71793u);
  EXPECT_EQ(busybox->usage.memory_working_set_bytes, 307200u + 4096u);
  EXPECT_EQ(pod->usage.cpu_nanocores, 71793u);
  EXPECT_EQ(pod->usage.timestamp_ns, (19508LL * 86400 + 2 * 3600 + 50 * 60 + 35) * testing::kSecond);

  // Every pod of the fixture is served: 17 pods of one container each, all with two points.
  EXPECT_EQ(cycle2.pods.size(), 17u);
  EXPECT_EQ(cycle2.containers.size(), 17u);
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
