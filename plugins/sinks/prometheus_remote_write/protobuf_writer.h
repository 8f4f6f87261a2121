#pragma once

// Protobuf wire-format primitives written through a raw pointer, for the encoder's hot path: the
// caller computes every message's size first (varint_size() and the fixed sizes below), makes room
// once, then writes forwards with no bounds checks and no second pass.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mpf::sinks::remote_write::pb {

enum WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

constexpr std::uint8_t tag(std::uint32_t field, WireType type) {
  return static_cast<std::uint8_t>((field << 3) | type);  // every field here is < 16: one byte
}

/// Bytes of the minimal varint of `value`: 1..10.
constexpr std::size_t varint_size(std::uint64_t value) {
  return (static_cast<std::size_t>(std::bit_width(value | 1)) + 6) / 7;
}

inline char* put_byte(char* p, std::uint8_t b) {
  *p = static_cast<char>(b);
  return p + 1;
}

inline char* put_varint(char* p, std::uint64_t value) {
  while (value >= 0x80) {
    *p++ = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
    value >>= 7;
  }
  *p++ = static_cast<char>(value);
  return p;
}

inline char* put_bytes(char* p, std::string_view bytes) {
  std::memcpy(p, bytes.data(), bytes.size());
  return p + bytes.size();
}

/// A double's 8 bytes, little-endian as the wire format wants.
inline char* put_double(char* p, double value) {
  static_assert(std::endian::native == std::endian::little, "write the bytes swapped on big-endian hosts");
  std::memcpy(p, &value, sizeof value);
  return p + sizeof value;
}

/// Size of a length-delimited field (tag, length, body) whose body is `body_size` bytes.
constexpr std::size_t length_delimited_size(std::size_t body_size) { return 1 + varint_size(body_size) + body_size; }

}  // namespace mpf::sinks::remote_write::pb
