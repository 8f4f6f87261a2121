#pragma once

/// @file
/// Whole-list responses (every node; every pod of every namespace), rendered once per pair of
/// snapshots and then only re-stamped: the one thing that changes between requests is the request
/// time each item reports as metadata.creationTimestamp (second precision), so a rendered body is kept
/// with the offsets of those timestamps and re-issued for each new second by overwriting them, in
/// JSON, protobuf and gzip-compressed JSON alike (PatchableGzip). A 150 000-pod list then costs at most
/// a copy per second and a send per request instead of an encode per request. Only one copy of a body
/// is kept: a new second overwrites it in place unless a response still being sent holds it (then that
/// response keeps the old bytes and the cache moves on to a patched copy). At 5000 nodes the JSON pod
/// list is about 50 MiB, so a second, template copy would cost that much again.

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "metrics_api/metrics_protobuf.h"
#include "metrics_api/patchable_gzip.h"
#include "mpf/sdk/cluster_view.h"
#include "mpf/sdk/label_selector.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::api::metrics {

enum class ListResource : unsigned char { kNodes, kPods };
enum class ListEncoding : unsigned char { kJson, kProtobuf };

/// The apiserver compresses responses larger than this when the client accepts gzip.
inline constexpr std::size_t kGzipThresholdBytes = 128 * 1024;

struct ListBody {
  std::shared_ptr<const std::string> body;
  bool gzipped = false;
  /// The items' sample timestamps (ns), sorted: what the freshness histogram observes.
  std::shared_ptr<const std::vector<std::int64_t>> item_timestamps;
};

class WholeListBodies {
 public:
  WholeListBodies(LabelSelector node_selector, bool show_swap)
      : node_selector_(std::move(node_selector)), show_swap_(show_swap) {}

  /// The list for this pair of snapshots at `now_ns`, compressed when `gzip` is accepted and the body
  /// is above kGzipThresholdBytes. Thread-safe; requests for the same list share one render (they
  /// wait for it), requests for other lists do not wait.
  ListBody get(ListResource resource, bool v1, ListEncoding encoding, bool gzip, const SnapshotPtr& metrics,
               const std::shared_ptr<const ClusterSnapshot>& cluster, std::int64_t now_ns);

  /// How often a list was rendered from scratch, and re-stamped for a new second (for tests).
  std::uint64_t renders() const noexcept;
  std::uint64_t restamps() const noexcept;

 private:
  struct Entry {
    std::mutex mutex;
    // The snapshots rendered from, held so that their identity stays unique while cached.
    SnapshotPtr metrics;
    std::shared_ptr<const ClusterSnapshot> cluster;
    bool rendered = false;
    // The body, stamped with plain_second. Shared with the responses sending it; never changed while
    // they do.
    std::shared_ptr<std::string> plain;
    std::int64_t plain_second = INT64_MIN;
    std::vector<std::size_t> slots;  // where the request time is in the body
    std::size_t last_size = 0;       // of the previous render: the next one reserves about as much
    std::shared_ptr<const std::vector<std::int64_t>> item_timestamps;
    std::optional<PatchableGzip> patchable_gzip;  // JSON only, built on first use
    bool gzip_attempted = false;
    std::int64_t gzip_second = INT64_MIN;
    std::shared_ptr<const std::string> gzipped;
    std::uint64_t renders = 0, restamps = 0;
  };

  void render(Entry& entry, ListResource resource, bool v1, ListEncoding encoding, std::int64_t now_ns) const;
  std::shared_ptr<const std::string> plain_for(Entry& entry, ListEncoding encoding, std::int64_t now_ns) const;
  std::shared_ptr<const std::string> gzip_for(Entry& entry, ListEncoding encoding, std::int64_t now_ns) const;

  LabelSelector node_selector_;
  bool show_swap_;
  // One entry per (resource, version, encoding).
  std::array<Entry, 8> entries_;
};

}  // namespace mpf::api::metrics
