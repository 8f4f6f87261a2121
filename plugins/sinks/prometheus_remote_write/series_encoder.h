#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "label_layout.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::remote_write {

/// Which series to write and how many per request.
struct SeriesOptions {
  /// Also write the cumulative *_cpu_usage_seconds_total series (from the scrape batches).
  bool cumulative = true;
  /// Also write the namespace and cluster totals.
  bool totals = true;
  /// Series (each with one sample) per WriteRequest, at least 1.
  std::size_t max_series_per_request = 2000;
};

/// The codec's first half: a snapshot cut into uncompressed `prometheus.WriteRequest` messages (remote
/// write 1.0), each with at most max_series_per_request series of one sample. No I/O. Every size is
/// computed before its bytes are written, so each series is written once, forwards, into one buffer
/// reused across requests and snapshots: in steady state encoding allocates only the per-entity label
/// scratch's growth, i.e. nothing.
/// Not thread-safe: one encode() at a time (the sink's worker thread).
class SeriesEncoder {
 public:
  /// Receives each finished request (valid only during the call) and its series count; false stops
  /// the encoding.
  using RequestSink = std::function<bool(std::string_view request, std::size_t series)>;

  SeriesEncoder(const std::map<std::string, std::string>& external_labels, SeriesOptions options);

  /// Encodes `snapshot` (series order: nodes; each pod then its containers; cumulative counters per
  /// scrape; namespace and cluster totals). Returns false when `sink` stopped it.
  bool encode(const Snapshot& snapshot, const RequestSink& sink);

  /// Bytes the request buffer holds on to between snapshots.
  std::size_t buffer_capacity() const { return buffer_.capacity(); }

 private:
  enum Metric : std::size_t {
    kNodeCpu,
    kNodeMemory,
    kNodeSwap,
    kNodeCpuTotal,
    kPodCpu,
    kPodMemory,
    kPodSwap,
    kContainerCpu,
    kContainerMemory,
    kContainerCpuTotal,
    kNamespaceCpu,
    kNamespaceMemory,
    kClusterCpu,
    kClusterMemory,
    kMetricCount,
  };

  void encode_nodes(const Snapshot& snapshot);
  void encode_pods(const Snapshot& snapshot);
  void encode_cumulative(const Snapshot& snapshot);
  void encode_totals(const Snapshot& snapshot);
  // Writes the Usage's CPU rate, memory and (when `swap` is a metric) swap series that are present.
  void write_usage(const Usage& usage, std::int64_t timestamp_ms, Metric cpu, Metric memory, Metric swap);
  // Appends one TimeSeries with the current entity labels (before_/after_), then hands the request on
  // when it is full.
  void write_series(Metric metric, double value, std::int64_t timestamp_ms);
  // Hands the request built so far to the sink; false once the sink said stop.
  bool flush();

  SeriesOptions options_;
  LabelLayout node_layout_;
  LabelLayout pod_layout_;
  LabelLayout container_layout_;
  LabelLayout namespace_layout_;
  LabelLayout cluster_layout_;
  // Each metric's `__name__` Label field, encoded once.
  std::array<std::string, kMetricCount> metric_labels_;

  // The current entity's encoded labels, sorting before and after `__name__`.
  std::string before_;
  std::string after_;
  // The request being built: buffer_[0, used_). Grown, never shrunk: sized by the largest request.
  std::string buffer_;
  std::size_t used_ = 0;
  std::size_t series_ = 0;
  const RequestSink* sink_ = nullptr;
  bool stopped_ = false;
};

}  // namespace mpf::sinks::remote_write
