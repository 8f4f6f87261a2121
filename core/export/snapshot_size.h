#pragma once

#include <cstddef>

#include "mpf/sdk/snapshot.h"

namespace mpf::core {

// Approximate heap bytes a snapshot keeps alive: its vectors' capacities, its name table and its scrape
// batches. For the sink queues' byte bound, so it must be cheap (no walk over samples) rather than exact.
std::size_t approximate_snapshot_bytes(const mpf::Snapshot& snapshot);

}  // namespace mpf::core
