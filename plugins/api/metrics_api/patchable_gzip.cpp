#include "metrics_api/patchable_gzip.h"

#include <zlib.h>

#include <algorithm>
#include <array>

namespace mpf::api::metrics {
namespace {

// Hole fill bytes come from 0x01-0x1f: 31 symbols, so a de Bruijn sequence of order 3 has every
// 3-byte sequence exactly once in 31^3 = 29 791 bytes, far more than the ~2 000 hole bytes a 32 KiB
// window holds for lists whose items are hundreds of bytes long.
constexpr int kSymbols = 31;
constexpr std::size_t kCycle = kSymbols * kSymbols * kSymbols;

std::vector<unsigned char> de_bruijn_order3() {
  // The classic Lyndon-word construction (Fredricksen, Kessler, Maiorana).
  std::vector<unsigned char> sequence;
  sequence.reserve(kCycle);
  std::array<int, 4 * 3 + 1> a{};
  auto db = [&](auto&& self, int t, int p) -> void {
    if (t > 3) {
      if (3 % p == 0) {
        for (int j = 1; j <= p; ++j) sequence.push_back(static_cast<unsigned char>(1 + a[static_cast<std::size_t>(j)]));
      }
      return;
    }
    a[static_cast<std::size_t>(t)] = a[static_cast<std::size_t>(t - p)];
    self(self, t + 1, p);
    for (int j = a[static_cast<std::size_t>(t - p)] + 1; j < kSymbols; ++j) {
      a[static_cast<std::size_t>(t)] = j;
      self(self, t + 1, t);
    }
  };
  db(db, 1, 1);
  return sequence;
}

// What the holes are filled with while compressing: each hole takes the next bytes of this de Bruijn
// stream, so no two holes within a window share three consecutive bytes: the compressor can only carry
// a hole's first or last two bytes over from another hole at the same place in it, which stays correct
// once every hole holds the same text.
const std::vector<unsigned char>& fill_stream() {
  static const std::vector<unsigned char> stream = de_bruijn_order3();
  return stream;
}


// Reads a deflate stream bit by bit (LSB first), as RFC 1951 packs it.
class BitReader {
 public:
  explicit BitReader(std::string_view data) : data_(data) {}
  bool bit(unsigned& out) {
    if (pos_ >= data_.size() * 8) return false;
    out = (static_cast<unsigned char>(data_[pos_ >> 3]) >> (pos_ & 7)) & 1u;
    ++pos_;
    return true;
  }
  bool bits(unsigned count, unsigned& out) {  // a number, least significant bit first
    out = 0;
    for (unsigned i = 0; i < count; ++i) {
      unsigned b = 0;
      if (!bit(b)) return false;
      out |= b << i;
    }
    return true;
  }
  void align() { pos_ = (pos_ + 7) & ~std::uint64_t{7}; }
  std::uint64_t position() const { return pos_; }

 private:
  std::string_view data_;
  std::uint64_t pos_ = 0;
};

constexpr std::array<unsigned, 29> kLengthBase = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                  31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<unsigned, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                   2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<unsigned, 30> kDistBase = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,
                                                33,  49,  65,  97,  129, 193,  257,  385,  513,  769,
                                                1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<unsigned, 30> kDistExtra = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                                 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// One fixed-Huffman literal/length symbol (RFC 1951 §3.2.6); codes are read most significant bit first.
bool read_fixed_symbol(BitReader& in, unsigned& symbol) {
  unsigned code = 0;
  for (unsigned length = 1; length <= 9; ++length) {
    unsigned b = 0;
    if (!in.bit(b)) return false;
    code = (code << 1) | b;
    if (length == 7 && code <= 23) return symbol = 256 + code, true;
    if (length == 8 && code >= 48 && code <= 191) return symbol = code - 48, true;
    if (length == 8 && code >= 192 && code <= 199) return symbol = 280 + (code - 192), true;
    if (length == 9 && code >= 400) return symbol = 144 + (code - 400), true;
  }
  return false;
}

// Walks the compressed stream and records, for every hole byte, the bit offset of its literal code,
// or kCopied when a back-reference produces it from the same byte of an earlier hole (the patched
// stream then copies the patched byte). Fails when a back-reference mixes hole and text bytes or
// different hole positions, when a hole byte sits in a stored block, or on anything but fixed blocks.
class HoleScanner {
 public:
  static constexpr std::uint64_t kCopied = UINT64_MAX;

  HoleScanner(std::span<const std::size_t> holes, std::size_t width, std::vector<std::uint64_t>& bits)
      : holes_(holes), width_(width), bits_(bits) {}

  bool scan(std::string_view deflated) {
    BitReader in(deflated);
    for (unsigned final_block = 0; final_block == 0;) {
      unsigned type = 0;
      if (!in.bit(final_block) || !in.bits(2, type)) return false;
      if (type == 0) {
        // Stored bytes are not literal codes (and Z_FIXED stores only what fixed codes cannot
        // shrink, which list text never is).
        in.align();
        unsigned length = 0, complement = 0;
        if (!in.bits(16, length) || !in.bits(16, complement) || (length ^ 0xffffu) != complement) return false;
        for (unsigned i = 0; i < length; ++i) {
          unsigned ignored = 0;
          if (offset_here() >= 0 || !in.bits(8, ignored)) return false;
          ++pos_;
        }
      } else if (type == 1) {
        for (;;) {
          const std::uint64_t at = in.position();
          unsigned symbol = 0;
          if (!read_fixed_symbol(in, symbol)) return false;
          if (symbol < 256) {
            if (offset_here() >= 0) {
              if (symbol >= 144) return false;  // a 9-bit code: not rewritable as 8-bit literals
              bits_.push_back(at);
            }
            ++pos_;
            continue;
          }
          if (symbol == 256) break;
          if (symbol > 285) return false;
          unsigned extra = 0, dist_code = 0;
          if (!in.bits(kLengthExtra[symbol - 257], extra)) return false;
          const unsigned length = kLengthBase[symbol - 257] + extra;
          for (int i = 0; i < 5; ++i) {
            unsigned b = 0;
            if (!in.bit(b)) return false;
            dist_code = (dist_code << 1) | b;
          }
          if (dist_code >= 30 || !in.bits(kDistExtra[dist_code], extra)) return false;
          const std::uint64_t distance = kDistBase[dist_code] + extra;
          if (distance > pos_) return false;
          for (unsigned i = 0; i < length; ++i, ++pos_) {
            const long target = offset_here();
            if (target != hole_offset(pos_ - distance)) return false;
            if (target >= 0) bits_.push_back(kCopied);
          }
        }
      } else {
        return false;  // a dynamic block: Z_FIXED never writes one
      }
    }
    return bits_.size() == holes_.size() * width_;
  }

 private:
  // hole_offset(pos_), for the ever-increasing pos_ without a search.
  long offset_here() {
    while (next_ < holes_.size() && holes_[next_] + width_ <= pos_) ++next_;
    if (next_ == holes_.size() || pos_ < holes_[next_]) return -1;
    return static_cast<long>(pos_ - holes_[next_]);
  }
  // The offset of `pos` inside its hole, or -1 outside every hole.
  long hole_offset(std::uint64_t pos) const {
    auto it = std::upper_bound(holes_.begin(), holes_.end(), pos);
    if (it == holes_.begin()) return -1;
    const std::uint64_t start = *std::prev(it);
    return pos < start + width_ ? static_cast<long>(pos - start) : -1;
  }

  std::span<const std::size_t> holes_;
  std::size_t width_;
  std::vector<std::uint64_t>& bits_;  // per hole byte, in order
  std::uint64_t pos_ = 0;              // position in the decompressed text
  std::size_t next_ = 0;               // the first hole not entirely before pos_
};

unsigned char reverse_bits(unsigned char b) {
  b = static_cast<unsigned char>((b & 0xf0) >> 4 | (b & 0x0f) << 4);
  b = static_cast<unsigned char>((b & 0xcc) >> 2 | (b & 0x33) << 2);
  return static_cast<unsigned char>((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

// The 8-bit fixed-Huffman code of a literal below 144, as it lies in the LSB-first bit stream.
unsigned char literal_code(unsigned char literal) { return reverse_bits(static_cast<unsigned char>(0x30 + literal)); }

void write_byte_at_bit(std::string& out, std::uint64_t bit, unsigned char value) {
  const std::size_t byte = bit >> 3;
  const unsigned shift = bit & 7;
  const unsigned wide = static_cast<unsigned>(value) << shift;
  const unsigned mask = 0xffu << shift;
  out[byte] = static_cast<char>((static_cast<unsigned char>(out[byte]) & ~mask) | (wide & 0xff));
  if (shift != 0) {
    out[byte + 1] = static_cast<char>((static_cast<unsigned char>(out[byte + 1]) & ~(mask >> 8)) | (wide >> 8));
  }
}

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

std::uint32_t crc_of(std::uint32_t crc, std::string_view bytes) {
  // zlib takes at most UINT_MAX bytes per call.
  while (!bytes.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
    crc = static_cast<std::uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), n));
    bytes.remove_prefix(n);
  }
  return crc;
}

}  // namespace

std::optional<PatchableGzip> PatchableGzip::compress(std::string_view text, std::span<const std::size_t> holes,
                                                     std::size_t hole_width) {
  for (std::size_t i = 0; i < holes.size(); ++i) {
    if (holes[i] + hole_width > text.size() || (i > 0 && holes[i] < holes[i - 1] + hole_width)) return std::nullopt;
  }
  PatchableGzip out;
  out.hole_width_ = hole_width;
  out.text_size_ = text.size();

  // The CRC of the text with zeroed holes, and the operators that move a hole's contribution along.
  const std::string zeros(hole_width, '\0');
  std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, nullptr, 0));
  std::size_t from = 0;
  for (std::size_t hole : holes) {
    crc = crc_of(crc, text.substr(from, hole - from));
    crc = crc_of(crc, zeros);
    from = hole + hole_width;
  }
  out.zeroed_crc_ = crc_of(crc, text.substr(from));
  out.shift_ops_.reserve(holes.size());
  for (std::size_t i = 0; i < holes.size(); ++i) {
    const std::size_t next_end = i + 1 < holes.size() ? holes[i + 1] + hole_width : text.size();
    out.shift_ops_.push_back(static_cast<std::uint32_t>(
        crc32_combine_gen(static_cast<z_off_t>(next_end - (holes[i] + hole_width)))));
  }

  // Deflated piece by piece: the text with its holes filled goes through a bounded buffer, and the
  // output grows as it comes. A copy of a 50 MiB list plus an output buffer of deflateBound (larger
  // than the input) would add twice the list to the peak, for a result a tenth of its size. zlib's
  // output does not depend on how its input is split.
  z_stream stream{};
  if (deflateInit2(&stream, 1, Z_DEFLATED, -15, 9, Z_FIXED) != Z_OK) return std::nullopt;
  constexpr std::size_t kPieceBytes = 256 * 1024;
  const std::vector<unsigned char>& fill = fill_stream();
  std::string piece;
  piece.reserve(kPieceBytes + hole_width);
  std::size_t fill_cursor = 0;
  std::size_t next_hole = 0;
  std::size_t at = 0;
  bool ok = true;
  auto pump = [&](int flush) {
    stream.next_in = reinterpret_cast<Bytef*>(piece.data());
    stream.avail_in = static_cast<uInt>(piece.size());
    int rc = Z_OK;
    do {
      const std::size_t before = out.deflated_.size();
      const std::size_t room = std::max<std::size_t>(64 * 1024, piece.size() / 4);
      out.deflated_.resize(before + room);
      stream.next_out = reinterpret_cast<Bytef*>(out.deflated_.data() + before);
      stream.avail_out = static_cast<uInt>(room);
      rc = deflate(&stream, flush);
      out.deflated_.resize(before + room - stream.avail_out);
      if (rc == Z_STREAM_ERROR) return false;
    } while (stream.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    piece.clear();
    return flush != Z_FINISH || rc == Z_STREAM_END;
  };
  while (ok && at < text.size()) {
    if (next_hole < holes.size() && holes[next_hole] == at) {
      for (std::size_t i = 0; i < hole_width; ++i) piece.push_back(static_cast<char>(fill[fill_cursor++ % kCycle]));
      at += hole_width;
      ++next_hole;
    } else {
      const std::size_t stop = next_hole < holes.size() ? holes[next_hole] : text.size();
      const std::size_t n = std::min(stop - at, kPieceBytes - std::min(piece.size(), kPieceBytes));
      piece.append(text.substr(at, n));
      at += n;
    }
    if (piece.size() >= kPieceBytes) ok = pump(Z_NO_FLUSH);
  }
  if (ok) ok = pump(Z_FINISH);
  deflateEnd(&stream);
  if (!ok) return std::nullopt;

  std::vector<std::uint64_t> bits;
  bits.reserve(holes.size() * hole_width);
  if (!HoleScanner(holes, hole_width, bits).scan(out.deflated_)) return std::nullopt;
  // Most holes are a run of literal codes, sometimes after a byte or two copied from an earlier hole.
  out.hole_bits_.reserve(holes.size());
  out.hole_skip_.reserve(holes.size());
  for (std::size_t h = 0; h < holes.size(); ++h) {
    const std::uint64_t* first = bits.data() + h * hole_width;
    std::size_t skip = 0;
    while (skip < hole_width && first[skip] == HoleScanner::kCopied) ++skip;
    bool run = true;
    for (std::size_t i = skip + 1; i < hole_width && run; ++i) run = first[i] == first[skip] + 8 * (i - skip);
    out.hole_skip_.push_back(static_cast<std::uint8_t>(run ? skip : 0));
    out.hole_bits_.push_back(skip < hole_width ? first[skip] : 0);
    if (!run) out.split_bits_.emplace_back(h, std::vector<std::uint64_t>(first, first + hole_width));
  }
  out.deflated_.shrink_to_fit();
  return out;
}

std::size_t PatchableGzip::holes_with_copied_bytes() const noexcept {
  std::size_t count = 0;
  for (std::uint8_t skip : hole_skip_) count += skip != 0 ? 1 : 0;
  return count;
}

std::string PatchableGzip::issue(std::string_view fill) const {
  std::string out;
  if (fill.size() != hole_width_) return out;
  for (char c : fill) {
    if (static_cast<unsigned char>(c) >= 144) return out;  // its literal code would be 9 bits wide
  }
  out.reserve(compressed_size());
  // RFC 1952 header: deflate, no flags, no mtime, XFL 4 (fastest), OS unknown.
  out.append("\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff", 10);
  const std::size_t base = out.size();
  out += deflated_;

  // A run of literal codes from hole byte `skip` on, at bit alignment `shift`: the same bytes for
  // every hole with that (skip, shift), so each is built once.
  struct Run {
    std::vector<unsigned char> bytes, mask;
  };
  std::vector<std::array<Run, 8>> runs(hole_width_ + 1);
  auto run_for = [&](std::size_t skip, unsigned shift) -> const Run& {
    Run& run = runs[skip][shift];
    if (run.bytes.empty()) {
      run.bytes.assign(hole_width_ - skip + 1, 0);
      run.mask.assign(hole_width_ - skip + 1, 0);
      for (std::size_t i = skip; i < hole_width_; ++i) {
        const unsigned code = static_cast<unsigned>(literal_code(static_cast<unsigned char>(fill[i]))) << shift;
        const unsigned covered = 0xffu << shift;
        run.bytes[i - skip] |= static_cast<unsigned char>(code & 0xff);
        run.bytes[i - skip + 1] |= static_cast<unsigned char>(code >> 8);
        run.mask[i - skip] |= static_cast<unsigned char>(covered & 0xff);
        run.mask[i - skip + 1] |= static_cast<unsigned char>(covered >> 8);
      }
    }
    return run;
  };
  auto* data = reinterpret_cast<unsigned char*>(out.data() + base);
  auto split = split_bits_.begin();
  for (std::size_t h = 0; h < hole_bits_.size(); ++h) {
    if (split != split_bits_.end() && split->first == h) {
      for (std::size_t i = 0; i < hole_width_; ++i) {
        if (split->second[i] == UINT64_MAX) continue;  // copied from an earlier hole
        write_byte_at_bit(out, base * 8 + split->second[i], literal_code(static_cast<unsigned char>(fill[i])));
      }
      ++split;
      continue;
    }
    const std::size_t skip = hole_skip_[h];
    if (skip == hole_width_) continue;
    const unsigned shift = hole_bits_[h] & 7;
    const Run& run = run_for(skip, shift);
    unsigned char* at = data + (hole_bits_[h] >> 3);
    const std::size_t span = (hole_width_ - skip) + (shift == 0 ? 0 : 1);
    for (std::size_t i = 0; i < span; ++i) at[i] = static_cast<unsigned char>((at[i] & ~run.mask[i]) | run.bytes[i]);
  }

  // CRC: the zeroed text's, plus each hole's contribution shifted to the end (Horner over the holes).
  std::uint32_t crc = zeroed_crc_;
  if (!hole_bits_.empty()) {
    const std::string zeros(hole_width_, '\0');
    const std::uint32_t one_hole = crc_of(0, fill) ^ crc_of(0, zeros);
    std::uint32_t sum = one_hole;
    for (std::size_t h = 0; h + 1 < shift_ops_.size(); ++h) {
      sum = static_cast<std::uint32_t>(crc32_combine_op(sum, one_hole, shift_ops_[h]));
    }
    sum = static_cast<std::uint32_t>(crc32_combine_op(sum, 0, shift_ops_.back()));
    crc ^= sum;
  }
  append_le32(out, crc);
  append_le32(out, static_cast<std::uint32_t>(text_size_ & 0xffffffffu));
  return out;
}

}  // namespace mpf::api::metrics
