// The smallest useful source: synthetic nodes whose containers each burn a fixed CPU rate.
//
// It shows the source contract: list targets at each cycle start, then fill one NodeBatch per target
// and call `done` exactly once. It answers synchronously, so blocking() stays false.
#include <chrono>
#include <string>

#include "mpf/sdk/mpf.h"

namespace hello {

struct Config {
  int nodes = 3;               // Default: 3. Number of synthetic nodes (targets).
  int pods_per_node = 2;       // Default: 2. Pods per node, one container each.
  int millicores = 100;        // Default: 100. CPU each container burns.
  std::int64_t memory_bytes = 64 << 20;  // Default: 64Mi. Working set of each container.
};

const mpf::OptionSet<Config>& options() {
  static const auto set = mpf::OptionSet<Config>()
                              .add("nodes", &Config::nodes, "Number of synthetic nodes.")
                              .add("pods_per_node", &Config::pods_per_node, "Pods per node, one container each.")
                              .add("millicores", &Config::millicores, "CPU each container burns, in millicores.")
                              .add("memory_bytes", &Config::memory_bytes, "Working set of each container.");
  return set;
}

class HelloSource : public mpf::Source {
 public:
  explicit HelloSource(Config config) : config_(config), start_(std::chrono::system_clock::now()) {}

  mpf::Status list_targets(std::vector<mpf::Target>& out) noexcept override {
    for (int i = 0; i < config_.nodes; ++i) out.push_back(mpf::Target{"hello-node-" + std::to_string(i), "", {}});
    return mpf::Status::ok();
  }

  void scrape(const mpf::Target&, mpf::Deadline, mpf::NodeBatch& batch, mpf::ScrapeDone done) noexcept override {
    auto now = std::chrono::system_clock::now();
    std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    std::int64_t start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(start_.time_since_epoch()).count();
    // Cumulative CPU = rate × time since start: a consumer computing Δcpu/Δt gets `millicores` back.
    auto cpu_ns = static_cast<std::uint64_t>((now_ns - start_ns) / 1000 * config_.millicores);
    mpf::Sample container;
    container.timestamp_ns = now_ns;
    container.start_time_ns = start_ns;
    container.cpu_usage_core_ns = cpu_ns;
    container.memory_working_set_bytes = static_cast<std::uint64_t>(config_.memory_bytes);
    container.present = mpf::kHasCpu | mpf::kHasMemory | mpf::kHasStartTime;
    mpf::Sample node = container;
    node.cpu_usage_core_ns = cpu_ns * static_cast<std::uint64_t>(config_.pods_per_node);
    node.memory_working_set_bytes *= static_cast<std::uint64_t>(config_.pods_per_node);
    batch.set_node(node);
    for (int p = 0; p < config_.pods_per_node; ++p) {
      batch.add_container("hello", batch.node_name + "-pod-" + std::to_string(p), "app", container);
    }
    done(mpf::ScrapeOutcome::success());
  }

 private:
  Config config_;
  std::chrono::system_clock::time_point start_;
};

mpf::Result<mpf::SourcePtr> create(const Config& config, mpf::PluginContext&) {
  if (config.nodes < 0 || config.pods_per_node < 0 || config.millicores < 0) {
    return mpf::Status::invalid_argument("nodes, pods_per_node and millicores must not be negative");
  }
  return mpf::SourcePtr(std::make_unique<HelloSource>(config));
}

}  // namespace hello

MPF_SOURCE_PLUGIN(hello_source, "1.0.0", "Example: synthetic nodes whose containers burn a fixed CPU rate.",
                  hello::options, hello::create)
