#include "metrics_api/pod_label_index.h"

namespace mpf::api::metrics {
namespace {

std::string posting_key(std::string_view namespace_name, std::string_view key, std::string_view value) {
  std::string out;
  out.reserve(namespace_name.size() + key.size() + value.size() + 2);
  out.append(namespace_name).push_back('\0');
  out.append(key).push_back('\0');
  out.append(value);
  return out;
}

}  // namespace

PodLabelIndex::PodLabelIndex(std::shared_ptr<const ClusterSnapshot> cluster) : cluster_(std::move(cluster)) {
  const auto& pods = cluster_->pods;
  for (std::uint32_t i = 0; i < pods.size(); ++i) {
    const ClusterPod& pod = *pods[i];
    for (const auto& [key, value] : pod.labels) postings_[posting_key(pod.namespace_name, key, value)].push_back(i);
  }
}

std::span<const std::uint32_t> PodLabelIndex::pods_with(std::string_view namespace_name, std::string_view key,
                                                        std::string_view value) const {
  auto it = postings_.find(posting_key(namespace_name, key, value));
  if (it == postings_.end()) return {};
  return it->second;
}

std::optional<std::span<const std::uint32_t>> PodLabelIndex::candidates(std::string_view namespace_name,
                                                                        const LabelSelector& selector) const {
  std::optional<std::span<const std::uint32_t>> best;
  for (const LabelRequirement& r : selector.requirements()) {
    const bool equality = r.op == LabelOperator::kEquals || r.op == LabelOperator::kDoubleEquals ||
                          (r.op == LabelOperator::kIn && r.values.size() == 1);
    if (!equality || r.values.size() != 1) continue;
    std::span<const std::uint32_t> pods = pods_with(namespace_name, r.key, r.values.front());
    if (!best || pods.size() < best->size()) best = pods;
  }
  return best;
}

std::shared_ptr<const PodLabelIndex> PodLabelIndexCache::get(const std::shared_ptr<const ClusterSnapshot>& cluster) {
  if (!cluster) return nullptr;
  std::lock_guard lock(mutex_);
  if (index_ && index_->cluster_ptr() == cluster) return index_;
  const auto now = std::chrono::steady_clock::now();
  if (index_ && now - built_at_ < min_rebuild_interval_) return nullptr;
  index_ = std::make_shared<const PodLabelIndex>(cluster);
  built_at_ = now;
  return index_;
}

}  // namespace mpf::api::metrics
