#pragma once

#include <cstdint>
#include <string>

#include "mpf/sdk/options.h"

namespace mpf::sinks::jsonl {

struct JsonlConfig {
  /// "stdout", or the path of the file to append to. Its directory must exist and be writable.
  std::string output = "stdout";  // Default: stdout
  /// "sample": one object per node, pod, container, total (and scrape); "snapshot": one object per cycle.
  std::string shape = "sample";  // Default: sample
  /// Lines per ExportBatch (one send, one write); at least 1.
  std::int64_t max_lines_per_batch = 10000;  // Default: 10000
  /// Rotate before a write that would make the file larger than this; 0 never rotates.
  std::int64_t max_file_bytes = 100 * 1024 * 1024;  // Default: 100 MiB
  /// Rotated files kept (file.1 ... file.N) besides the active one; at least 1.
  std::int64_t max_files = 5;  // Default: 5
  /// fsync(2) after every write, so that an acknowledged batch survives a crash of the machine.
  bool fsync = false;  // Default: false
  /// Also write namespace and cluster totals.
  bool totals = true;  // Default: true
  /// In the sample shape, also write one "scrape" object per target and cycle.
  bool scrapes = false;  // Default: false
};

/// The single declaration of the options (validation, --describe-plugin, --print-config, binding).
const OptionSet<JsonlConfig>& jsonl_options();

/// The checks create() makes beyond the option types: shape, bounds, and that the output's directory
/// exists and is writable (and the file, if it exists, is a writable non-directory). Failures are
/// invalid_argument naming the option.
Status validate_jsonl_config(const JsonlConfig& config);

}  // namespace mpf::sinks::jsonl
