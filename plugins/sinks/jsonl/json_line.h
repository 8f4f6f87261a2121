#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::jsonl {

/// "2026-11-24T21:00:00.123456789Z": RFC 3339 in UTC, always nine fraction digits so that lines sort
/// and parse alike.
std::string format_rfc3339_nanos(std::int64_t unix_ns);

/// `text` if it is valid UTF-8, else a copy in `scratch` with each invalid byte replaced by U+FFFD (as
/// Go's encoding/json does). RapidJSON's Writer copies bytes >= 0x80 unchecked without
/// kWriteValidateEncodingFlag, and with it aborts mid-string; replacing first keeps every line valid.
std::string_view valid_utf8(std::string_view text, std::string& scratch);

/// The keys one Usage is written under: plain for entities, prefixed for the cluster line.
struct UsageKeys {
  std::string_view window_seconds;
  std::string_view cpu;
  std::string_view memory;
  std::string_view swap;
  std::string_view ephemeral_storage;
};
inline constexpr UsageKeys kUsageKeys{"window_seconds", "cpu_usage_nanocores", "memory_working_set_bytes",
                                      "swap_usage_bytes", "ephemeral_storage_bytes"};

/// Builds one JSON text with RapidJSON's Writer and counts the value fields written into it (the
/// ExportBatch::samples of the README). Reused line after line so its buffer stops growing.
class JsonLine {
 public:
  JsonLine() : writer_(buffer_) {}

  /// Forgets the previous text and its count.
  void reset();
  /// The text written since reset(); valid until the next reset().
  std::string_view text() const { return {buffer_.GetString(), buffer_.GetSize()}; }
  /// Value fields written since reset().
  std::size_t values() const { return values_; }

  void begin_object() { writer_.StartObject(); }
  void begin_object(std::string_view key);
  void end_object() { writer_.EndObject(); }
  void begin_array(std::string_view key);
  void end_array() { writer_.EndArray(); }

  /// Metadata members (not counted).
  void string(std::string_view key, std::string_view value);
  /// Omitted when `value` is empty (an unknown node, say).
  void string_if_set(std::string_view key, std::string_view value);
  void uint(std::string_view key, std::uint64_t value);
  void time(std::string_view key, std::int64_t unix_ns);
  void seconds(std::string_view key, std::int64_t ns);
  /// A measured value: counted.
  void value(std::string_view key, std::uint64_t v);

  /// The members of `usage` whose present bit is set (window_seconds with the CPU rate), counted.
  void usage(const Usage& usage, const UsageKeys& keys = kUsageKeys);

 private:
  void key(std::string_view key);

  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
  std::string scratch_;
  std::size_t values_ = 0;
};

}  // namespace mpf::sinks::jsonl
