#include "metrics_api/protobuf_writer.h"

#include <cstring>

namespace mpf::api::metrics {

void ProtobufWriter::end_message(Mark mark) {
  const std::size_t body_start = mark.length_pos + mark.reserved;
  const std::size_t length = out_.size() - body_start;
  const std::size_t needed = varint_size(length);
  if (needed != mark.reserved) {
    // Wrong guess: shift the body so the length is minimal, as protobuf requires for byte equality.
    if (needed > mark.reserved) {
      out_.insert(body_start, needed - mark.reserved, '\0');
    } else {
      out_.erase(mark.length_pos + needed, mark.reserved - needed);
    }
    if (slots_ != nullptr) {
      // Slots are recorded in increasing order, so the moved ones are a suffix of the list.
      for (auto it = slots_->rbegin(); it != slots_->rend() && *it >= body_start; ++it) {
        *it = *it + needed - mark.reserved;
      }
    }
  }
  char* p = out_.data() + mark.length_pos;
  std::uint64_t value = length;
  while (value >= 0x80) {
    *p++ = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
    value >>= 7;
  }
  *p = static_cast<char>(value);
}

}  // namespace mpf::api::metrics
