#pragma once

// The host's ClusterView of one API server connection: a node reflector, and a pod-metadata reflector
// once some plugin asks for pods, on one thread of their own; changes published as immutable snapshots
// (coalesced: a burst of watch events makes one snapshot).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/discovery/api_connection.h"
#include "core/discovery/reflector.h"
#include "core/discovery/resource_store.h"
#include "core/net/http_engine.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/self_metrics.h"

namespace mpf::core {

// Knobs tests turn; production uses the defaults.
struct ClusterViewTuning {
  ReflectorOptions nodes = node_reflector_options();
  ReflectorOptions pods = pod_reflector_options();
  // How long watch events are gathered before a snapshot is published.
  std::chrono::milliseconds publish_delay{100};  // Default: 100ms.

  // metrics-server's informers: all Nodes (typed JSON), and the metadata of Running Pods.
  static ReflectorOptions node_reflector_options();
  static ReflectorOptions pod_reflector_options();
};

class ClusterViewService final : public mpf::ClusterView {
 public:
  // Makes the HTTP client for `connection` (file errors are invalid_argument naming the file). Nothing
  // is requested until start().
  static Result<std::shared_ptr<ClusterViewService>> create(const ApiServerConnection& connection, HttpEngine& engine,
                                                            Logger& logger, SelfMetrics& metrics,
                                                            ClusterViewTuning tuning = {});
  ~ClusterViewService() override;

  // Starts the node reflector (and the pod reflector if enabled) on the view's thread. Idempotent.
  void start();
  // Also lists and watches Running pods' metadata; starts at once when the view runs. Idempotent.
  void enable_pods();
  // Stops the reflectors and the thread. Idempotent; the last snapshot stays readable.
  void stop();

  std::shared_ptr<const ClusterSnapshot> snapshot() const noexcept override;
  bool synced() const noexcept override;
  Status health() const noexcept override;

  bool wait_synced(std::chrono::milliseconds timeout) const noexcept override;
  const ApiServerConnection& connection() const { return connection_; }

 private:
  ClusterViewService(ApiServerConnection connection, std::shared_ptr<StreamingHttpClient> client, Logger& logger,
                     SelfMetrics& metrics, ClusterViewTuning tuning);
  void start_pods_locked();
  void on_change(bool listed);  // io thread
  void publish();               // io thread

  const ApiServerConnection connection_;
  std::shared_ptr<StreamingHttpClient> client_;
  Logger& logger_;
  SelfMetrics& metrics_;
  const ClusterViewTuning tuning_;

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::steady_timer publish_timer_;
  bool publish_pending_ = false;  // io thread
  std::uint64_t generation_ = 0;  // io thread
  std::thread thread_;

  TypedStore<ClusterNode> node_store_;
  TypedStore<ClusterPod> pod_store_;

  mutable std::mutex mutex_;  // guards the members below
  mutable std::condition_variable synced_changed_;
  bool started_ = false;
  bool stopped_ = false;
  bool pods_enabled_ = false;
  std::shared_ptr<Reflector> nodes_;
  std::shared_ptr<Reflector> pods_;
  std::shared_ptr<const ClusterSnapshot> snapshot_ = std::make_shared<ClusterSnapshot>();
};

}  // namespace mpf::core
