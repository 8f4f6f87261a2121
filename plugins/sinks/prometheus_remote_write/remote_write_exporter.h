#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mpf/sdk/http_client.h"
#include "mpf/sdk/sink.h"
#include "remote_write_config.h"
#include "series_encoder.h"

namespace mpf::sinks::remote_write {

/// Prometheus remote write 1.0. encode(): the snapshot as snappy-compressed WriteRequests of at most
/// max_samples_per_request series each (no I/O); send(): one POST of one of them. Retries, timeouts
/// and counting are the host's (see Exporter).
class RemoteWriteExporter final : public Exporter {
 public:
  /// `client` may be null for an encode-only instance (benchmarks); send() then fails permanently.
  RemoteWriteExporter(RemoteWriteSettings settings, std::shared_ptr<HttpClient> client);

  /// Called on the sink's worker thread, one snapshot at a time (the encoder's buffers are reused).
  Status encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept override;
  Status send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept override;

  /// Bytes the encoder and compressor hold on to between snapshots.
  std::size_t retained_bytes_for_test() const { return encoder_.buffer_capacity() + compressed_.capacity(); }

 private:
  RemoteWriteSettings settings_;
  std::shared_ptr<HttpClient> client_;
  SeriesEncoder encoder_;
  // Snappy's output for the batch being emitted; the payload is then an exact-size copy, so a batch
  // queued by the host holds no slack.
  std::string compressed_;
  // The protocol's headers, then the configured ones.
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string what_;
};

}  // namespace mpf::sinks::remote_write
