#include "core/scheduler/node_batch_pool.h"

namespace mpf::core {

std::shared_ptr<NodeBatchPool> NodeBatchPool::create(std::size_t max_idle) {
  return std::shared_ptr<NodeBatchPool>(new NodeBatchPool(max_idle));
}

std::shared_ptr<NodeBatch> NodeBatchPool::acquire() {
  std::unique_ptr<NodeBatch> batch;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      batch = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!batch) batch = std::make_unique<NodeBatch>();
  // The pool may be gone when the last snapshot holding this batch is dropped: then it is just freed.
  std::weak_ptr<NodeBatchPool> pool = weak_from_this();
  return std::shared_ptr<NodeBatch>(batch.release(), [pool](NodeBatch* b) {
    if (auto alive = pool.lock()) {
      alive->release(b);
    } else {
      delete b;
    }
  });
}

void NodeBatchPool::release(NodeBatch* batch) {
  std::unique_ptr<NodeBatch> owned(batch);
  owned->clear();  // outside the lock: it only touches the batch
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(owned));
}

void NodeBatchPool::set_max_idle(std::size_t max_idle) {
  std::lock_guard lock(mu_);
  max_idle_ = max_idle;
  if (idle_.size() > max_idle_) idle_.resize(max_idle_);
}

std::size_t NodeBatchPool::idle_for_test() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace mpf::core
