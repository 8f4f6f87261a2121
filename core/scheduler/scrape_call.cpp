#include "core/scheduler/scrape_call.h"

#include <utility>

namespace mpf::core {

void ScrapeGate::send(ScrapeArrival arrival) {
  std::lock_guard lock(mu);
  if (open && deliver) deliver(std::move(arrival));
}

void ScrapeGate::close() {
  std::lock_guard lock(mu);
  open = false;
  deliver = nullptr;
}

void ScrapeCall::done(mpf::ScrapeOutcome outcome) {
  ScrapeArrival arrival{cycle, source, index, std::move(outcome), std::chrono::steady_clock::now(),
                        done_called.exchange(true)};
  if (arrival.duplicate) protocol_errors->inc();
  gate->send(std::move(arrival));
}

bool ScrapeCall::try_start() {
  int expected = 0;
  return start_state.compare_exchange_strong(expected, 1);
}

void ScrapeCall::abandon() {
  int expected = 0;
  start_state.compare_exchange_strong(expected, 2);
}

}  // namespace mpf::core
