#pragma once

// Decodes what the sink writes with the real protobuf library (generated from testdata/remote_write.proto)
// into plain structs the tests compare against values written by hand.

#include <snappy.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "remote_write.pb.h"

namespace mpf::sinks::remote_write::test {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct DecodedSeries {
  Labels labels;  // in the order they were written
  std::size_t sample_count = 0;
  double value = 0;
  std::int64_t timestamp_ms = 0;

  std::string label(std::string_view name) const {
    for (const auto& [n, v] : labels) {
      if (n == name) return v;
    }
    return "<absent>";
  }
};

/// An uncompressed WriteRequest as series; `ok` false when libprotobuf refuses the bytes.
inline std::vector<DecodedSeries> decode_request(std::string_view bytes, bool* ok = nullptr) {
  prometheus::WriteRequest request;
  const bool parsed = request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (ok != nullptr) *ok = parsed;
  std::vector<DecodedSeries> out;
  for (const auto& ts : request.timeseries()) {
    DecodedSeries s;
    for (const auto& l : ts.labels()) s.labels.emplace_back(l.name(), l.value());
    s.sample_count = static_cast<std::size_t>(ts.samples_size());
    if (ts.samples_size() > 0) {
      s.value = ts.samples(0).value();
      s.timestamp_ms = ts.samples(0).timestamp();
    }
    out.push_back(std::move(s));
  }
  return out;
}

/// A snappy block-compressed WriteRequest (an ExportBatch payload) as series; `ok` false when snappy
/// or libprotobuf refuses it.
inline std::vector<DecodedSeries> decode_payload(std::string_view payload, bool* ok = nullptr) {
  std::string raw;
  if (!snappy::Uncompress(payload.data(), payload.size(), &raw)) {
    if (ok != nullptr) *ok = false;
    return {};
  }
  return decode_request(raw, ok);
}

}  // namespace mpf::sinks::remote_write::test
