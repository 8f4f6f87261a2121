#include "jsonl_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mpf::sinks::jsonl {

namespace {

Status check_output(const std::string& output) {
  if (output.empty()) return Status::invalid_argument("output: must be \"stdout\" or a file path, got \"\"");
  if (output == "stdout") return Status::ok();
  std::string dir = std::filesystem::path(output).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return Status::invalid_argument("output: directory \"" + dir + "\" of \"" + output +
                                    "\" is not usable: " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status::invalid_argument("output: \"" + dir + "\" of \"" + output + "\" is not a directory");
  }
  // Creating and renaming files (rotation) needs write and search permission on the directory.
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::invalid_argument("output: directory \"" + dir + "\" is not writable: " + std::strerror(errno));
  }
  if (::stat(output.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::invalid_argument("output: \"" + output + "\" is a directory");
    if (::access(output.c_str(), W_OK) != 0) {
      return Status::invalid_argument("output: \"" + output + "\" is not writable: " + std::strerror(errno));
    }
  }
  return Status::ok();
}

}  // namespace

const OptionSet<JsonlConfig>& jsonl_options() {
  static const auto options =
      OptionSet<JsonlConfig>()
          .add("output", &JsonlConfig::output, "\"stdout\", or the path of the file to append to")
          .add("shape", &JsonlConfig::shape,
               "sample: one object per node, pod, container and total; snapshot: one object per cycle")
          .add("max_lines_per_batch", &JsonlConfig::max_lines_per_batch, "lines per delivery attempt (>= 1)")
          .add("max_file_bytes", &JsonlConfig::max_file_bytes,
               "rotate before a write that would make the file larger; 0 never rotates")
          .add("max_files", &JsonlConfig::max_files, "rotated files kept, file.1 (newest) to file.N (>= 1)")
          .add("fsync", &JsonlConfig::fsync, "fsync after every write")
          .add("totals", &JsonlConfig::totals, "also write namespace and cluster totals")
          .add("scrapes", &JsonlConfig::scrapes, "sample shape: also one \"scrape\" object per target and cycle");
  return options;
}

Status validate_jsonl_config(const JsonlConfig& config) {
  if (config.shape != "sample" && config.shape != "snapshot") {
    return Status::invalid_argument("shape: must be \"sample\" or \"snapshot\", got \"" + config.shape + "\"");
  }
  if (config.max_lines_per_batch < 1) {
    return Status::invalid_argument("max_lines_per_batch: must be at least 1, got " +
                                    std::to_string(config.max_lines_per_batch));
  }
  if (config.max_file_bytes < 0) {
    return Status::invalid_argument("max_file_bytes: must be 0 (never rotate) or more, got " +
                                    std::to_string(config.max_file_bytes));
  }
  if (config.max_files < 1 || config.max_files > 1000) {
    return Status::invalid_argument("max_files: must be between 1 and 1000, got " + std::to_string(config.max_files));
  }
  return check_output(config.output);
}

}  // namespace mpf::sinks::jsonl
