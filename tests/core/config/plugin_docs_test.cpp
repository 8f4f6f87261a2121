#include "core/config/plugin_docs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "core/config/yaml_loader.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

struct HelloConfig {
  std::string path;                            // Default: "" (required)
  std::chrono::nanoseconds flush{1500ms};      // Default: 1.5s
  std::vector<std::string> tags{"a", "b: c"};  // Default: [a, "b: c"]
  ConfigValue extra;                           // Default: none
  bool verbose = false;                        // Default: false
};

const OptionSet<HelloConfig>& hello_options() {
  static const auto set = OptionSet<HelloConfig>()
                              .add("path", &HelloConfig::path, "File to append to.", kRequired)
                              .add("flush", &HelloConfig::flush, "How often to flush.\nNever more often.")
                              .add("tags", &HelloConfig::tags, "Tags on every line.")
                              .add("extra", &HelloConfig::extra, "Free-form settings.")
                              .add("verbose", &HelloConfig::verbose, "Log every line.");
  return set;
}

PluginDescriptor hello_descriptor() {
  PluginDescriptor d;
  d.kind = PluginKind::kSink;
  d.name = "hello_sink";
  d.version = "0.1.0";
  d.description = "Appends one line per snapshot to a file.";
  d.options = &hello_options().specs();
  return d;
}

TEST(PluginDocs, DescribesNameKindVersionOptionsAndExample) {
  EXPECT_EQ(describe_plugin(hello_descriptor()),
            "hello_sink (sink plugin, version 0.1.0)\n"
            "\n"
            "Appends one line per snapshot to a file.\n"
            "\n"
            "Options:\n"
            "  NAME     TYPE             DEFAULT      REQUIRED  DESCRIPTION\n"
            "  path     string           -            yes       File to append to.\n"
            "  flush    duration         1.5s         no        How often to flush. Never more often.\n"
            "  tags     list of strings  [a, \"b: c\"]  no        Tags on every line.\n"
            "  extra    any              -            no        Free-form settings.\n"
            "  verbose  bool             false        no        Log every line.\n"
            "\n"
            "Delivery (keys of the sink entry beside options; README \"Exporting to storage\"):\n"
            "  timeout: one delivery attempt (an exporter's send, a sink's consume); default 5s\n"
            "  queue:\n"
            "    NAME           TYPE    DEFAULT  REQUIRED  DESCRIPTION\n"
            "    max_snapshots  int     0        no        Snapshots waiting for the sink (0: global.sink_queue_snapshots); "
            "when full the oldest is dropped.\n"
            "    max_bytes      string  256Mi    no        Approximate memory of the waiting snapshots (bytes, or with "
            "Ki/Mi/Gi); the newest is always kept.\n"
            "  retry_on_failure (exporters: retryable failures):\n"
            "    NAME                  TYPE      DEFAULT  REQUIRED  DESCRIPTION\n"
            "    enabled               bool      true     no        Retry retryable failures (timeouts, refused, HTTP 429 "
            "and 5xx).\n"
            "    initial_interval      duration  5s       no        Wait before the first retry.\n"
            "    multiplier            double    1.5      no        Growth of each wait, up to max_interval.\n"
            "    randomization_factor  double    0.5      no        Each wait is drawn from interval × [1 - f, 1 + f].\n"
            "    max_interval          duration  30s      no        Upper bound of one wait.\n"
            "    max_elapsed_time      duration  5m0s     no        Give a batch up when retrying would pass this since "
            "its first attempt (0: no limit).\n"
            "\n"
            "Example:\n"
            "sinks:\n"
            "  - plugin: hello_sink\n"
            "    name: hello_sink\n"
            "    options:\n"
            "      path: \"\"  # required\n"
            "      flush: 1.5s\n"
            "      tags: [a, \"b: c\"]\n"
            "      verbose: false\n"
            "    timeout: 5s\n"
            "    queue: {max_snapshots: 0, max_bytes: 256Mi}\n"
            "    retry_on_failure: {enabled: true, initial_interval: 5s, multiplier: 1.5, randomization_factor: 0.5, "
            "max_interval: 30s, max_elapsed_time: 5m0s}\n");
}

std::string example_of(const std::string& docs) {
  std::size_t at = docs.find("Example:\n");
  return at == std::string::npos ? "" : docs.substr(at + 9);
}

TEST(PluginDocs, ExampleIsAValidConfigWithEveryDefault) {
  PluginDescriptor hello = hello_descriptor();
  PluginLookup lookup = [&](PluginKind kind, std::string_view name) -> const PluginDescriptor* {
    return kind == hello.kind && name == hello.name ? &hello : nullptr;
  };
  Result<ConfigValue> document = load_yaml_text(example_of(describe_plugin(hello)), "example.yaml");
  ASSERT_TRUE(document.is_ok()) << document.status().message();
  Result<PipelineConfig> config = parse_pipeline(*document, lookup);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  ASSERT_EQ(config->sinks.size(), 1u);
  Result<HelloConfig> bound = hello_options().bind(config->sinks[0].options, "sinks[0].options", "hello_sink");
  ASSERT_TRUE(bound.is_ok()) << bound.status().message();
  EXPECT_EQ(bound->flush, 1500ms);
  EXPECT_EQ(bound->tags, (std::vector<std::string>{"a", "b: c"}));
}

TEST(PluginDocs, PluginWithoutOptions) {
  PluginDescriptor d;
  d.kind = PluginKind::kProcessor;
  d.name = "node_aggregator";
  d.version = "1.2.3";
  d.description = "";
  EXPECT_EQ(describe_plugin(d),
            "node_aggregator (processor plugin, version 1.2.3)\n"
            "\n"
            "Options:\n"
            "  (none)\n"
            "\n"
            "Example:\n"
            "processors:\n"
            "  - plugin: node_aggregator\n"
            "    name: node_aggregator\n"
            "    options: {}\n");
}

struct LongDefaultConfig {
  std::vector<std::string> hosts{"first-host.example.com", "second-host.example.com", "third-host.example.com"};
};

TEST(PluginDocs, LongDefaultsAreShortenedInTheTableOnly) {
  static const auto set = OptionSet<LongDefaultConfig>().add("hosts", &LongDefaultConfig::hosts, "Hosts.");
  PluginDescriptor d;
  d.kind = PluginKind::kSource;
  d.name = "many";
  d.version = "1";
  d.options = &set.specs();
  std::string docs = describe_plugin(d);
  EXPECT_THAT(docs,
              HasSubstr("  hosts  list of strings  [first-host.example.com, second-host....  no        Hosts.\n"));
  EXPECT_THAT(docs,
              HasSubstr("      hosts: [first-host.example.com, second-host.example.com, third-host.example.com]\n"));
}

TEST(PluginDocs, NullTextsInTheDescriptorAreTolerated) {
  PluginDescriptor d;
  d.name = nullptr;
  d.version = nullptr;
  d.description = nullptr;
  EXPECT_THAT(describe_plugin(d), HasSubstr(" (source plugin, version )\n"));
}

}  // namespace
}  // namespace mpf::core
