#pragma once

// Writes a ConfigValue back as YAML that load_yaml_text reads as the same tree (used by
// --print-config and --describe-plugin). Scalars are quoted only when a plain scalar would not read
// back as the same text; `${` in scalar values is written `$${` so that reading it back does not expand
// environment variables.

#include <string>

#include "mpf/sdk/config_value.h"

namespace mpf::core {

// Block style with 2-space indentation, one trailing newline. Empty lists are `[]`, empty maps `{}`,
// null is `null`. Note that a document holding only `null` reads back as null, but an empty text
// reads back as an empty map.
std::string write_yaml(const ConfigValue& value);

// The same value on one line in flow style (`[a, b]`, `{k: v}`), without a trailing newline.
std::string write_yaml_flow(const ConfigValue& value);

}  // namespace mpf::core
