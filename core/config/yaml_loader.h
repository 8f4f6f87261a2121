#pragma once

// The only place that parses YAML. yaml-cpp throws and silently keeps duplicate keys; this adapter
// catches everything, detects duplicates, expands ${VAR} in scalar values and returns the document as
// an mpf::ConfigValue, so nothing above it links or sees yaml-cpp.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// Looks up an environment variable; nullopt when it is not set. Injected so tests never touch the
// process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Reads the real process environment (std::getenv).
const EnvLookup& process_env();

// Parses one YAML document into a ConfigValue. Scalars keep their text, null stays null, maps keep
// file order, an empty document (or one holding only comments or `---`) is an empty map.
//
// In scalar values (never in keys, never in the raw text, so a variable's value cannot inject YAML):
// `${VAR}` is replaced by the variable, `${VAR:-default}` uses the default when VAR is unset or empty,
// and `$${` is a literal `${`. A default is taken literally up to the first `}`.
//
// On failure the status is invalid_argument and its message lists every problem found, one per line,
// in document order, each as `<source_name>:<line>:<column>: ...`: a syntax error (after which
// nothing else can be read), duplicate keys, non-scalar or null keys, unset variables without
// default and malformed `${...}` references. Never throws.
Result<ConfigValue> load_yaml_text(std::string_view text, std::string_view source_name,
                                   const EnvLookup& env = process_env());

// Reads `path` and parses it as load_yaml_text does, with the path as the source name.
Result<ConfigValue> load_yaml_file(const std::string& path, const EnvLookup& env = process_env());

}  // namespace mpf::core
