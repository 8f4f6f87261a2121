#pragma once

/// @file
/// A tiny protobuf wire-format appender: varints, tags and length-delimited fields written forwards
/// into a caller-owned std::string, with minimal ("canonical") varints everywhere so the result can
/// match gogo-protobuf's output byte for byte. No schema, no allocation beyond the output string.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpf::api::metrics {

/// Number of bytes of the minimal varint encoding of `value` (1..10), as gogo's sovGenerated.
constexpr std::size_t varint_size(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

/// Appends wire-format pieces to `out`. Nested messages are written forwards: begin_message()
/// reserves a guessed number of bytes for the length, end_message() writes the real length and, only
/// when the guess was wrong, moves the message body (and every recorded slot inside it) to close or
/// open the gap. A good guess makes a message cost one extra byte store; a wrong one a memmove of
/// that message only. Not thread-safe; one writer per output string at a time.
class ProtobufWriter {
 public:
  enum WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

  /// An open length-delimited field: where its reserved length bytes start, and how many there are.
  struct Mark {
    std::size_t length_pos;
    std::size_t reserved;
  };

  /// `slots`, when non-null, receives the positions recorded by mark_slot() (indices into `out`);
  /// they stay correct when a later end_message() moves the bytes they point at.
  explicit ProtobufWriter(std::string& out, std::vector<std::size_t>* slots = nullptr)
      : out_(out), slots_(slots) {}

  void raw(std::string_view bytes) { out_.append(bytes); }
  void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }

  void varint(std::uint64_t value) {
    char buf[10];
    std::size_t n = 0;
    while (value >= 0x80) {
      buf[n++] = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
      value >>= 7;
    }
    buf[n++] = static_cast<char>(value);
    out_.append(buf, n);
  }

  void tag(std::uint32_t field, WireType type) { varint((static_cast<std::uint64_t>(field) << 3) | type); }

  /// A string/bytes field, written even when empty (gogo writes every non-pointer string).
  void string_field(std::uint32_t field, std::string_view value) {
    tag(field, kLengthDelimited);
    varint(value.size());
    out_.append(value);
  }

  /// An int64/int32 varint field; negative values take 10 bytes (two's complement as uint64), as Go's
  /// encodeVarintGenerated(uint64(v)) does.
  void int64_field(std::uint32_t field, std::int64_t value) {
    tag(field, kVarint);
    varint(static_cast<std::uint64_t>(value));
  }

  /// Starts a nested message (or any length-delimited field whose bytes are appended next), reserving
  /// `length_guess` bytes (1..5) for its length.
  Mark begin_message(std::uint32_t field, std::size_t length_guess = 1) {
    tag(field, kLengthDelimited);
    const Mark mark{out_.size(), length_guess};
    out_.append(length_guess, '\0');
    return mark;
  }

  /// Ends the field begun with `mark`; everything appended since is its body.
  void end_message(Mark mark);

  /// Records the current position into the slot list (no-op without one).
  void mark_slot() {
    if (slots_ != nullptr) slots_->push_back(out_.size());
  }

  std::string& out() { return out_; }

 private:
  std::string& out_;
  std::vector<std::size_t>* slots_;
};

}  // namespace mpf::api::metrics
