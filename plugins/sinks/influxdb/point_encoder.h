#pragma once

// Snapshot → line protocol, cut into batches of at most N lines. The measurements and field names are
// Telegraf's `kubernetes` input's, so dashboards made for it work unchanged (README: the table).
// Pure: no I/O; the caller decides what a finished batch becomes (compressed, sent).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::influxdb {

class LineWriter;

struct PointEncoderOptions {
  /// Added to every line (e.g. cluster=prod); keys must not be the point tags' own.
  std::map<std::string, std::string> extra_tags;
  std::size_t max_lines_per_batch = 5000;  // Default: 5000. At least 1.
  /// Also write kubernetes_namespace and kubernetes_cluster.
  bool totals = true;  // Default: true
};

/// Receives each finished batch: newline-terminated lines and the number of fields in them. Returns
/// false to stop encoding (the host wants no more batches).
using LineBatchSink = std::function<bool(std::string&& lines, std::size_t fields)>;

class PointEncoder {
 public:
  explicit PointEncoder(PointEncoderOptions options);

  /// Writes every point of `snapshot`, handing `sink` each batch as soon as it is full and the last,
  /// partial one at the end (no empty batch). Returns false when the sink stopped it.
  bool encode(const Snapshot& snapshot, const LineBatchSink& sink) const;

 private:
  /// One measurement's tags in key order: the point's own (values given per line) merged with the
  /// extra tags (escaped once, here).
  class TagLayout {
   public:
    TagLayout(std::vector<std::string_view> point_keys, const std::map<std::string, std::string>& extra_tags);
    /// Writes the tags; `values` in the order of the point keys given to the constructor.
    void write(LineWriter& writer, std::initializer_list<std::string_view> values) const;

   private:
    struct Part {
      std::string text;  // the key (point tag) or the whole escaped ",key=value" (extra tag)
      int slot = -1;     // index into the values of a line; -1: an extra tag
    };
    std::vector<Part> parts_;
  };

  PointEncoderOptions options_;
  TagLayout node_tags_;
  TagLayout pod_tags_;
  TagLayout container_tags_;
  TagLayout namespace_tags_;
  TagLayout cluster_tags_;
};

}  // namespace mpf::sinks::influxdb
