#pragma once

// The command line of `metrics-server`. It accepts every flag of the Kubernetes metrics-server (so a
// cluster can swap the image and keep its manifests) plus our own actions, with Go pflag syntax:
//   --name=value  --name value  --bool  --bool=false  -v 4  -v=4  -v4  -l app=x  -- (ends flags)
// Repeated list flags append, list values are comma-separated (CSV quoting as pflag), durations use Go
// syntax. A long name may also be written with one dash (-kubeconfig=x, as Go's flag package allows).
//
// Flags are DATA: flag_table() holds one row per flag, from which parsing, --help and the mapping onto
// the pipeline config document are all derived. Only flags given on the command line are written into
// the document; defaults live in the plugins' own option declarations (the defaults in the table are
// what --help prints, mirroring metrics-server).
//
// Typical use in main:
//   auto cl = parse_command_line(argc, argv);      // on failure: print "Error: <message>", exit 2
//   ConfigValue doc = cl->config_file ? <load YAML> : default_metrics_server_document();
//   apply_flags(*cl, doc, warnings);                // then log warnings and one line for ignored_flags

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// The processors of the metrics-server default pipeline (used when no --config is given), in order.
inline constexpr std::array<std::string_view, 1> kMetricsServerDefaultProcessors{"rates"};

// How a flag's value is parsed (pflag/klog semantics) and what --help calls its type.
enum class FlagKind : unsigned char {
  kBool,          // (none)      strconv.ParseBool; `--name` alone means true
  kInt,           // int         strconv.ParseInt(s, 0, 64): 10, 0x1f, 0o17, 1_000
  kLevel,         // Level       klog verbosity: strconv.ParseInt(s, 10, 32)
  kFloat,         // float       strconv.ParseFloat(s, 64)
  kFloat32,       // float32     strconv.ParseFloat(s, 32)
  kDuration,      // duration    Go syntax; stored normalised (90s -> 1m30s)
  kString,        // string
  kLogFormat,     // string      "text" or "json"
  kIp,            // ip          an IPv4 or IPv6 address (or empty)
  kStrings,       // strings     comma-separated; repeated flags append
  kInt32Slice,    // int32Slice  comma-separated ints; repeated flags append
  kNamedCertKey,  // namedCertKey  "cert,key[:name,...]", one pair per flag; repeated flags append
  kQuantity,      // quantity    accepted as text
  kFeatureGates,  // colonSeparatedMultimapStringString  accepted as text
  kVmodule,       // pattern=N,...  accepted as text
};

// Where a flag given on the command line lands.
enum class FlagTarget : unsigned char {
  kAction,                            // a field of CommandLine (--config, --help, --version, ...)
  kGlobal,                            // global.<key>
  kKubeletSources,                    // options.<key> of every kubelet_resource / kubelet_summary source
  kMetricsApiSinks,                   // options.<key> of every metrics_api sink
  kKubeletSourcesAndMetricsApiSinks,  // both of the above (--kubeconfig)
  kIgnored,                           // accepted for compatibility, no effect; listed in ignored_flags
};

// One row of the flag table.
struct FlagSpec {
  std::string_view section;  // --help section title, without " flags:"
  std::string_view name;     // long name, without dashes
  char shorthand;            // one-letter form, or '\0'
  FlagKind kind;
  std::string_view default_text;  // as --help shows it (unquoted); empty when it is the zero value
  FlagTarget target;
  std::string_view key;   // document key; empty = name with '-' replaced by '_'
  std::string_view help;  // a `word` in backquotes becomes the type shown in --help, as in pflag
};

// Every flag, grouped by --help section, sorted by name within a section.
std::span<const FlagSpec> flag_table();

// The row of long name `name` (no dashes), or nullptr.
const FlagSpec* find_flag(std::string_view name);

// The document key a flag writes: spec.key, or its name with '-' replaced by '_'.
std::string flag_key(const FlagSpec& spec);

// A flag given on the command line, with its final value.
struct ExplicitFlag {
  const FlagSpec* spec = nullptr;  // a row of flag_table()
  // A scalar (bools as true/false, ints in decimal, durations in Go format) or, for list kinds, a
  // list of scalars holding every value given, in order.
  ConfigValue value;
};

// The parsed command line.
struct CommandLine {
  std::optional<std::string> config_file;      // --config
  std::optional<std::string> describe_plugin;  // --describe-plugin
  bool help = false;                           // --help, -h
  bool version = false;                        // --version
  bool list_plugins = false;                   // --list-plugins
  bool print_config = false;                   // --print-config
  bool validate_config = false;                // --validate-config
  // Flags accepted for compatibility that have no effect ("--profiling"), once each, in the order
  // first given; the caller logs one warning naming them.
  std::vector<std::string> ignored_flags;
  // Every flag given (actions and ignored ones included), once each, in the order first given.
  std::vector<ExplicitFlag> given;
  // Positional arguments; metrics-server accepts and ignores them, so the caller should warn.
  std::vector<std::string> arguments;

  // The given flag of long name `name`, or nullptr.
  const ExplicitFlag* find(std::string_view name) const;
};

// Parses argv (argv[0] is the program name). Errors read like pflag's, e.g.
//   unknown flag: --foo
//   unknown shorthand flag: 'x' in -x
//   flag needs an argument: --kubelet-port
//   invalid argument "abc" for "--metric-resolution" flag: time: invalid duration "abc"
// metrics-server exits with code 2 on these.
Result<CommandLine> parse_command_line(int argc, const char* const* argv);

// The pipeline metrics-server runs when no --config is given:
//   sources: [{plugin: kubelet_resource}]
//   processors: [{plugin: <each of kMetricsServerDefaultProcessors>}]
//   sinks: [{plugin: metrics_api}]
ConfigValue default_metrics_server_document();

// Writes the flags given on `command_line` into `document` (global.*, and the options of every
// matching source or sink entry), overriding what the document holds. Appends a warning for a flag
// that has nowhere to go, e.g. "--kubelet-port has no effect: the config has no kubelet source".
void apply_flags(const CommandLine& command_line, ConfigValue& document, std::vector<std::string>& warnings);

// The full --help text, pflag style, one section per FlagSpec::section.
std::string help_text();

}  // namespace mpf::core
