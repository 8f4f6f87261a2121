#pragma once

#include <string>
#include <vector>

#include "mpf/sdk/snapshot.h"

namespace mpf::sinks::debug {

/// One line describing a snapshot: cycle, targets, failures, nodes, pods, containers, duration.
/// Pure: no I/O, so it is tested directly.
std::string summarize_snapshot(const Snapshot& snapshot);

/// One line per node (usage) and per failed target (reason and error), in snapshot order.
std::vector<std::string> detail_lines(const Snapshot& snapshot);

}  // namespace mpf::sinks::debug
