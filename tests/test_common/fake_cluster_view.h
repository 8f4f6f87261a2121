#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "mpf/sdk/cluster_view.h"

namespace mpf::test {

/// A ClusterView whose snapshot a test sets (and replaces, as watch events would), for plugin tests
/// that run without an API server. Thread-safe.
class FakeClusterView : public ClusterView {
 public:
  FakeClusterView() = default;
  explicit FakeClusterView(ClusterSnapshot snapshot) { set(std::move(snapshot)); }

  /// Publishes `snapshot` (nodes and pods must be sorted as ClusterSnapshot requires).
  void set(ClusterSnapshot snapshot) {
    auto next = std::make_shared<ClusterSnapshot>(std::move(snapshot));
    std::lock_guard lock(mutex_);
    next->generation = ++generation_;
    snapshot_ = std::move(next);
  }
  /// Whether the view reports itself synced (true by default).
  void set_synced(bool synced) { synced_ = synced; }

  std::shared_ptr<const ClusterSnapshot> snapshot() const noexcept override {
    std::lock_guard lock(mutex_);
    return snapshot_;
  }
  bool synced() const noexcept override { return synced_; }
  Status health() const noexcept override { return Status::ok(); }
  bool wait_synced(std::chrono::milliseconds) const noexcept override { return synced_; }

 private:
  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<const ClusterSnapshot> snapshot_ = std::make_shared<ClusterSnapshot>();
  std::atomic<bool> synced_{true};
};

}  // namespace mpf::test
