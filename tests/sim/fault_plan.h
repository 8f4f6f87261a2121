#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/status.h"
#include "tests/sim/cluster_model.h"

// Which simulated kubelets misbehave, and how.

namespace mpf::sim {

enum class FaultMode : uint8_t {
  kNone,
  kSlow,       // Answers after a delay (FarmOptions::slow_delay).
  kHang,       // Accepts and reads the request, never answers.
  kRefuse,     // No listener: connections are refused.
  kHttp500,    // 500 Internal Server Error.
  kGarbage,    // 200 with random bytes for a body.
  kTruncated,  // Sends the headers and part of the body, cut mid-line, then closes the connection.
  kZero,       // Node, pods and containers report 0 CPU and 0 memory.
  kRestart,    // The first container of each pod restarts every few cycles (start time moves, counter resets).
  kReboot,     // The node reboots every few cycles (node counter resets, all pods restart).
};

// "none", "slow", "hang", "refuse", "500", "garbage", "truncated", "zero", "restart", "reboot".
std::string_view fault_mode_name(FaultMode mode);
std::optional<FaultMode> parse_fault_mode(std::string_view name);

// One --fault or --fault-nodes flag: a fraction of the nodes, or named nodes.
struct FaultSpec {
  FaultMode mode = FaultMode::kNone;
  double fraction = 0;              // --fault MODE:FRACTION, in [0, 1].
  std::vector<std::string> nodes;   // --fault-nodes MODE:name1,name2.
};

// Parses "MODE:FRACTION" (fraction form) or "MODE:name1,name2" (node form).
Result<FaultSpec> parse_fault_fraction(std::string_view text);
Result<FaultSpec> parse_fault_nodes(std::string_view text);

// The mode of every node. Named nodes are assigned first; then each fraction spec takes
// max(1, round(fraction * nodes)) of the remaining nodes in a seeded random order, so the choice is
// deterministic, disjoint between specs, and spread over the cluster. Fails on an unknown node name, a
// node named twice, or more nodes asked for than exist.
Result<std::vector<FaultMode>> assign_faults(std::span<const FaultSpec> specs, const ClusterModel& model);

}  // namespace mpf::sim
