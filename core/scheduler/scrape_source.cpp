#include "core/scheduler/scrape_source.h"

#include <utility>

namespace mpf::core {

ScrapeSource ScrapeSource::create(std::string name, mpf::Source& source, SelfMetricsRegistry& metrics) {
  ScrapeSource state;
  state.name = std::move(name);
  state.source = &source;
  state.blocking = source.blocking();
  state.success = metrics.counter("mpf_scrape_total", "Scrapes by source and result.",
                                  {{"source", state.name}, {"result", "success"}});
  state.failure = metrics.counter("mpf_scrape_total", "Scrapes by source and result.",
                                  {{"source", state.name}, {"result", "failure"}});
  state.protocol_errors = metrics.counter(
      "mpf_plugin_protocol_errors_total", "Calls by a plugin that broke the SDK contract (host-side bug check).",
      {{"plugin", state.name}});
  state.list_failures = metrics.counter("mpf_source_list_failures_total",
                                        "Cycles in which a source failed to list its targets.",
                                        {{"source", state.name}});
  state.metrics = &metrics;
  return state;
}

mpf::Counter& ScrapeSource::failure_counter(mpf::FailureReason reason) {
  auto& counter = failures_by_reason[reason];
  if (!counter) {
    counter = metrics->counter("mpf_scrape_failures_total", "Failed scrapes by source and reason.",
                               {{"source", name}, {"reason", mpf::failure_reason_name(reason)}});
  }
  return *counter;
}

}  // namespace mpf::core
