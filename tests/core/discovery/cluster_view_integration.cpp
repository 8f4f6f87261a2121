// The cluster view against the fake kube-apiserver (tests/sim): paged lists, watch events, bookmarks,
// watch expiry, an API server that goes away and comes back, bad credentials. Everything on 127.0.0.1
// over TLS with a bearer token, as in a cluster.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <thread>

#include "core/discovery/api_connection.h"
#include "core/discovery/cluster_view_service.h"
#include "core/discovery/cluster_views.h"
#include "core/net/http_engine.h"
#include "core/status/self_metrics_registry.h"
#include "tests/sim/fake_apiserver.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;

// Quiet unless MPF_TEST_LOG is set (then every event goes to stderr, for debugging a failure).
class NullLogger : public Logger {
 public:
  bool enabled(int) const noexcept override { return true; }
  void log(Severity, int, std::string_view message, std::initializer_list<LogField> fields) noexcept override {
    if (std::getenv("MPF_TEST_LOG") == nullptr) return;
    std::string line(message);
    for (const auto& f : fields) line += " " + std::string(f.key) + "=" + f.value;
    std::fprintf(stderr, "%s\n", line.c_str());
  }
};

// A fake API server running on its own thread for the life of the object.
class RunningApiServer {
 public:
  explicit RunningApiServer(sim::ApiServerOptions options) {
    options.handle_signals = false;
    auto made = sim::FakeApiServer::create(options);
    if (!made) {
      error_ = made.status().message();
      return;
    }
    server_ = std::move(made).value();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningApiServer() { stop(); }
  void stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  sim::FakeApiServer& operator*() { return *server_; }
  sim::FakeApiServer* operator->() { return server_.get(); }
  const std::string& error() const { return error_; }

 private:
  std::unique_ptr<sim::FakeApiServer> server_;
  std::thread thread_;
  std::string error_;
};

sim::ApiServerOptions small_cluster(const test::TempDir& dir, std::uint32_t nodes = 12, std::uint32_t pods = 4) {
  sim::ApiServerOptions options;
  options.model.nodes = nodes;
  options.model.pods_per_node = pods;
  options.token = "discovery-test-token";
  options.kubeconfig_out = dir.file("kubeconfig");
  options.kubelet_port = 10333;
  options.log_requests = std::getenv("MPF_TEST_LOG") != nullptr;
  return options;
}

// Small pages and short watches, so that a small cluster exercises paging and watch renewal.
ClusterViewTuning fast_tuning() {
  ClusterViewTuning tuning;
  for (ReflectorOptions* o : {&tuning.nodes, &tuning.pods}) {
    o->page_size = 5;
    o->backoff_initial = 50ms;
    o->backoff_max = 400ms;
    o->min_watch_timeout = 2000ms;
  }
  tuning.publish_delay = 20ms;
  return tuning;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 15s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

double metric(SelfMetricsRegistry& metrics, std::string_view name, MetricLabels labels) {
  return metrics.counter(name, "", std::move(labels))->value();
}

class ClusterViewTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(engine_->start().is_ok()); }
  void TearDown() override {
    if (view_) view_->stop();
    engine_->stop();
  }

  std::shared_ptr<ClusterViewService> watch(const std::string& kubeconfig, bool pods) {
    auto connection = load_kubeconfig(kubeconfig);
    EXPECT_TRUE(connection.is_ok()) << connection.status().message();
    if (!connection) return nullptr;
    auto view = ClusterViewService::create(*connection, *engine_, logger_, metrics_, fast_tuning());
    EXPECT_TRUE(view.is_ok()) << view.status().message();
    if (!view) return nullptr;
    view_ = std::move(view).value();
    if (pods) view_->enable_pods();
    view_->start();
    return view_;
  }

  test::TempDir dir_;
  std::shared_ptr<HttpEngine> engine_ = std::make_shared<HttpEngine>();
  NullLogger logger_;
  SelfMetricsRegistry metrics_;
  std::shared_ptr<ClusterViewService> view_;
};

TEST_F(ClusterViewTest, ListsNodesAndRunningPodsInPages) {
  RunningApiServer server(small_cluster(dir_));
  ASSERT_TRUE(server.error().empty()) << server.error();
  auto view = watch(dir_.file("kubeconfig"), true);
  ASSERT_TRUE(view);
  ASSERT_TRUE(view->wait_synced(20s)) << view->health().message();
  EXPECT_TRUE(view->health().is_ok()) << view->health().message();

  auto snapshot = view->snapshot();
  auto model = server->model();
  ASSERT_EQ(snapshot->nodes.size(), 12u);
  ASSERT_EQ(snapshot->pods.size(), 12u * 4u);
  for (std::size_t i = 0; i < model->nodes().size(); ++i) {
    const sim::NodeSpec& spec = model->nodes()[i];
    const ClusterNode* node = snapshot->find_node(spec.name);
    ASSERT_NE(node, nullptr) << spec.name;
    EXPECT_EQ(node->kubelet_port, 10333);
    EXPECT_TRUE(node->ready);
    bool has_ip = false;
    for (const auto& a : node->addresses) has_ip |= a.type == "InternalIP" && a.address == spec.address;
    EXPECT_TRUE(has_ip) << spec.name;
    ASSERT_EQ(node->labels.size(), spec.labels.size());
    for (std::size_t l = 0; l < spec.labels.size(); ++l) {
      EXPECT_EQ(node->labels[l].first, spec.labels[l].name);
      EXPECT_EQ(node->labels[l].second, spec.labels[l].value);
    }
    for (const sim::PodSpec& pod : spec.pods) {
      const ClusterPod* found = snapshot->find_pod(pod.namespace_name, pod.name);
      ASSERT_NE(found, nullptr) << pod.namespace_name << "/" << pod.name;
      EXPECT_EQ(found->uid, pod.uid);
      ASSERT_EQ(found->labels.size(), pod.labels.size());
    }
  }
  // 12 nodes in pages of 5 is three requests for one list.
  EXPECT_EQ(metric(metrics_, "mpf_discovery_lists_total", {{"resource", "nodes"}, {"result", "ok"}}), 1);
}

TEST_F(ClusterViewTest, FollowsWatchEventsWithoutRelisting) {
  RunningApiServer server(small_cluster(dir_));
  ASSERT_TRUE(server.error().empty()) << server.error();
  auto view = watch(dir_.file("kubeconfig"), true);
  ASSERT_TRUE(view && view->wait_synced(20s)) << view->health().message();
  const auto first = view->snapshot();

  // Renaming replaces a tenth of the pods: DELETED + ADDED events.
  server->rename_pods();
  auto model = server->model();
  ASSERT_TRUE(eventually([&] {
    auto s = view->snapshot();
    for (const auto& node : model->nodes()) {
      for (const auto& pod : node.pods) {
        if (s->find_pod(pod.namespace_name, pod.name) == nullptr) return false;
      }
    }
    return s->pods.size() == first->pods.size();
  })) << "renamed pods never appeared";

  // A deleted node goes with its pods.
  const std::string victim = model->nodes()[3].name;
  ASSERT_NE(server->delete_node(victim), 0u);
  ASSERT_TRUE(eventually([&] { return view->snapshot()->find_node(victim) == nullptr; }));
  const auto after = view->snapshot();
  EXPECT_EQ(after->nodes.size(), 11u);
  EXPECT_EQ(after->pods.size(), 11u * 4u);
  // Unchanged nodes are shared between snapshots, not copied.
  EXPECT_EQ(first->find_node(model->nodes()[0].name), after->find_node(model->nodes()[0].name));
  EXPECT_EQ(metric(metrics_, "mpf_discovery_lists_total", {{"resource", "pods"}, {"result", "ok"}}), 1);
  EXPECT_GT(metric(metrics_, "mpf_discovery_watch_events_total", {{"resource", "pods"}}), 0);
}

TEST_F(ClusterViewTest, RelistsWhenTheWatchExpires) {
  RunningApiServer server(small_cluster(dir_));
  ASSERT_TRUE(server.error().empty()) << server.error();
  auto view = watch(dir_.file("kubeconfig"), true);
  ASSERT_TRUE(view && view->wait_synced(20s)) << view->health().message();
  // Both watches must be open when they expire (a watch sent after the expiry starts from a current
  // resourceVersion and needs no relist).
  ASSERT_TRUE(eventually([&] {
    return metric(metrics_, "mpf_discovery_watches_total", {{"resource", "nodes"}}) >= 1 &&
           metric(metrics_, "mpf_discovery_watches_total", {{"resource", "pods"}}) >= 1;
  }));
  std::this_thread::sleep_for(300ms);

  server->expire_watches();
  ASSERT_TRUE(eventually([&] {
    return metric(metrics_, "mpf_discovery_lists_total", {{"resource", "nodes"}, {"result", "ok"}}) >= 2 &&
           metric(metrics_, "mpf_discovery_lists_total", {{"resource", "pods"}, {"result", "ok"}}) >= 2;
  })) << "no relist after 410 Expired";
  EXPECT_GE(metric(metrics_, "mpf_discovery_relists_total", {{"resource", "nodes"}, {"reason", "expired"}}), 1);
  // And the new watch works: a change made after the relist arrives.
  server->rename_pods();
  auto model = server->model();
  const auto& pod = model->nodes()[0].pods[0];
  EXPECT_TRUE(eventually([&] {
    for (const auto& node : model->nodes()) {
      for (const auto& p : node.pods) {
        if (view->snapshot()->find_pod(p.namespace_name, p.name) == nullptr) return false;
      }
    }
    return true;
  })) << pod.name;
  EXPECT_TRUE(view->health().is_ok()) << view->health().message();
}

TEST_F(ClusterViewTest, KeepsTheLastNodesWhileTheApiServerIsAwayAndRefusesAnImpostor) {
  auto options = small_cluster(dir_);
  auto server = std::make_unique<RunningApiServer>(options);
  ASSERT_TRUE(server->error().empty()) << server->error();
  const std::uint16_t port = (**server).port();
  auto view = watch(dir_.file("kubeconfig"), false);
  ASSERT_TRUE(view && view->wait_synced(20s)) << view->health().message();

  server->stop();
  server.reset();
  ASSERT_TRUE(eventually([&] { return !view->health().is_ok(); })) << "the broken watch was not noticed";
  EXPECT_EQ(view->snapshot()->nodes.size(), 12u);  // the last known nodes are still served
  EXPECT_TRUE(view->synced());

  // Another server on the same address has another CA (each fake server makes its own), so the view,
  // which trusts the first CA, fails TLS verification and keeps its nodes: a changed identity is not
  // silently accepted.
  options.port = port;
  options.model.nodes = 7;
  options.kubeconfig_out = dir_.file("kubeconfig-2");
  RunningApiServer impostor(options);
  ASSERT_TRUE(impostor.error().empty()) << impostor.error();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(view->snapshot()->nodes.size(), 12u);
  EXPECT_NE(view->health().message().find("x509"), std::string::npos) << view->health().message();
}

TEST_F(ClusterViewTest, ResyncsAfterAPlainHttpServerRestarts) {
  auto options = small_cluster(dir_);
  options.plain_http = true;
  auto server = std::make_unique<RunningApiServer>(options);
  ASSERT_TRUE(server->error().empty()) << server->error();
  const std::uint16_t port = (**server).port();
  auto view = watch(dir_.file("kubeconfig"), false);
  ASSERT_TRUE(view && view->wait_synced(20s)) << view->health().message();

  server->stop();
  server.reset();
  ASSERT_TRUE(eventually([&] { return !view->health().is_ok(); }));
  // It comes back with a bigger cluster: its watch cache does not hold the resourceVersion the view
  // resumes from, so it answers 410 Expired, and the relist finds the twenty nodes.
  options.port = port;
  options.model.nodes = 20;
  RunningApiServer restarted(options);
  ASSERT_TRUE(restarted.error().empty()) << restarted.error();
  EXPECT_TRUE(eventually([&] { return view->snapshot()->nodes.size() == 20u && view->health().is_ok(); }, 30s))
      << view->snapshot()->nodes.size() << " nodes; " << view->health().message();
}

TEST_F(ClusterViewTest, WrongTokenIsReportedAndNeverSyncs) {
  auto options = small_cluster(dir_);
  RunningApiServer server(options);
  ASSERT_TRUE(server.error().empty()) << server.error();
  auto connection = load_kubeconfig(dir_.file("kubeconfig"));
  ASSERT_TRUE(connection.is_ok()) << connection.status().message();
  connection->http.bearer_token = "wrong";
  auto view = ClusterViewService::create(*connection, *engine_, logger_, metrics_, fast_tuning());
  ASSERT_TRUE(view.is_ok());
  view_ = *view;
  view_->start();
  EXPECT_FALSE(view_->wait_synced(1500ms));
  EXPECT_NE(view_->health().message().find("401"), std::string::npos) << view_->health().message();
  EXPECT_TRUE(view_->snapshot()->nodes.empty());
}

TEST_F(ClusterViewTest, ViewsAreSharedPerKubeconfig) {
  RunningApiServer server(small_cluster(dir_));
  ASSERT_TRUE(server.error().empty()) << server.error();
  ClusterViews views(engine_, std::make_unique<NullLogger>(), metrics_, process_env(), fast_tuning());
  HttpClientOptions credentials;
  auto a = views.get({dir_.file("kubeconfig"), false}, &credentials);
  ASSERT_TRUE(a.is_ok()) << a.status().message();
  EXPECT_EQ(credentials.bearer_token, "discovery-test-token");
  auto b = views.get({dir_.file("kubeconfig"), true}, nullptr);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(a->get(), b->get());
  ASSERT_TRUE((*b)->wait_synced(20s)) << (*b)->health().message();
  EXPECT_EQ((*b)->snapshot()->pods.size(), 48u);  // pods enabled by the second user

  auto missing = views.get({dir_.file("no-such-kubeconfig"), false}, nullptr);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("no-such-kubeconfig"), std::string::npos) << missing.status().message();
  views.stop_all();
}

}  // namespace
}  // namespace mpf::core
