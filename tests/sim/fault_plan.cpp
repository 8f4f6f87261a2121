#include "tests/sim/fault_plan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "tests/sim/seeded_random.h"

namespace mpf::sim {
namespace {

constexpr std::array<std::pair<FaultMode, std::string_view>, 10> kNames{{
    {FaultMode::kNone, "none"},
    {FaultMode::kSlow, "slow"},
    {FaultMode::kHang, "hang"},
    {FaultMode::kRefuse, "refuse"},
    {FaultMode::kHttp500, "500"},
    {FaultMode::kGarbage, "garbage"},
    {FaultMode::kTruncated, "truncated"},
    {FaultMode::kZero, "zero"},
    {FaultMode::kRestart, "restart"},
    {FaultMode::kReboot, "reboot"},
}};

constexpr uint64_t kFaultStream = 0xfa017;

Result<std::pair<FaultMode, std::string_view>> split_mode(std::string_view text, std::string_view flag) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::invalid_argument(std::string(flag) + ": \"" + std::string(text) + "\" is not MODE:VALUE");
  }
  const auto mode = parse_fault_mode(text.substr(0, colon));
  if (!mode || *mode == FaultMode::kNone) {
    return Status::invalid_argument(std::string(flag) + ": unknown mode \"" + std::string(text.substr(0, colon)) +
                                    "\" (slow, hang, refuse, 500, garbage, truncated, zero, restart, reboot)");
  }
  return std::make_pair(*mode, text.substr(colon + 1));
}

}  // namespace

std::string_view fault_mode_name(FaultMode mode) {
  for (const auto& [m, name] : kNames) {
    if (m == mode) return name;
  }
  return "none";
}

std::optional<FaultMode> parse_fault_mode(std::string_view name) {
  for (const auto& [m, n] : kNames) {
    if (n == name) return m;
  }
  return std::nullopt;
}

Result<FaultSpec> parse_fault_fraction(std::string_view text) {
  auto split = split_mode(text, "--fault");
  if (!split) return split.status();
  const std::string value(split->second);
  char* end = nullptr;
  const double fraction = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !(fraction >= 0 && fraction <= 1)) {
    return Status::invalid_argument("--fault: fraction \"" + value + "\" is not a number in [0, 1]");
  }
  FaultSpec spec;
  spec.mode = split->first;
  spec.fraction = fraction;
  return spec;
}

Result<FaultSpec> parse_fault_nodes(std::string_view text) {
  auto split = split_mode(text, "--fault-nodes");
  if (!split) return split.status();
  FaultSpec spec;
  spec.mode = split->first;
  std::string_view rest = split->second;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (!name.empty()) spec.nodes.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (spec.nodes.empty()) return Status::invalid_argument("--fault-nodes: no node names in \"" + std::string(text) + "\"");
  return spec;
}

Result<std::vector<FaultMode>> assign_faults(std::span<const FaultSpec> specs, const ClusterModel& model) {
  const size_t count = model.nodes().size();
  std::vector<FaultMode> modes(count, FaultMode::kNone);
  for (const FaultSpec& spec : specs) {
    for (const std::string& name : spec.nodes) {
      const auto index = model.find_node(name);
      if (!index) return Status::invalid_argument("--fault-nodes: no node named \"" + name + "\"");
      if (modes[*index] != FaultMode::kNone) {
        return Status::invalid_argument("--fault-nodes: node \"" + name + "\" is given two fault modes");
      }
      modes[*index] = spec.mode;
    }
  }

  // A seeded shuffle of the nodes still free; fraction specs take consecutive runs of it.
  std::vector<size_t> free;
  for (size_t i = 0; i < count; ++i) {
    if (modes[i] == FaultMode::kNone) free.push_back(i);
  }
  SeededRandom random(model.config().seed, {kFaultStream});
  for (size_t i = free.size(); i > 1; --i) std::swap(free[i - 1], free[random.uniform(0, i - 1)]);

  size_t next = 0;
  for (const FaultSpec& spec : specs) {
    if (!spec.nodes.empty() || spec.fraction <= 0) continue;
    const auto wanted = std::max<size_t>(1, static_cast<size_t>(std::llround(spec.fraction * static_cast<double>(count))));
    if (next + wanted > free.size()) {
      return Status::invalid_argument("--fault " + std::string(fault_mode_name(spec.mode)) + ":" +
                                      std::to_string(spec.fraction) + ": not enough nodes left (" +
                                      std::to_string(free.size() - next) + " of " + std::to_string(count) + ")");
    }
    for (size_t i = 0; i < wanted; ++i) modes[free[next++]] = spec.mode;
  }
  return modes;
}

}  // namespace mpf::sim
