// A sink plugin built several ways by tests/CMakeLists.txt (right ABI, wrong ABI version, wrong
// toolchain) to prove what the plugin host loads and what it refuses. It counts its live instances
// in a global the test reads through an exported C symbol, to check library lifetime.
#include <atomic>

#include "mpf/sdk/mpf.h"

namespace test_plugin {

struct Config {
  std::string label = "x";  // Default: x
  int threshold = 5;        // Default: 5
};

const mpf::OptionSet<Config>& options() {
  static const auto set = mpf::OptionSet<Config>()
                              .add("label", &Config::label, "A label.")
                              .add("threshold", &Config::threshold, "A number.");
  return set;
}

std::atomic<int> live_instances{0};

class CountingSink : public mpf::Sink {
 public:
  CountingSink() { ++live_instances; }
  ~CountingSink() override { --live_instances; }
  mpf::Status consume(const mpf::SnapshotPtr&, std::chrono::steady_clock::time_point) noexcept override {
    return mpf::Status::ok();
  }
};

mpf::Result<mpf::SinkPtr> create(const Config& config, mpf::PluginContext&) {
  if (config.threshold < 0) return mpf::Status::invalid_argument("threshold must not be negative");
  if (config.label == "throw") throw std::runtime_error("asked to throw");
  return mpf::SinkPtr(std::make_unique<CountingSink>());
}

}  // namespace test_plugin

extern "C" MPF_PLUGIN_EXPORT int test_plugin_live_instances() { return test_plugin::live_instances.load(); }

MPF_SINK_PLUGIN(test_sink, "9.9.9", "Test sink for the plugin host tests.", test_plugin::options, test_plugin::create)
