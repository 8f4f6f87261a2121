#include "snapshot_summary.h"

#include <chrono>

#include "mpf/sdk/duration.h"

namespace mpf::sinks::debug {

namespace {

std::size_t count_failures(const Snapshot& s) {
  std::size_t failed = 0;
  for (const auto& scrape : s.scrapes) failed += scrape.status.is_ok() ? 0 : 1;
  return failed;
}

std::size_t count_container_samples(const Snapshot& s) {
  std::size_t n = 0;
  for (const auto& scrape : s.scrapes) n += scrape.batch ? scrape.batch->containers.size() : 0;
  return n;
}

}  // namespace

std::string summarize_snapshot(const Snapshot& s) {
  auto duration = std::chrono::duration_cast<std::chrono::nanoseconds>(s.finished_at - s.started_at);
  return "cycle=" + std::to_string(s.cycle) + " targets=" + std::to_string(s.scrapes.size()) +
         " failed=" + std::to_string(count_failures(s)) + " samples=" + std::to_string(count_container_samples(s)) +
         " nodes=" + std::to_string(s.nodes.size()) + " pods=" + std::to_string(s.pods.size()) +
         " containers=" + std::to_string(s.containers.size()) + " duration=" + format_duration(duration);
}

std::vector<std::string> detail_lines(const Snapshot& s) {
  std::vector<std::string> lines;
  for (const auto& node : s.nodes) {
    lines.push_back("node=" + std::string(s.names.name(node.name)) +
                    " cpu_nanocores=" + std::to_string(node.usage.cpu_nanocores) +
                    " memory_bytes=" + std::to_string(node.usage.memory_working_set_bytes) +
                    " window=" + format_duration(std::chrono::nanoseconds(node.usage.window_ns)));
  }
  for (const auto& scrape : s.scrapes) {
    if (scrape.status.is_ok()) continue;
    lines.push_back("failed source=" + scrape.source + " target=" + scrape.target +
                    " reason=" + failure_reason_name(scrape.reason) + " error=\"" + scrape.status.message() + "\"");
  }
  return lines;
}

}  // namespace mpf::sinks::debug
