#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "influxdb_config.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/http_endpoint.h"
#include "mpf/sdk/sink.h"
#include "point_encoder.h"

namespace mpf::sinks::influxdb {

/// Writes snapshots to InfluxDB 1.x or 2.x in line protocol. encode() is the codec (PointEncoder, then
/// gzip when asked); send() is one POST. Queueing, retries, timeouts and counting are the host's.
class InfluxdbExporter final : public Exporter {
 public:
  /// From a config that passed validate_config(): reads token_file or password_file and makes the
  /// HTTP client. invalid_argument naming the option when a file is unreadable or empty.
  static Result<std::unique_ptr<InfluxdbExporter>> create(const InfluxdbConfig& config,
                                                          PluginContext& context) noexcept;

  Status encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept override;
  Status send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept override;

 private:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  InfluxdbExporter(PointEncoderOptions encoder_options, bool gzip, HttpEndpoint endpoint, Headers headers,
                   std::shared_ptr<HttpClient> client, std::string what);

  PointEncoder encoder_;
  bool gzip_;
  // target is the write path and query.
  HttpEndpoint endpoint_;
  // Authorization and Content-Encoding, fixed at creation.
  Headers headers_;
  std::shared_ptr<HttpClient> client_;
  // "influxdb write to http://host:port": starts every send() error.
  std::string what_;
};

}  // namespace mpf::sinks::influxdb
