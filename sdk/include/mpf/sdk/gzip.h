#pragma once

/// @file
/// One-shot gzip compression for response bodies and exporters. Header-only over zlib: a target that
/// includes it links zlib (CMake: ZLIB::ZLIB).

#include <zlib.h>

#include <string>
#include <string_view>

namespace mpf {

/// `text` as one gzip member (RFC 1952). Level 1 is what the Kubernetes apiserver uses for responses.
/// Empty on failure.
inline std::string gzip_compress(std::string_view text, int level = 1) {
  std::string out;
  z_stream stream{};
  // 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return out;
  out.resize(deflateBound(&stream, static_cast<uLong>(text.size())) + 64);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  int rc = Z_OK;
  // zlib counts in uInt: feed bodies over 4 GiB in pieces.
  std::size_t in_left = text.size();
  std::size_t out_left = out.size();
  constexpr std::size_t kChunk = 1u << 30;
  while (rc == Z_OK) {
    const auto in_chunk = static_cast<uInt>(in_left < kChunk ? in_left : kChunk);
    const auto out_chunk = static_cast<uInt>(out_left < kChunk ? out_left : kChunk);
    stream.avail_in = in_chunk;
    stream.avail_out = out_chunk;
    rc = deflate(&stream, in_left == in_chunk ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in_chunk - stream.avail_in;
    out_left -= out_chunk - stream.avail_out;
  }
  out.resize(rc == Z_STREAM_END ? out.size() - out_left : 0);
  deflateEnd(&stream);
  return out;
}

}  // namespace mpf
