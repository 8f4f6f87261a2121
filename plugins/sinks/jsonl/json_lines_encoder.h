#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "json_line.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::jsonl {

enum class JsonShape {
  kSample,    // one object per node, pod, container, namespace, cluster (and scrape)
  kSnapshot,  // one object per snapshot
};

struct EncoderOptions {
  JsonShape shape = JsonShape::kSample;
  /// Namespace and cluster totals.
  bool totals = true;
  /// Sample shape only: one "scrape" object per target (the snapshot shape always has scrapes[]).
  bool scrapes = false;
};

/// Receives one line (without its newline) and the number of value fields in it. The view is valid
/// only during the call. Returns false to stop the encoding.
using LineConsumer = std::function<bool(std::string_view line, std::size_t values)>;

/// Turns a snapshot into JSON lines (the schema is the README's table). Pure: no I/O, no clock.
/// One instance per exporter, used by one thread at a time (it reuses its buffer).
class JsonLinesEncoder {
 public:
  explicit JsonLinesEncoder(EncoderOptions options) : options_(options) {}

  /// Hands every line of `snapshot` to `consumer`, in the README's order. Returns false when the
  /// consumer stopped it. Throws only std::bad_alloc.
  bool encode(const Snapshot& snapshot, const LineConsumer& consumer);

 private:
  bool encode_samples(const Snapshot& snapshot, const LineConsumer& consumer);
  void encode_snapshot(const Snapshot& snapshot);

  EncoderOptions options_;
  JsonLine line_;
};

}  // namespace mpf::sinks::jsonl
