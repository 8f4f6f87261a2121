#pragma once

// Reading cgroup and /proc pseudo-files. They report a size of 0 or 4096 whatever they hold, so they
// are read to EOF rather than by their stat size, with a cap. Nothing here throws: a file that
// vanished (a container exited mid-walk) or cannot be read is simply absent.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mpf::sources::host {

/// The largest pseudo-file read; memory.stat is about 2 KiB, /proc/stat grows with the CPU count.
inline constexpr std::size_t kMaxPseudoFileBytes = 1 << 20;

/// The whole file, or nullopt when it cannot be opened or read, or is larger than the cap.
std::optional<std::string> read_pseudo_file(const std::string& path);

/// True when `path` exists (any type, symlinks followed).
bool path_exists(const std::string& path);

/// True when `path` is a directory, following symlinks (controller dirs such as cpuacct are often
/// symlinks to cpu,cpuacct).
bool is_directory_followed(const std::string& path);

/// The modification time of `path` in nanoseconds since the epoch (not following a final symlink),
/// or nullopt when it cannot be stat'ed.
std::optional<std::int64_t> modification_time_ns(const std::string& path);

/// The names of the subdirectories of `dir`, sorted; symlinks are not followed (a symlink to a
/// directory is not listed). Empty when `dir` cannot be listed (it vanished).
std::vector<std::string> subdirectory_names(const std::string& dir);

}  // namespace mpf::sources::host
