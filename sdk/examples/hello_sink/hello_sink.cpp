// The smallest useful sink: appends one line per snapshot to a file.
//
// A sink receives every published snapshot on its own worker thread, so it may do blocking I/O here
// without delaying scrapes. Everything it needs comes from the SDK headers; nothing from core/.
#include <cstdio>
#include <string>

#include "mpf/sdk/mpf.h"

namespace hello {

struct Config {
  std::string path;            // Default: none (required). File to append to.
  std::string prefix = "hello";  // Default: hello. First word of every line.
};

const mpf::OptionSet<Config>& options() {
  static const auto set = mpf::OptionSet<Config>()
                              .add("path", &Config::path, "File to append one line per snapshot to.", mpf::kRequired)
                              .add("prefix", &Config::prefix, "First word of every line.");
  return set;
}

class HelloSink : public mpf::Sink {
 public:
  explicit HelloSink(Config config) : config_(std::move(config)) {}

  mpf::Status consume(const mpf::SnapshotPtr& snapshot, std::chrono::steady_clock::time_point) noexcept override {
    std::size_t samples = 0, failed = 0;
    for (const auto& scrape : snapshot->scrapes) {
      if (scrape.batch) samples += scrape.batch->containers.size();
      if (!scrape.status.is_ok()) ++failed;
    }
    std::string line = config_.prefix + " cycle=" + std::to_string(snapshot->cycle) +
                       " targets=" + std::to_string(snapshot->scrapes.size()) + " failed=" + std::to_string(failed) +
                       " samples=" + std::to_string(samples) + "\n";
    std::FILE* f = std::fopen(config_.path.c_str(), "a");
    if (f == nullptr) return mpf::Status::retryable("cannot open " + config_.path);
    bool ok = std::fwrite(line.data(), 1, line.size(), f) == line.size();
    ok = std::fclose(f) == 0 && ok;
    return ok ? mpf::Status::ok() : mpf::Status::retryable("cannot write " + config_.path);
  }

 private:
  Config config_;
};

mpf::Result<mpf::SinkPtr> create(const Config& config, mpf::PluginContext&) {
  return mpf::SinkPtr(std::make_unique<HelloSink>(config));
}

}  // namespace hello

MPF_SINK_PLUGIN(hello_sink, "1.0.0", "Example: appends one line per snapshot to a file.", hello::options,
                hello::create)
