#include "jsonl_exporter.h"

#include <unistd.h>

#include <exception>
#include <string>

#include "fd_writer.h"

namespace mpf::sinks::jsonl {

namespace {

constexpr const char* kRotationsTotal = "mpf_jsonl_rotations_total";
constexpr const char* kReopensTotal = "mpf_jsonl_reopens_total";

EncoderOptions encoder_options(const JsonlConfig& config) {
  EncoderOptions options;
  options.shape = config.shape == "snapshot" ? JsonShape::kSnapshot : JsonShape::kSample;
  options.totals = config.totals;
  options.scrapes = config.scrapes;
  return options;
}

}  // namespace

JsonlExporter::JsonlExporter(const JsonlConfig& config, PluginContext& context)
    : max_lines_per_batch_(static_cast<std::size_t>(config.max_lines_per_batch)),
      encoder_(encoder_options(config)),
      log_(context.logger()),
      rotations_(context.self_metrics().counter(kRotationsTotal, "Output files the jsonl sink rotated by size.",
                                                {{"sink", std::string(context.instance_name())}})),
      reopens_(context.self_metrics().counter(
          kReopensTotal, "Times the jsonl sink reopened its output because the path named another file or none.",
          {{"sink", std::string(context.instance_name())}})) {
  if (config.output != "stdout") {
    file_.emplace(config.output, RotationPolicy{static_cast<std::uint64_t>(config.max_file_bytes),
                                                static_cast<int>(config.max_files), config.fsync});
  }
}

Status JsonlExporter::encode(const Snapshot& snapshot, BatchEmitter& emitter) noexcept {
  try {
    ExportBatch batch;
    std::size_t lines = 0;
    bool wanted = encoder_.encode(snapshot, [&](std::string_view line, std::size_t values) {
      batch.payload.append(line);
      batch.payload += '\n';
      batch.samples += values;
      if (++lines < max_lines_per_batch_) return true;
      lines = 0;
      bool more = emitter.emit(std::move(batch));
      batch = ExportBatch{};
      return more;
    });
    if (wanted && lines > 0) emitter.emit(std::move(batch));
    return Status::ok();
  } catch (const std::exception& e) {  // only allocation throws here
    return Status::permanent(std::string("jsonl: encoding the snapshot failed: ") + e.what());
  }
}

Status JsonlExporter::send(const ExportBatch& batch, std::chrono::steady_clock::time_point deadline) noexcept {
  try {
    if (!file_) {
      int err = write_all(STDOUT_FILENO, batch.payload, deadline);
      return err == 0 ? Status::ok() : status_for_errno(err, "write", "stdout");
    }
    const std::uint64_t rotations = file_->rotations();
    const std::uint64_t reopens = file_->reopens();
    Status status = file_->append(batch.payload, deadline);
    report_file_events(rotations, reopens);
    return status;
  } catch (const std::exception& e) {  // only allocation throws here
    return Status::retryable(std::string("jsonl: ") + e.what());
  }
}

void JsonlExporter::report_file_events(std::uint64_t rotations_before, std::uint64_t reopens_before) {
  if (file_->reopens() != reopens_before) {
    reopens_->add(static_cast<double>(file_->reopens() - reopens_before));
    log_.info("jsonl: output was moved or deleted; reopened it", {{"total", std::to_string(file_->reopens())}});
  }
  if (file_->rotations() != rotations_before) {
    rotations_->add(static_cast<double>(file_->rotations() - rotations_before));
    log_.info_v(2, "jsonl: rotated output", {{"total", std::to_string(file_->rotations())}});
  }
}

}  // namespace mpf::sinks::jsonl
