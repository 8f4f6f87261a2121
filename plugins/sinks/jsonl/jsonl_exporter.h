#pragma once

#include <memory>
#include <optional>

#include "json_lines_encoder.h"
#include "jsonl_config.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/sink.h"
#include "rotating_file.h"

namespace mpf::sinks::jsonl {

/// Writes snapshots as JSON lines to a rotating file or stdout. encode() is the codec cut into
/// batches of max_lines_per_batch lines; send() is one append. The host retries and counts.
class JsonlExporter : public Exporter {
 public:
  /// `config` must have passed validate_jsonl_config(); nothing is opened before the first send().
  JsonlExporter(const JsonlConfig& config, PluginContext& context);

  Status encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept override;
  Status send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept override;

 private:
  // Counts and logs rotations and reopenings the last append did.
  void report_file_events(std::uint64_t rotations_before, std::uint64_t reopens_before);

  std::size_t max_lines_per_batch_;
  JsonLinesEncoder encoder_;
  std::optional<RotatingFile> file_;  // empty for stdout
  Logger& log_;
  std::shared_ptr<Counter> rotations_;
  std::shared_ptr<Counter> reopens_;
};

}  // namespace mpf::sinks::jsonl
