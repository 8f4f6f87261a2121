#pragma once

// The command-line machinery both simulators share (kubelet-farm, fake-apiserver): a table of flags
// with setters, `--name value` / `--name=value` parsing, integer checks, and the model flags that must
// mean the same in both so that they build the same cluster.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mpf/sdk/status.h"

namespace mpf::sim {

template <class T>
Status parse_integer(std::string_view flag, std::string_view text, T min, T max, T& out) {
  T value{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || value < min || value > max) {
    return Status::invalid_argument(std::string(flag) + ": \"" + std::string(text) + "\" is not an integer in [" +
                                    std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  out = value;
  return Status::ok();
}

inline Status parse_millis(std::string_view flag, std::string_view text, std::chrono::milliseconds& out) {
  std::int64_t ms = 0;
  Status st = parse_integer<std::int64_t>(flag, text, 0, std::int64_t{1} << 40, ms);
  if (st.is_ok()) out = std::chrono::milliseconds(ms);
  return st;
}

/// Flags of an options struct: each either takes a value or is a toggle.
template <class Options>
class FlagTable {
 public:
  using Setter = std::function<Status(std::string_view value, Options& options)>;

  void value(std::string_view name, Setter set) { flags_.emplace(name, Flag{true, std::move(set)}); }
  void toggle(std::string_view name, std::function<void(Options&)> set) {
    flags_.emplace(name, Flag{false, [set = std::move(set)](std::string_view, Options& o) {
                                set(o);
                                return Status::ok();
                              }});
  }
  void text(std::string_view name, std::string Options::*member) {
    value(name, [member](std::string_view v, Options& o) {
      o.*member = std::string(v);
      return Status::ok();
    });
  }

  /// The cluster-shape flags (--nodes, --pods-per-node, --containers-per-pod, --seed, --anchor-unix-ms,
  /// --stats-interval-ms), for options with a `model` (ModelConfig) and an `anchor_given` flag.
  void model_flags() {
    value("--nodes", [](auto v, auto& o) {
      return parse_integer<std::uint32_t>("--nodes", v, 1, 254U * 256U * 255U, o.model.nodes);
    });
    value("--pods-per-node", [](auto v, auto& o) {
      return parse_integer<std::uint32_t>("--pods-per-node", v, 0, 10000, o.model.pods_per_node);
    });
    value("--containers-per-pod", [](auto v, auto& o) {
      return parse_integer<std::uint32_t>("--containers-per-pod", v, 1, 100, o.model.containers_per_pod);
    });
    value("--seed", [](auto v, auto& o) { return parse_integer<std::uint64_t>("--seed", v, 0, UINT64_MAX, o.model.seed); });
    value("--anchor-unix-ms", [](auto v, auto& o) {
      std::int64_t ms = 0;
      Status st = parse_integer<std::int64_t>("--anchor-unix-ms", v, 0, std::int64_t{1} << 50, ms);
      o.model.anchor_unix_ns = ms * 1000000;
      o.anchor_given = true;
      return st;
    });
    value("--stats-interval-ms", [](auto v, auto& o) {
      return parse_integer<std::int64_t>("--stats-interval-ms", v, 0, 3600000, o.model.stats_interval_ms);
    });
  }

  /// Parses argv (without the program name) into `options`. `help_requested` is set by --help/-h.
  Status parse(int argc, const char* const* argv, Options& options, bool& help_requested) const {
    help_requested = false;
    for (int i = 0; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        help_requested = true;
        return Status::ok();
      }
      std::string_view name = arg;
      std::optional<std::string_view> inline_value;
      if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
      const auto it = flags_.find(name);
      if (it == flags_.end()) return Status::invalid_argument("unknown flag \"" + std::string(arg) + "\" (see --help)");
      std::string_view value;
      if (it->second.takes_value) {
        if (inline_value) {
          value = *inline_value;
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          return Status::invalid_argument(std::string(name) + ": missing value");
        }
      } else if (inline_value) {
        return Status::invalid_argument(std::string(name) + ": takes no value");
      }
      if (Status st = it->second.set(value, options); !st.is_ok()) return st;
    }
    return Status::ok();
  }

 private:
  struct Flag {
    bool takes_value;
    Setter set;
  };
  std::map<std::string_view, Flag> flags_;
};

}  // namespace mpf::sim
