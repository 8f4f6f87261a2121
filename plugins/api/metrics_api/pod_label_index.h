#pragma once

/// @file
/// The pods of one cluster snapshot by (namespace, label key, label value), so that a namespaced
/// label-selector query (what the HPA sends: one Deployment's pods) reads only the pods that can match
/// instead of scanning its whole namespace, which holds 25 000 pods in the W5000 cluster.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/label_selector.h"

namespace mpf::api::metrics {

class PodLabelIndex {
 public:
  explicit PodLabelIndex(std::shared_ptr<const ClusterSnapshot> cluster);

  /// The snapshot indexed (kept alive by the index).
  const ClusterSnapshot& cluster() const { return *cluster_; }
  const std::shared_ptr<const ClusterSnapshot>& cluster_ptr() const { return cluster_; }

  /// Indices into cluster().pods, ascending (so in (namespace, name) order), of the pods in
  /// `namespace_name` whose label `key` is `value`.
  std::span<const std::uint32_t> pods_with(std::string_view namespace_name, std::string_view key,
                                           std::string_view value) const;

  /// The candidates for `selector` in `namespace_name`: the shortest posting list among its equality
  /// requirements (k=v, k==v, k in (v)); nullopt when it has none, and the whole namespace must be scanned.
  /// Every pod matching the selector is among the candidates; candidates may still fail other requirements.
  std::optional<std::span<const std::uint32_t>> candidates(std::string_view namespace_name,
                                                           const LabelSelector& selector) const;

 private:
  std::shared_ptr<const ClusterSnapshot> cluster_;
  // namespace '\0' key '\0' value -> pod indices.
  std::unordered_map<std::string, std::vector<std::uint32_t>> postings_;
};

/// The index of the cluster snapshot requests see, shared by the serving threads. Built on the first
/// selector query after the snapshot changed; while pods churn (a new snapshot every few events) at
/// most once per `min_rebuild_interval`, and requests in between scan as before.
class PodLabelIndexCache {
 public:
  explicit PodLabelIndexCache(std::chrono::milliseconds min_rebuild_interval = std::chrono::milliseconds(1000))
      : min_rebuild_interval_(min_rebuild_interval) {}

  /// The index of `cluster`, or null when it may not be rebuilt yet.
  std::shared_ptr<const PodLabelIndex> get(const std::shared_ptr<const ClusterSnapshot>& cluster);

 private:
  std::chrono::milliseconds min_rebuild_interval_;
  std::mutex mutex_;
  std::shared_ptr<const PodLabelIndex> index_;
  std::chrono::steady_clock::time_point built_at_{};
};

}  // namespace mpf::api::metrics
