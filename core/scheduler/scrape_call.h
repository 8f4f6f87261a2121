#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "mpf/sdk/sample.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/source.h"

namespace mpf::core {

// One call of a done callback, on its way to the scheduler's strand.
struct ScrapeArrival {
  std::uint64_t cycle = 0;
  std::size_t source = 0;
  std::size_t index = 0;
  mpf::ScrapeOutcome outcome;
  std::chrono::steady_clock::time_point at;
  bool duplicate = false;
};

// A done callback hands its outcome to the scheduler through the gate. Once the scheduler stopped or
// was destroyed the gate is closed and late callbacks go nowhere, so a plugin may keep and call a
// callback at any time without reaching a dead scheduler or io_context.
struct ScrapeGate {
  std::mutex mu;
  bool open = true;
  std::function<void(ScrapeArrival)> deliver;

  void send(ScrapeArrival arrival);
  void close();
};

// Shared by one scrape's done callback (all copies of it), the pool task of a blocking source and the
// scheduler. Owns what the source may still use after the scheduler gave up on the scrape: the
// batch and the target stay alive until the source drops its callback.
struct ScrapeCall {
  std::shared_ptr<ScrapeGate> gate;
  std::shared_ptr<mpf::Counter> protocol_errors;
  std::shared_ptr<mpf::NodeBatch> batch;
  std::shared_ptr<const mpf::Target> target;
  std::uint64_t cycle = 0;
  std::size_t source = 0;
  std::size_t index = 0;
  std::atomic<bool> done_called{false};
  // 0: not started; 1: scrape() entered (blocking sources); 2: abandoned before it started.
  std::atomic<int> start_state{0};

  void done(mpf::ScrapeOutcome outcome);
  bool try_start();
  void abandon();
};

}  // namespace mpf::core
