#pragma once

// Standard base64 (RFC 4648 section 4, the alphabet with '+' and '/'), decoding only: kubeconfig
// *-data fields hold PEM encoded this way. Lenient where real files vary: padding may be missing, and
// whitespace (line breaks from `base64 -w 76`, indentation of folded YAML) is skipped.

#include <optional>
#include <string>
#include <string_view>

namespace mpf::core {

// The decoded bytes, or nullopt when `text` is not base64: a character outside the alphabet, '='
// anywhere but at the end, or a length that no encoding produces (one character left over).
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace mpf::core
