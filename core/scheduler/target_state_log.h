#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mpf/sdk/logger.h"
#include "mpf/sdk/snapshot.h"

namespace mpf::core {

// Logs scrape failures once per state change: one warning when a target starts failing or changes
// reason, one info when it recovers, instead of one line per target per cycle. Not thread-safe; the
// scheduler calls it from its strand.
class TargetStateLog {
 public:
  explicit TargetStateLog(mpf::Logger& log) : log_(log) {}

  // Compares one cycle's scrapes with the previous cycle's. `source_of[i]` is the index of the source
  // of `snapshot.scrapes[i]`, so that equal target names of different sources stay apart. A target
  // missing from the scrapes is forgotten, unless `listed[source]` is false: a source that failed to
  // list its targets sat the cycle out, and its failing targets must not be logged again next cycle.
  // Sources beyond `listed.size()` count as listed.
  void update(const mpf::Snapshot& snapshot, std::span<const std::size_t> source_of,
              const std::vector<bool>& listed = {});

 private:
  mpf::Logger& log_;
  // Last failure reason per failing (source, target); rebuilt each cycle so that targets that left
  // do not accumulate.
  std::map<std::pair<std::size_t, std::string>, mpf::FailureReason> failing_;
};

}  // namespace mpf::core
