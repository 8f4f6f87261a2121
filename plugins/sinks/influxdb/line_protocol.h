#pragma once

// InfluxDB line protocol: the escaping rules of each element and a writer of whole lines.
//
//   measurement[,tag_key=tag_value...] field_key=field_value[,...] timestamp_ns\n
//
// Escaping (docs.influxdata.com, "Line protocol" → "Special characters"):
//  - measurement: comma and space;
//  - tag keys, tag values, field keys: comma, equals sign and space;
//  - string field values: double quote and backslash.
// What the protocol cannot carry, and what we do instead (checked against influxd 1.6; 2.x OSS kept its
// parser. It scans the measurement and tags looking at the byte before a separator, but lines
// and fields taking backslashes two by two, so the text must read the same both ways):
//  - a newline or carriage return in a name ends the line whatever precedes it: it is written as an
//    (escaped) space;
//  - a backslash before an ordinary character is written as is and read back unchanged;
//  - a run of backslashes right before an escaped character is doubled: both scans then agree, and
//    InfluxDB stores the run doubled (a\,b is stored as a\\,b): lossy, but the line is valid;
//  - trailing backslashes would escape the separator after the name: they are dropped (a tag left
//    empty is then left out).
// Kubernetes names never contain any of these; extra tags from the config might.
// Pure functions and a writer over a caller's string; no I/O.

#include <cstdint>
#include <string>
#include <string_view>

namespace mpf::sinks::influxdb {

/// Appends `name` escaped as a measurement.
void append_measurement(std::string& out, std::string_view name);
/// Appends `name` escaped as a tag key, tag value or field key.
void append_key(std::string& out, std::string_view name);
/// Appends `value` as a string field value, quotes included.
void append_string_field(std::string& out, std::string_view value);
/// Appends `value` in the shortest text that reads back to the same double; false (nothing
/// appended) for NaN and infinities, which line protocol cannot carry.
bool append_float(std::string& out, double value);

/// Writes lines into `out`, one call sequence per line:
///   begin(measurement); tag(...)...; field_...(...)...; end(timestamp)
/// Tags must be given sorted by key (InfluxDB's recommendation; the writer does not sort). A tag with
/// an empty key or value (after dropping trailing backslashes) is left out: line protocol cannot
/// carry it. A line without any field is
/// rolled back at end(), since InfluxDB refuses it.
class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out) {}

  void begin(std::string_view measurement);
  void tag(std::string_view key, std::string_view value);
  /// Appends an already escaped ",key=value" (tags fixed for the writer's life, escaped once).
  void tag_escaped(std::string_view comma_key_equals_value);
  void field_int(std::string_view key, std::int64_t value);
  /// An unsigned value as a line-protocol integer (`i`), clamped to the int64 range InfluxDB 1.x
  /// integers have (no resource value gets near it).
  void field_uint(std::string_view key, std::uint64_t value);
  /// Skipped for NaN and infinities.
  void field_float(std::string_view key, double value);
  void field_string(std::string_view key, std::string_view value);
  /// Ends the line. Returns the number of fields written (0: the line was rolled back).
  std::size_t end(std::int64_t timestamp_ns);

 private:
  void field_key(std::string_view key);

  std::string& out_;
  std::size_t line_start_ = 0;
  std::size_t fields_ = 0;
};

}  // namespace mpf::sinks::influxdb
