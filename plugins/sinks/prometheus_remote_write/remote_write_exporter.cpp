#include "remote_write_exporter.h"

#include <snappy.h>

#include <exception>

#include "mpf/sdk/http_endpoint.h"

namespace mpf::sinks::remote_write {

RemoteWriteExporter::RemoteWriteExporter(RemoteWriteSettings settings, std::shared_ptr<HttpClient> client)
    : settings_(std::move(settings)),
      client_(std::move(client)),
      encoder_(settings_.external_labels, settings_.series),
      what_("remote write to " + settings_.url) {
  // Content-Type travels in HttpRequestBody; these two complete the protocol's required headers.
  headers_.emplace_back("Content-Encoding", "snappy");
  headers_.emplace_back("X-Prometheus-Remote-Write-Version", "0.1.0");
  headers_.insert(headers_.end(), settings_.headers.begin(), settings_.headers.end());
}

Status RemoteWriteExporter::encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept {
  try {
    encoder_.encode(snapshot, [&](std::string_view request, std::size_t series) {
      const std::size_t bound = snappy::MaxCompressedLength(request.size());
      if (compressed_.size() < bound) compressed_.resize(bound);
      std::size_t length = 0;
      // Block format (no framing), as remote write 1.0 specifies.
      snappy::RawCompress(request.data(), request.size(), compressed_.data(), &length);
      ExportBatch batch;
      batch.payload.assign(compressed_.data(), length);
      batch.samples = series;
      return emitter.emit(std::move(batch));
    });
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::permanent(what_ + ": encoding failed: " + e.what());
  } catch (...) {
    return Status::permanent(what_ + ": encoding failed");
  }
}

Status RemoteWriteExporter::send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept {
  if (!client_) return Status::permanent(what_ + ": no HTTP client");
  try {
    HttpRequestBody body;
    body.content_type = "application/x-protobuf";
    body.content = batch.payload;
    return post_and_wait(*client_, settings_.endpoint, std::move(body), headers_, deadline, what_);
  } catch (const std::exception& e) {
    return Status::retryable(what_ + ": " + e.what());
  } catch (...) {
    return Status::retryable(what_ + ": unknown failure");
  }
}

}  // namespace mpf::sinks::remote_write
