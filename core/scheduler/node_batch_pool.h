#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "mpf/sdk/sample.h"

namespace mpf::core {

/// Recycles NodeBatches across cycles. A batch handed out goes back to the pool — cleared, with every
/// buffer's capacity kept — when its last owner (the cycle, a snapshot, a sink) lets go of it, so a
/// source decoding into it stops allocating once the cluster's shape is stable. At most `max_idle`
/// batches wait in the pool; the rest are freed, which bounds the memory held for reuse.
///
/// Thread-safe: batches are released on whatever thread drops the last snapshot holding them.
class NodeBatchPool : public std::enable_shared_from_this<NodeBatchPool> {
 public:
  static std::shared_ptr<NodeBatchPool> create(std::size_t max_idle);

  /// An empty batch: a recycled one if any is idle, else a new one.
  std::shared_ptr<NodeBatch> acquire();

  /// Sets how many idle batches are kept (e.g. the number of targets of the last cycle).
  void set_max_idle(std::size_t max_idle);

  std::size_t idle_for_test() const;

 private:
  explicit NodeBatchPool(std::size_t max_idle) : max_idle_(max_idle) {}
  void release(NodeBatch* batch);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<NodeBatch>> idle_;  // guarded by mu_
  std::size_t max_idle_;                          // guarded by mu_
};

}  // namespace mpf::core
