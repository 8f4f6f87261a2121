// metrics-server's kubelet request families, observed by the shared kubelet transport: one observation
// per request (decode included), per-node series removed when a node leaves the target list (#1114).
#include "kubelet_common/kubelet_request_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "core/status/self_metrics_registry.h"
#include "kubelet_common/kubelet_http_source.h"
#include "tests/mocks/test_logger.h"
#include "tests/test_common/fake_cluster_view.h"

namespace mpf::sources::kubelet {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

constexpr std::int64_t kNow = 1700000000;

// Holds requests until the test answers them, so that "late" answers can be tested.
class FakeHttpClient : public HttpClient {
 public:
  struct Pending {
    HttpRequest request;
    HttpCallback done;
  };
  void get(HttpRequest request, HttpCallback done) noexcept override {
    pending_.push_back({std::move(request), std::move(done)});
  }
  void post(HttpRequest, HttpRequestBody, HttpCallback done) noexcept override {
    done(Status::permanent("not used by sources"), FailureReason::kInternal, HttpResponse{});
  }
  // Answers the oldest pending request for `host`.
  void answer(const std::string& host, int status, std::string body) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.request.host == host; });
    ASSERT_NE(it, pending_.end()) << host;
    Pending p = std::move(*it);
    pending_.erase(it);
    HttpResponse response;
    response.status_code = status;
    response.body = body;
    p.done(Status::ok(), FailureReason::kNone, response);
  }
  std::size_t pending() const { return pending_.size(); }

 private:
  std::deque<Pending> pending_;
};

ClusterNode node(const std::string& name, const std::string& ip) {
  ClusterNode n;
  n.name = name;
  n.addresses = {{"InternalIP", ip}};
  n.ready = true;
  return n;
}

class KubeletRequestMetricsTest : public ::testing::Test {
 protected:
  KubeletRequestMetricsTest() { set_nodes({node("n1", "10.0.0.1"), node("n2", "10.0.0.2"), node("n3", "10.0.0.3")}); }

  void set_nodes(std::vector<ClusterNode> nodes) {
    ClusterSnapshot snapshot;
    for (auto& n : nodes) snapshot.nodes.push_back(std::make_shared<const ClusterNode>(std::move(n)));
    view_->set(std::move(snapshot));
  }

  std::unique_ptr<KubeletHttpSource> make_source() {
    NodeSet nodes;
    nodes.view = view_;
    KubeletDecoder decode = [](std::string_view body, std::int64_t, NodeBatch&) {
      return body == "garbage" ? Status::permanent("parse error") : Status::ok();
    };
    return std::make_unique<KubeletHttpSource>(
        KubeletClientConfig{}, "/metrics/resource", nodes, client_, decode, logger_,
        std::make_shared<KubeletRequestMetrics>(registry_, [] { return kNow; }));
  }

  // Lists the targets and starts a scrape of each.
  void scrape_all(Source& source) {
    std::vector<Target> targets;
    ASSERT_TRUE(source.list_targets(targets).is_ok());
    for (const Target& t : targets) {
      batches_.push_back(std::make_unique<NodeBatch>());
      source.scrape(t, std::chrono::steady_clock::now() + std::chrono::seconds(10), *batches_.back(),
                    [this](ScrapeOutcome) { ++done_; });
    }
  }

  std::optional<std::uint64_t> duration_count(const std::string& node) const {
    auto counts = registry_.histogram_counts(kRequestDuration, {{"node", node}});
    if (!counts) return std::nullopt;
    return counts->count;
  }

  core::SelfMetricsRegistry registry_;
  test::TestLogger logger_;
  std::shared_ptr<test::FakeClusterView> view_ = std::make_shared<test::FakeClusterView>();
  std::shared_ptr<FakeHttpClient> client_ = std::make_shared<FakeHttpClient>();
  std::vector<std::unique_ptr<NodeBatch>> batches_;
  int done_ = 0;
};

TEST_F(KubeletRequestMetricsTest, EveryRequestIsObservedInMetricsServerFamilies) {
  auto source = make_source();
  scrape_all(*source);
  ASSERT_EQ(client_->pending(), 3u);
  client_->answer("10.0.0.1", 200, "ok");
  client_->answer("10.0.0.2", 500, "");
  client_->answer("10.0.0.3", 200, "garbage");  // a decode failure is a failed request, as in collectNode
  EXPECT_EQ(done_, 3);

  EXPECT_THAT(registry_.value(kRequestTotal, {{"success", "true"}}), Optional(1.0));
  EXPECT_THAT(registry_.value(kRequestTotal, {{"success", "false"}}), Optional(2.0));
  for (const char* n : {"n1", "n2", "n3"}) {
    SCOPED_TRACE(n);
    EXPECT_THAT(duration_count(n), Optional(1u));
    EXPECT_THAT(registry_.value(kLastRequestTime, {{"node", n}}), Optional(static_cast<double>(kNow)));
  }

  const std::string text = registry_.render_prometheus_text();
  EXPECT_THAT(text, HasSubstr("# HELP metrics_server_kubelet_last_request_time_seconds [ALPHA] Time of last request "
                              "performed to Kubelet API since unix epoch in seconds\n"
                              "# TYPE metrics_server_kubelet_last_request_time_seconds gauge\n"
                              "metrics_server_kubelet_last_request_time_seconds{node=\"n1\"} 1700000000\n"));
  EXPECT_THAT(text, HasSubstr("# HELP metrics_server_kubelet_request_duration_seconds [ALPHA] Duration of requests "
                              "to Kubelet API in seconds\n"
                              "# TYPE metrics_server_kubelet_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("# HELP metrics_server_kubelet_request_total [ALPHA] Number of requests sent to "
                              "Kubelet API\n"
                              "# TYPE metrics_server_kubelet_request_total counter\n"
                              "metrics_server_kubelet_request_total{success=\"false\"} 2\n"
                              "metrics_server_kubelet_request_total{success=\"true\"} 1\n"));
  // Prometheus' default buckets, in order, then +Inf.
  std::string bounds;
  const std::string prefix = "metrics_server_kubelet_request_duration_seconds_bucket{node=\"n1\",le=\"";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    std::size_t start = at + prefix.size();
    bounds += text.substr(start, text.find('"', start) - start) + " ";
  }
  EXPECT_EQ(bounds, "0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 +Inf ");
  EXPECT_THAT(text, HasSubstr("metrics_server_kubelet_request_duration_seconds_count{node=\"n2\"} 1\n"));
}

TEST_F(KubeletRequestMetricsTest, AnUnresolvableAddressIsAFailedRequest) {
  ClusterNode no_ip;
  no_ip.name = "n9";
  no_ip.addresses = {{"SomethingElse", "x"}};
  set_nodes({no_ip});
  auto source = make_source();
  scrape_all(*source);
  EXPECT_EQ(done_, 1);
  EXPECT_EQ(client_->pending(), 0u);
  EXPECT_THAT(registry_.value(kRequestTotal, {{"success", "false"}}), Optional(1.0));
  EXPECT_THAT(duration_count("n9"), Optional(1u));
}

// Regression for metrics-server #1114: its per-node series outlive the node forever.
TEST_F(KubeletRequestMetricsTest, DepartedNodesLoseTheirPerNodeSeries) {
  auto source = make_source();
  scrape_all(*source);
  client_->answer("10.0.0.1", 200, "ok");
  client_->answer("10.0.0.2", 200, "ok");
  // n3 is slow: its answer arrives after n3 left.
  set_nodes({node("n1", "10.0.0.1")});
  std::vector<Target> targets;
  ASSERT_TRUE(source->list_targets(targets).is_ok());
  ASSERT_EQ(targets.size(), 1u);

  EXPECT_THAT(duration_count("n1"), Optional(1u));
  EXPECT_EQ(duration_count("n2"), std::nullopt);
  EXPECT_EQ(registry_.value(kLastRequestTime, {{"node", "n2"}}), std::nullopt);
  std::string text = registry_.render_prometheus_text();
  EXPECT_THAT(text, Not(HasSubstr("node=\"n2\"")));
  EXPECT_THAT(text, HasSubstr("node=\"n1\""));

  client_->answer("10.0.0.3", 200, "ok");
  EXPECT_EQ(duration_count("n3"), std::nullopt) << "a late answer must not bring a departed node back";
  EXPECT_THAT(registry_.value(kRequestTotal, {{"success", "true"}}), Optional(3.0)) << "but it was a request";

  // A node that comes back is observed again.
  set_nodes({node("n1", "10.0.0.1"), node("n2", "10.0.0.2")});
  scrape_all(*source);
  client_->answer("10.0.0.2", 200, "ok");
  EXPECT_THAT(duration_count("n2"), Optional(1u));
}

TEST_F(KubeletRequestMetricsTest, DestroyingTheSourceRemovesItsPerNodeSeries) {
  {
    auto source = make_source();
    scrape_all(*source);
    client_->answer("10.0.0.1", 200, "ok");
  }
  EXPECT_EQ(duration_count("n1"), std::nullopt);
  EXPECT_EQ(registry_.value(kLastRequestTime, {{"node", "n1"}}), std::nullopt);
  // The callbacks of requests still in flight hold the metrics; answering them is still safe, and
  // counts as a request without bringing the node's series back.
  client_->answer("10.0.0.2", 200, "ok");
  EXPECT_THAT(registry_.value(kRequestTotal, {{"success", "true"}}), Optional(2.0));
  EXPECT_EQ(duration_count("n2"), std::nullopt);
}

TEST(KubeletRequestMetricsUnitTest, WithoutAListingEveryNodeIsAccepted) {
  core::SelfMetricsRegistry registry;
  KubeletRequestMetrics metrics(registry, [] { return kNow; });
  metrics.record("a", std::chrono::milliseconds(30), true);
  metrics.record("a", std::chrono::seconds(3), false);
  auto counts = registry.histogram_counts(kRequestDuration, {{"node", "a"}});
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->cumulative, (std::vector<std::uint64_t>{0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2}));
  EXPECT_DOUBLE_EQ(counts->sum, 3.03);
  EXPECT_EQ(metrics.nodes_with_series_for_test(), 1u);
  metrics.set_nodes({"b"});
  EXPECT_EQ(metrics.nodes_with_series_for_test(), 0u);
  EXPECT_EQ(registry.series_count(), 2u) << "request_total{success} stays";
}

}  // namespace
}  // namespace mpf::sources::kubelet
