#pragma once

/// @file
/// A gzip body compressed once and re-issued with different text in fixed-width "holes".
///
/// Every item of a metrics list carries the request time (metadata.creationTimestamp), so a list
/// pre-rendered for one second is wrong the next. Re-compressing 50 MB each second would cost far more
/// than sending it, so the holes are made patchable in the compressed stream itself:
///  - the stream uses only fixed-Huffman (and stored) blocks, where every byte below 144 is an 8-bit
///    literal code: a hole's bytes can be rewritten bit for bit without moving anything after them;
///  - before compressing, each hole is filled with control bytes (never present in JSON, which escapes
///    them) so that no 3-byte sequence repeats within the 32 KiB window. Text then never matches a
///    hole, and a hole can only borrow its edge bytes from the same place of another hole, which stays
///    right once every hole holds the same text. A decoder pass checks all this rather than trusting it;
///  - the CRC-32 is affine in the text: the CRC of the text with zeroed holes is kept, and the holes'
///    contribution is added per issue with zlib's crc32_combine operators (one per hole, no rescan).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mpf::api::metrics {

class PatchableGzip {
 public:
  /// Compresses `text`, whose bytes at [hole, hole + hole_width) for each (ascending, non-overlapping)
  /// hole offset will be replaced per issue. The hole bytes of `text` itself are ignored. Text outside
  /// the holes must not contain bytes 0x01-0x1f (compact JSON never does). Returns nullopt when the
  /// holes could not be kept patchable (the caller then compresses each variant itself).
  static std::optional<PatchableGzip> compress(std::string_view text, std::span<const std::size_t> holes,
                                               std::size_t hole_width);

  /// A complete gzip member whose decompressed text is `text` with `fill` written into every hole;
  /// empty when `fill` is not hole_width bytes, each below 0x90 (so its literal code is 8 bits wide).
  std::string issue(std::string_view fill) const;

  std::size_t compressed_size() const noexcept { return deflated_.size() + 18; }
  std::size_t hole_count() const noexcept { return hole_bits_.size(); }
  /// Holes that are not a single run of literal codes (for tests: the slow path is exercised).
  std::size_t split_hole_count() const noexcept { return split_bits_.size(); }
  /// Holes whose first bytes are copied from an earlier hole rather than coded.
  std::size_t holes_with_copied_bytes() const noexcept;

 private:
  PatchableGzip() = default;

  std::string deflated_;           // raw deflate stream, holes filled with control bytes
  std::size_t hole_width_ = 0;
  std::uint64_t text_size_ = 0;
  std::uint32_t zeroed_crc_ = 0;   // CRC-32 of the text with every hole byte 0
  // Hole i's bytes from hole_skip_[i] on are literal codes at hole_bits_[i], hole_bits_[i] + 8, ...;
  // the bytes before are copied from an earlier hole and need nothing. The few holes that are not
  // one run (a block boundary inside, a copy in the middle) are in split_bits_ instead, per byte
  // (UINT64_MAX for a copied byte).
  std::vector<std::uint64_t> hole_bits_;
  std::vector<std::uint8_t> hole_skip_;
  std::vector<std::pair<std::size_t, std::vector<std::uint64_t>>> split_bits_;
  // crc32_combine_gen operators shifting a hole's contribution to the next hole's end, then to the end.
  std::vector<std::uint32_t> shift_ops_;
};

}  // namespace mpf::api::metrics
