#pragma once

#include <chrono>
#include <vector>

namespace mpf::core {

// metrics_server_manager_tick_duration_seconds: a whole scrape+store cycle, metrics-server's family.
inline constexpr const char* kManagerTickDuration = "metrics_server_manager_tick_duration_seconds";
inline constexpr const char* kManagerTickDurationHelp =
    "[ALPHA] The total time spent collecting and storing metrics in seconds.";

// The tick histogram's buckets, exactly as metrics-server computes them from --metric-resolution
// (utils.BucketsForScrapeDuration): Prometheus' default buckets, then
//   - resolution above 10 s: halfway from 10 s to it, it, 1.5x and 2x (15 s: 12.5 15 22.5 30;
//     60 s: 35 60 90 120);
//   - resolution below 10 s: the resolution inserted in order, unless it lies within the first bound
//     (5 ms) of a neighbouring bound;
//   - exactly 10 s: the defaults alone.
std::vector<double> manager_tick_buckets(std::chrono::nanoseconds resolution);

}  // namespace mpf::core
