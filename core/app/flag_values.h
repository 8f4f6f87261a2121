#pragma once

// The values of flags, as pflag and klog read them: one parser per FlagKind, with Go's syntaxes
// (strconv, time.ParseDuration, encoding/csv) and Go's error texts, so that a bad value reads the same
// as with metrics-server.

#include <string_view>

#include "core/app/flags.h"
#include "mpf/sdk/config_value.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// Parses one occurrence of a flag's value: a scalar, or for list kinds a list of what this occurrence
// adds. The error is the part of pflag's message after "flag: ", e.g.
//   strconv.ParseInt: parsing "abc": invalid syntax
Result<ConfigValue> parse_flag_value(const FlagSpec& spec, std::string_view text);

// Whether repeated occurrences of a flag of this kind append rather than replace.
bool is_list_flag_kind(FlagKind kind);

// pflag's name for the type of a flag, shown after the flag in --help; empty for bools.
std::string_view flag_type_name(FlagKind kind);

}  // namespace mpf::core
