#include "core/discovery/cluster_view_service.h"

#include <boost/asio/post.hpp>

namespace mpf::core {
namespace {

std::string node_key(const ClusterNode& node) { return node.name; }

// '\0' sorts before every character a namespace may hold, so the key order is (namespace, name) order,
// which is the order ClusterSnapshot::find_pod searches.
std::string pod_key(const ClusterPod& pod) {
  std::string key = pod.namespace_name;
  key += '\0';
  key += pod.name;
  return key;
}

}  // namespace

ReflectorOptions ClusterViewTuning::node_reflector_options() {
  ReflectorOptions options;
  options.resource = "nodes";
  options.path = "/api/v1/nodes";
  return options;
}

ReflectorOptions ClusterViewTuning::pod_reflector_options() {
  ReflectorOptions options;
  options.resource = "pods";
  options.path = "/api/v1/pods";
  options.field_selector = "status.phase=Running";
  // Metadata only (PartialObjectMetadata), with JSON as the fallback a server without it would send.
  options.list_accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
  options.watch_accept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
  return options;
}

Result<std::shared_ptr<ClusterViewService>> ClusterViewService::create(const ApiServerConnection& connection,
                                                                       HttpEngine& engine, Logger& logger,
                                                                       SelfMetrics& metrics,
                                                                       ClusterViewTuning tuning) {
  HttpClientOptions options = connection.http;
  // A Node is 5-20 kB and a page holds 500; pods' metadata is smaller. The cap only stops a runaway.
  options.max_response_bytes = std::max<std::size_t>(options.max_response_bytes, 256u << 20);
  auto client = engine.make_streaming_client(options);
  if (!client) return client.status();
  return std::shared_ptr<ClusterViewService>(
      new ClusterViewService(connection, std::move(client).value(), logger, metrics, std::move(tuning)));
}

ClusterViewService::ClusterViewService(ApiServerConnection connection, std::shared_ptr<StreamingHttpClient> client,
                                       Logger& logger, SelfMetrics& metrics, ClusterViewTuning tuning)
    : connection_(std::move(connection)),
      client_(std::move(client)),
      logger_(logger),
      metrics_(metrics),
      tuning_(std::move(tuning)),
      publish_timer_(io_),
      node_store_(&decode_node_list, &decode_node_event, &node_key),
      pod_store_(&decode_pod_list, &decode_pod_event, &pod_key) {}

ClusterViewService::~ClusterViewService() { stop(); }

void ClusterViewService::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopped_) return;
  started_ = true;
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
  nodes_ = std::make_shared<Reflector>(
      io_, client_, connection_, tuning_.nodes, node_store_, [this](bool listed) { on_change(listed); }, logger_,
      metrics_);
  nodes_->start();
  if (pods_enabled_) start_pods_locked();
  logger_.info("Watching the cluster", {{"apiserver", connection_.description}, {"pods", pods_enabled_ ? "true" : "false"}});
}

void ClusterViewService::enable_pods() {
  std::lock_guard lock(mutex_);
  if (pods_enabled_ || stopped_) return;
  pods_enabled_ = true;
  if (started_) start_pods_locked();
}

void ClusterViewService::start_pods_locked() {
  pods_ = std::make_shared<Reflector>(
      io_, client_, connection_, tuning_.pods, pod_store_, [this](bool listed) { on_change(listed); }, logger_,
      metrics_);
  pods_->start();
}

void ClusterViewService::stop() {
  std::shared_ptr<Reflector> nodes, pods;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    nodes = nodes_;
    pods = pods_;
  }
  if (nodes) nodes->stop();
  if (pods) pods->stop();
  if (thread_.joinable()) {
    boost::asio::post(io_, [this] { publish_timer_.cancel(); });
    work_.reset();
    // Reflectors' stop() handlers and the cancelled requests' completions drain, then run() returns.
    thread_.join();
  }
  synced_changed_.notify_all();
}

void ClusterViewService::on_change(bool listed) {
  if (listed) {
    publish_timer_.cancel();
    publish_pending_ = false;
    publish();
    return;
  }
  if (publish_pending_) return;
  publish_pending_ = true;
  publish_timer_.expires_after(tuning_.publish_delay);
  publish_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    publish_pending_ = false;
    publish();
  });
}

void ClusterViewService::publish() {
  auto next = std::make_shared<ClusterSnapshot>();
  next->generation = ++generation_;
  next->nodes = node_store_.objects();
  bool pods_enabled;
  {
    std::lock_guard lock(mutex_);
    pods_enabled = pods_enabled_;
  }
  if (pods_enabled) next->pods = pod_store_.objects();
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
  synced_changed_.notify_all();
}

std::shared_ptr<const ClusterSnapshot> ClusterViewService::snapshot() const noexcept {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

bool ClusterViewService::synced() const noexcept {
  std::lock_guard lock(mutex_);
  if (!nodes_ || !nodes_->synced()) return false;
  return !pods_enabled_ || (pods_ && pods_->synced());
}

Status ClusterViewService::health() const noexcept {
  std::shared_ptr<Reflector> nodes, pods;
  {
    std::lock_guard lock(mutex_);
    nodes = nodes_;
    pods = pods_;
  }
  if (!nodes) return Status::retryable("the cluster view is not started");
  if (Status st = nodes->health(); !st.is_ok()) return st;
  if (pods) return pods->health();
  return Status::ok();
}

bool ClusterViewService::wait_synced(std::chrono::milliseconds timeout) const noexcept {
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  auto done = [&] { return stopped_ || (nodes_ && nodes_->synced() && (!pods_enabled_ || (pods_ && pods_->synced()))); };
  synced_changed_.wait_until(lock, until, done);
  return nodes_ && nodes_->synced() && (!pods_enabled_ || (pods_ && pods_->synced()));
}

}  // namespace mpf::core
