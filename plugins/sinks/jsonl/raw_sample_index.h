#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::jsonl {

/// Finds the raw (cumulative) samples behind a snapshot's computed usage: the snapshot keeps rates,
/// the scrape batches keep the counters. A node's data comes from the first successful scrape (in
/// source order) whose batch names that node; names are looked up in that batch's own table.
/// Borrows `snapshot`, which must outlive the index.
class RawSampleIndex {
 public:
  explicit RawSampleIndex(const Snapshot& snapshot);

  /// Null when no batch reported the sample.
  const Sample* node(std::string_view node) const;
  const Sample* pod(std::string_view node, std::string_view namespace_name, std::string_view pod) const;
  const Sample* container(std::string_view node, std::string_view namespace_name, std::string_view pod,
                          std::string_view container) const;

 private:
  struct ContainerKey {
    std::uint64_t pod;  // namespace id << 32 | pod id
    NameId container;
    bool operator==(const ContainerKey&) const = default;
  };
  struct ContainerKeyHash {
    std::size_t operator()(const ContainerKey& k) const {
      return std::hash<std::uint64_t>()(k.pod * 0x9E3779B97F4A7C15ull ^ k.container);
    }
  };
  struct BatchIndex {
    const NodeBatch* batch = nullptr;
    std::unordered_map<std::uint64_t, const Sample*> pods;
    std::unordered_map<ContainerKey, const Sample*, ContainerKeyHash> containers;
  };

  // The batch's ids for a namespace and pod, or false when the batch does not know the names.
  static bool pod_key(const NodeBatch& batch, std::string_view namespace_name, std::string_view pod,
                      std::uint64_t& key);
  const BatchIndex* batch_for(std::string_view node) const;

  std::unordered_map<std::string_view, BatchIndex> by_node_;
};

}  // namespace mpf::sinks::jsonl
