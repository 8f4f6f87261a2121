#include "core/config/pipeline_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/yaml_loader.h"
#include "core/config/yaml_writer.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---- fake plugins, declared the way real plugins declare their options ----

struct KubeletConfig {
  int port = 10250;                           // Default: 10250
  bool insecure = false;                      // Default: false
  std::chrono::nanoseconds timeout{5s};       // Default: 5s
  std::vector<std::string> nodes;             // Default: empty
  std::map<std::string, std::string> labels;  // Default: empty
  ConfigValue extra;                          // Default: none (kAny)
};

const OptionSet<KubeletConfig>& kubelet_options() {
  static const auto set = OptionSet<KubeletConfig>()
                              .add("port", &KubeletConfig::port, "Kubelet port.")
                              .add("insecure", &KubeletConfig::insecure, "Skip TLS verification.")
                              .add("timeout", &KubeletConfig::timeout, "Request timeout.")
                              .add("nodes", &KubeletConfig::nodes, "Nodes to scrape.")
                              .add("labels", &KubeletConfig::labels, "Extra labels.")
                              .add("extra", &KubeletConfig::extra, "Anything.");
  return set;
}

struct RemoteWriteConfig {
  std::string url;                     // Default: "" (required)
  std::chrono::nanoseconds flush{1s};  // Default: 1s
  double ratio = 0.5;                  // Default: 0.5
};

const OptionSet<RemoteWriteConfig>& remote_write_options() {
  static const auto set = OptionSet<RemoteWriteConfig>()
                              .add("url", &RemoteWriteConfig::url, "Where to write.", kRequired)
                              .add("flush", &RemoteWriteConfig::flush, "Flush interval.")
                              .add("ratio", &RemoteWriteConfig::ratio, "A ratio.");
  return set;
}

PluginDescriptor descriptor(PluginKind kind, const char* name, const std::vector<OptionSpec>* options) {
  PluginDescriptor d;
  d.kind = kind;
  d.name = name;
  d.version = "1.0.0";
  d.description = "A fake plugin.";
  d.options = options;
  return d;
}

const std::vector<PluginDescriptor>& fake_plugins() {
  static const std::vector<OptionSpec> no_options;
  static const std::vector<PluginDescriptor> plugins = {
      descriptor(PluginKind::kSource, "kubelet_resource", &kubelet_options().specs()),
      descriptor(PluginKind::kProcessor, "node_aggregator", nullptr),
      descriptor(PluginKind::kProcessor, "pod_aggregator", &no_options),
      descriptor(PluginKind::kSink, "remote_write", &remote_write_options().specs()),
  };
  return plugins;
}

const PluginLookup& lookup() {
  static const PluginLookup lookup = [](PluginKind kind, std::string_view name) -> const PluginDescriptor* {
    for (const PluginDescriptor& d : fake_plugins()) {
      if (d.kind == kind && d.name == name) return &d;
    }
    return nullptr;
  };
  return lookup;
}

ConfigValue yaml(std::string_view text) {
  Result<ConfigValue> v = load_yaml_text(text, "pipeline.yaml", [](std::string_view) { return std::nullopt; });
  EXPECT_TRUE(v.is_ok()) << v.status().message();
  return v.is_ok() ? *v : ConfigValue();
}

Result<PipelineConfig> parse(std::string_view text, std::vector<std::string>* warnings = nullptr) {
  return parse_pipeline(yaml(text), lookup(), warnings);
}

// The error lines of a parse that must fail.
std::vector<std::string> errors_of(std::string_view text) {
  Result<PipelineConfig> result = parse(text);
  EXPECT_FALSE(result.is_ok()) << "expected errors for:\n" << text;
  if (result.is_ok()) return {};
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> lines;
  std::istringstream in(result.status().message());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string test_data(const std::string& name) {
  return std::string(MPF_TEST_SOURCE_DIR) + "/tests/core/config/testdata/" + name;
}

// ---- parsing ----

TEST(PipelineConfig, ParsesACompleteDocument) {
  Result<ConfigValue> document = load_yaml_file(test_data("good_pipeline.yaml"));
  ASSERT_TRUE(document.is_ok()) << document.status().message();
  std::vector<std::string> warnings;
  Result<PipelineConfig> config = parse_pipeline(*document, lookup(), &warnings);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_THAT(warnings, IsEmpty());

  EXPECT_EQ(config->global.resolution, 15s);
  EXPECT_EQ(config->global.log_format, "json");
  EXPECT_EQ(config->global.max_concurrent_scrapes, 1000);

  ASSERT_EQ(config->sources.size(), 1u);
  const PluginEntry& source = config->sources[0];
  EXPECT_EQ(source.kind, PluginKind::kSource);
  EXPECT_EQ(source.plugin, "kubelet_resource");
  EXPECT_EQ(source.name, "kubelet");
  EXPECT_EQ(source.path, "sources[0]");
  EXPECT_EQ(source.options.find("port")->text(), "10250");

  ASSERT_EQ(config->processors.size(), 1u);
  EXPECT_EQ(config->processors[0].name, "node_aggregator");
  EXPECT_EQ(config->processors[0].kind, PluginKind::kProcessor);
  EXPECT_EQ(config->processors[0].options, ConfigValue::map());

  ASSERT_EQ(config->sinks.size(), 2u);
  EXPECT_EQ(config->sinks[0].name, "remote_write");  // defaults to the plugin name
  EXPECT_EQ(config->sinks[1].name, "backup");
  EXPECT_EQ(config->sinks[1].path, "sinks[1]");
  EXPECT_EQ(config->sinks[1].kind, PluginKind::kSink);

  // What the plugin's own bind() will see.
  Result<RemoteWriteConfig> bound =
      remote_write_options().bind(config->sinks[1].options, "sinks[1].options", "remote_write");
  ASSERT_TRUE(bound.is_ok()) << bound.status().message();
  EXPECT_EQ(bound->flush, 30s);
}

TEST(PipelineConfig, EmptyOrNullDocumentIsAllDefaultsWithWarnings) {
  for (const ConfigValue& document : {ConfigValue::map(), ConfigValue()}) {
    std::vector<std::string> warnings;
    Result<PipelineConfig> config = parse_pipeline(document, lookup(), &warnings);
    ASSERT_TRUE(config.is_ok()) << config.status().message();
    EXPECT_EQ(config->global.resolution, 60s);
    EXPECT_THAT(config->sources, IsEmpty());
    EXPECT_THAT(warnings, ElementsAre("sources: no sources configured; nothing will be scraped",
                                      "sinks: no sinks configured; scraped metrics go nowhere"));
  }
}

TEST(PipelineConfig, WarningsAreOptional) {
  EXPECT_TRUE(parse("global: {resolution: 1s, scrape_timeout: 500ms}\n").is_ok());
}

TEST(PipelineConfig, DocumentMustBeAMap) {
  EXPECT_THAT(errors_of("- a\n"),
              ElementsAre("(document): expected a map with keys global, sources, processors and sinks, got a list"));
}

TEST(PipelineConfig, UnknownTopLevelKeyHasADidYouMeanHint) {
  EXPECT_THAT(errors_of("sink: []\nplugins: []\n"),
              ElementsAre("sink: unknown top-level key \"sink\"; did you mean \"sinks\"?",
                          "plugins: unknown top-level key \"plugins\"; expected global, sources, processors or sinks"));
}

TEST(PipelineConfig, SectionsMustBeListsOfMaps) {
  EXPECT_THAT(errors_of("sources: {plugin: kubelet_resource}\nsinks:\n  - remote_write\n"),
              ElementsAre("sources: expected a list of source entries (\"- plugin: NAME\"), got a map",
                          "sinks[0]: expected a map like {plugin: NAME, options: {...}}, got \"remote_write\""));
}

TEST(PipelineConfig, EmptySectionIsAllowed) {
  Result<PipelineConfig> config = parse("sources:\nprocessors: []\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
}

TEST(PipelineConfig, UnknownPluginSuggestsTheClosestName) {
  EXPECT_THAT(errors_of("sources:\n  - plugin: kubelet_resourse\n"),
              ElementsAre("sources[0].plugin: no source plugin named \"kubelet_resourse\"; "
                          "did you mean \"kubelet_resource\"?"));
  EXPECT_THAT(errors_of("sources:\n  - plugin: Kubelet-Resource\n"),
              ElementsAre("sources[0].plugin: no source plugin named \"Kubelet-Resource\"; "
                          "did you mean \"kubelet_resource\"?"));
  EXPECT_THAT(errors_of("sinks:\n  - plugin: remotewrite\n"),
              ElementsAre("sinks[0].plugin: no sink plugin named \"remotewrite\"; did you mean \"remote_write\"?"));
  EXPECT_THAT(errors_of("sinks:\n  - plugin: prometheus\n"),
              ElementsAre("sinks[0].plugin: no sink plugin named \"prometheus\""));
}

TEST(PipelineConfig, UnknownPluginSaysWhenItIsAPluginOfAnotherKind) {
  EXPECT_THAT(errors_of("sources:\n  - plugin: remote_write\n    options: {url: x}\n"),
              ElementsAre("sources[0].plugin: no source plugin named \"remote_write\"; \"remote_write\" is a sink "
                          "plugin, list it under \"sinks:\""));
  EXPECT_THAT(errors_of("sinks:\n  - plugin: node_agregator\n"),
              ElementsAre("sinks[0].plugin: no sink plugin named \"node_agregator\"; did you mean the processor "
                          "plugin \"node_aggregator\" (under \"processors:\")?"));
}

TEST(PipelineConfig, PluginKeyIsRequiredAndMustBeAName) {
  EXPECT_THAT(errors_of("sources:\n  - name: kubelet\n  - plugin: [a]\n  - plugin: ''\n"),
              ElementsAre("sources[0].plugin: required key is missing; it names the source plugin to run",
                          "sources[1].plugin: expected the name of a source plugin, got a list",
                          "sources[2].plugin: expected the name of a source plugin, got \"\""));
}

TEST(PipelineConfig, MisspelledOptionNamesItsPathAndThePlugin) {
  EXPECT_THAT(errors_of("sinks:\n  - plugin: remote_write\n    options:\n      url: http://x\n      flsh: 2s\n"),
              ElementsAre("sinks[0].options.flsh: unknown option \"flsh\" for plugin \"remote_write\"; "
                          "did you mean \"flush\"?"));
}

TEST(PipelineConfig, WrongTypesNameTheKeyAndTheExpectedType) {
  EXPECT_THAT(errors_of("sources:\n"
                        "  - plugin: kubelet_resource\n"
                        "    options:\n"
                        "      port: http\n"
                        "      insecure: maybe\n"
                        "      timeout: 5\n"
                        "      nodes: node-a\n"
                        "      labels: {a: [1]}\n"),
              ElementsAre("sources[0].options.port: expected an int, got \"http\"",
                          "sources[0].options.insecure: expected a bool (true or false), got \"maybe\"",
                          "sources[0].options.timeout: expected a duration (like 10s, 1m30s or 500ms), got \"5\"",
                          "sources[0].options.nodes: expected a list of strings, got \"node-a\"",
                          "sources[0].options.labels.a: expected a string, got a list"));
}

TEST(PipelineConfig, RequiredOptionsMustBePresent) {
  EXPECT_THAT(errors_of("sinks:\n  - plugin: remote_write\n"),
              ElementsAre("sinks[0].options.url: required option of plugin \"remote_write\" is missing (a string)"));
}

TEST(PipelineConfig, OptionsMustBeAMap) {
  EXPECT_THAT(errors_of("sinks:\n  - plugin: remote_write\n    options: [url]\n"),
              ElementsAre("sinks[0].options: options of plugin \"remote_write\" must be a map, got a list"));
  EXPECT_THAT(errors_of("sinks:\n  - plugin: nope\n    options: x\n"),
              ElementsAre("sinks[0].plugin: no sink plugin named \"nope\"",
                          "sinks[0].options: expected a map of options, got \"x\""));
}

TEST(PipelineConfig, PluginWithoutOptionsRejectsAnyOption) {
  EXPECT_THAT(errors_of("processors:\n  - plugin: pod_aggregator\n    options: {window: 1m}\n"),
              ElementsAre("processors[0].options.window: unknown option \"window\" for plugin \"pod_aggregator\"; "
                          "it takes no options"));
  EXPECT_THAT(errors_of("processors:\n  - plugin: node_aggregator\n    options: {window: 1m}\n"),
              ElementsAre(HasSubstr("processors[0].options.window: unknown option \"window\"")));
}

TEST(PipelineConfig, UnknownEntryKeysHaveHints) {
  EXPECT_THAT(errors_of("sources:\n"
                        "  - plugin: kubelet_resource\n"
                        "    port: 10250\n"
                        "    optoins: {}\n"
                        "    interval: 1s\n"),
              ElementsAre("sources[0].port: unknown key \"port\"; plugin options go under \"options:\"",
                          "sources[0].optoins: unknown key \"optoins\"; did you mean \"options\"?",
                          "sources[0].interval: unknown key \"interval\"; an entry has only plugin, name and options"));
}

TEST(PipelineConfig, InstanceNamesMustBeUniqueWithinASection) {
  EXPECT_THAT(errors_of("sinks:\n"
                        "  - plugin: remote_write\n"
                        "    options: {url: a}\n"
                        "  - plugin: remote_write\n"
                        "    options: {url: b}\n"
                        "  - plugin: remote_write\n"
                        "    name: remote_write\n"
                        "    options: {url: c}\n"),
              ElementsAre("sinks[1]: duplicate sink instance name \"remote_write\" (also used by sinks[0]); instance "
                          "names default to the plugin name, so give one a distinct \"name:\"",
                          "sinks[2].name: duplicate sink instance name \"remote_write\" (also used by sinks[0]); "
                          "give each entry a distinct \"name:\""));
}

TEST(PipelineConfig, TheSameNameMayBeUsedInDifferentSections) {
  Result<PipelineConfig> config = parse(
      "sources:\n  - plugin: kubelet_resource\n    name: main\n"
      "sinks:\n  - plugin: remote_write\n    name: main\n    options: {url: x}\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
}

TEST(PipelineConfig, InstanceNamesAreRestricted) {
  EXPECT_THAT(errors_of("sources:\n  - plugin: kubelet_resource\n    name: \"my kubelet\"\n"),
              ElementsAre("sources[0].name: expected an instance name of letters, digits, '_', '-' and '.', got "
                          "\"my kubelet\""));
}

TEST(PipelineConfig, GlobalSectionIsTypeChecked) {
  EXPECT_THAT(errors_of("global:\n"
                        "  resolutoin: 15s\n"
                        "  scrape_timeout: fast\n"
                        "  max_concurrent_scrapes: 99999999999\n"
                        "  plugins: /a.so\n"
                        "  colour: red\n"),
              ElementsAre("global.resolutoin: unknown global setting \"resolutoin\"; did you mean \"resolution\"?",
                          "global.scrape_timeout: expected a duration (like 10s, 1m30s or 500ms), got \"fast\"",
                          "global.max_concurrent_scrapes: 99999999999 is out of range [-2147483648, 2147483647]",
                          "global.plugins: expected a list of strings, got \"/a.so\"",
                          "global.colour: unknown global setting \"colour\""));
  EXPECT_THAT(errors_of("global: [a]\n"), ElementsAre("global: expected a map of settings, got a list"));
}

TEST(PipelineConfig, GlobalSectionCrossFieldRules) {
  EXPECT_THAT(errors_of("global:\n  log_format: xml\n  resolution: 15s\n  scrape_timeout: 20s\n"),
              ElementsAre(HasSubstr("global.scrape_timeout: 20s exceeds global.resolution 15s"),
                          "global.log_format: must be \"text\" or \"json\", got \"xml\""));
}

TEST(PipelineConfig, GlobalRulesSkipOnlyWhatMentionsABrokenKey) {
  // resolution is broken, so comparing scrape_timeout with its default would mislead.
  EXPECT_THAT(errors_of("global:\n  resolution: soon\n  scrape_timeout: 90s\n  sink_queue_snapshots: 0\n"),
              ElementsAre("global.resolution: expected a duration (like 10s, 1m30s or 500ms), got \"soon\"",
                          "global.sink_queue_snapshots: must be at least 1, got 0"));
}

TEST(PipelineConfig, GlobalWarningsAreReturned) {
  std::vector<std::string> warnings;
  Result<PipelineConfig> config = parse(
      "global: {resolution: 1s, scrape_timeout: 500ms}\n"
      "sources: [{plugin: kubelet_resource}]\n"
      "sinks: [{plugin: remote_write, options: {url: x}}]\n",
      &warnings);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config->global.resolution, 1s);
  EXPECT_THAT(warnings, ElementsAre(HasSubstr("global.resolution: 1s is below metrics-server's minimum of 10s")));
}

TEST(PipelineConfig, CollectsEveryErrorInDocumentOrder) {
  Result<ConfigValue> document = load_yaml_file(test_data("bad_pipeline.yaml"));
  ASSERT_TRUE(document.is_ok()) << document.status().message();
  Result<PipelineConfig> config = parse_pipeline(*document, lookup());
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().message(),
            "global.resolutoin: unknown global setting \"resolutoin\"; did you mean \"resolution\"?\n"
            "global.log_format: must be \"text\" or \"json\", got \"xml\"\n"
            "sources[0].plugin: no source plugin named \"kubelet_resourse\"; did you mean \"kubelet_resource\"?\n"
            "sources[1].options.port: expected an int, got \"http\"\n"
            "sinks[0].options.ulr: unknown option \"ulr\" for plugin \"remote_write\"; did you mean \"url\"?\n"
            "sinks[0].options.url: required option of plugin \"remote_write\" is missing (a string)\n"
            "sinks[1].plugin: no sink plugin named \"kubelet_resource\"; \"kubelet_resource\" is a source plugin, "
            "list it under \"sources:\"");
}

TEST(PipelineConfig, NullLookupFindsNothing) {
  Result<PipelineConfig> config = parse_pipeline(yaml("sources: [{plugin: kubelet_resource}]\n"), PluginLookup());
  ASSERT_FALSE(config.is_ok());
  EXPECT_EQ(config.status().message(), "sources[0].plugin: no source plugin named \"kubelet_resource\"");
}

// ---- effective document ----

TEST(PipelineConfig, EffectiveDocumentFillsEveryDefault) {
  Result<PipelineConfig> config = parse(
      "global: {resolution: 30s}\n"
      "sources:\n"
      "  - plugin: kubelet_resource\n"
      "    options: {insecure: yes, nodes: [a]}\n"
      "processors:\n"
      "  - plugin: node_aggregator\n"
      "sinks:\n"
      "  - plugin: remote_write\n"
      "    name: out\n"
      "    options: {url: 'http://x'}\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(write_yaml(effective_document(*config, lookup())),
            "global:\n"
            "  resolution: 30s\n"
            "  scrape_timeout: 10s\n"
            "  max_concurrent_scrapes: 1000\n"
            "  jitter_per_target: 8ms\n"
            "  max_jitter: 4s\n"
            "  shutdown_timeout: 10s\n"
            "  sink_queue_snapshots: 2\n"
            "  log_format: text\n"
            "  log_verbosity: 0\n"
            "  plugin_dir: \"\"\n"
            "  plugins: []\n"
            "sources:\n"
            "  - plugin: kubelet_resource\n"
            "    name: kubelet_resource\n"
            "    options:\n"
            "      port: 10250\n"
            "      insecure: yes\n"
            "      timeout: 5s\n"
            "      nodes:\n"
            "        - a\n"
            "      labels: {}\n"
            "processors:\n"
            "  - plugin: node_aggregator\n"
            "    name: node_aggregator\n"
            "    options: {}\n"
            "sinks:\n"
            "  - plugin: remote_write\n"
            "    name: out\n"
            "    options:\n"
            "      url: \"http://x\"\n"
            "      flush: 1s\n"
            "      ratio: 0.5\n"
            "    timeout: 5s\n"
            "    queue:\n"
            "      max_snapshots: 0\n"
            "      max_bytes: 256Mi\n"
            "    retry_on_failure:\n"
            "      enabled: true\n"
            "      initial_interval: 5s\n"
            "      multiplier: 1.5\n"
            "      randomization_factor: 0.5\n"
            "      max_interval: 30s\n"
            "      max_elapsed_time: 5m0s\n");
}

TEST(PipelineConfig, EffectiveDocumentKeepsAnExplicitAnyOption) {
  Result<PipelineConfig> config = parse("sources:\n  - plugin: kubelet_resource\n    options: {extra: {k: [1]}}\n");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  ConfigValue document = effective_document(*config, lookup());
  const ConfigValue& options = *document.find("sources")->items()[0].find("options");
  ASSERT_NE(options.find("extra"), nullptr);
  EXPECT_EQ(options.find("extra")->find("k")->items()[0].text(), "1");
  EXPECT_EQ(options.entries().back().first, "extra");  // declaration order, not file order
}

TEST(PipelineConfig, PrintedConfigLoadsBackToTheSameConfig) {
  Result<ConfigValue> document = load_yaml_file(test_data("good_pipeline.yaml"));
  ASSERT_TRUE(document.is_ok()) << document.status().message();
  Result<PipelineConfig> config = parse_pipeline(*document, lookup());
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  ConfigValue effective = effective_document(*config, lookup());

  std::string printed = write_yaml(effective);
  Result<ConfigValue> reloaded = load_yaml_text(printed, "printed.yaml");
  ASSERT_TRUE(reloaded.is_ok()) << reloaded.status().message() << "\n" << printed;
  EXPECT_EQ(*reloaded, effective) << printed;
  Result<PipelineConfig> reparsed = parse_pipeline(*reloaded, lookup());
  ASSERT_TRUE(reparsed.is_ok()) << reparsed.status().message() << "\n" << printed;
  EXPECT_EQ(write_yaml(effective_document(*reparsed, lookup())), printed);
  EXPECT_EQ(reparsed->global.resolution, config->global.resolution);
  EXPECT_EQ(reparsed->sinks[1].name, "backup");
}

TEST(PipelineConfig, EffectiveDocumentOfDefaultsHasEveryTopLevelKey) {
  Result<PipelineConfig> config = parse_pipeline(ConfigValue::map(), lookup());
  ASSERT_TRUE(config.is_ok());
  ConfigValue document = effective_document(*config, lookup());
  std::vector<std::string> keys;
  for (const auto& [key, value] : document.entries()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("global", "sources", "processors", "sinks"));
  EXPECT_EQ(*document.find("sinks"), ConfigValue::list());
}

}  // namespace
}  // namespace mpf::core

// ---- sink delivery keys (timeout, queue, retry_on_failure) ----

namespace mpf::core {
namespace {

TEST(SinkDelivery, DefaultsFollowTheCollectorsExporterHelper) {
  Result<PipelineConfig> config = parse("sinks: [{plugin: remote_write, options: {url: http://x}}]");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  const SinkDeliverySettings& d = config->sinks[0].delivery;
  EXPECT_EQ(d.timeout, 5s);
  EXPECT_EQ(d.queue.max_snapshots, 0);
  EXPECT_EQ(d.queue_max_bytes, 256u << 20);
  EXPECT_TRUE(d.retry.enabled);
  EXPECT_EQ(d.retry.initial_interval, 5s);
  EXPECT_EQ(d.retry.multiplier, 1.5);
  EXPECT_EQ(d.retry.randomization_factor, 0.5);
  EXPECT_EQ(d.retry.max_interval, 30s);
  EXPECT_EQ(d.retry.max_elapsed_time, 300s);
}

TEST(SinkDelivery, ReadsEveryKey) {
  Result<PipelineConfig> config = parse(R"(
sinks:
  - plugin: remote_write
    options: {url: http://x}
    timeout: 750ms
    queue: {max_snapshots: 4, max_bytes: 3Mi}
    retry_on_failure: {enabled: false, initial_interval: 2s, multiplier: 2, randomization_factor: 0,
                       max_interval: 8s, max_elapsed_time: 0s}
)");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  const SinkDeliverySettings& d = config->sinks[0].delivery;
  EXPECT_EQ(d.timeout, 750ms);
  EXPECT_EQ(d.queue.max_snapshots, 4);
  EXPECT_EQ(d.queue_max_bytes, 3u << 20);
  EXPECT_FALSE(d.retry.enabled);
  EXPECT_EQ(d.retry.initial_interval, 2s);
  EXPECT_EQ(d.retry.multiplier, 2.0);
  EXPECT_EQ(d.retry.randomization_factor, 0.0);
  EXPECT_EQ(d.retry.max_interval, 8s);
  EXPECT_EQ(d.retry.max_elapsed_time, 0s);
}

TEST(SinkDelivery, EveryBadValueIsReportedWithItsPath) {
  EXPECT_THAT(errors_of(R"(
sinks:
  - plugin: remote_write
    options: {url: http://x}
    timeout: soon
    queue: {max_snapshots: -1, max_bytes: 12 parsecs}
    retry_on_failure: {multiplier: 0.5, randomization_factor: 1, initial_interval: 10s, max_interval: 1s, jitter: 1}
)"),
              ElementsAre(HasSubstr("sinks[0].timeout: expected a duration"),
                          HasSubstr("sinks[0].queue.max_bytes: expected a positive size like"),
                          HasSubstr("sinks[0].retry_on_failure.jitter: unknown option")));
  EXPECT_THAT(errors_of("sinks: [{plugin: remote_write, options: {url: x}, queue: {max_snapshots: 1001}}]"),
              ElementsAre("sinks[0].queue.max_snapshots: 1001 is out of range [0, 1000]"));
  EXPECT_THAT(errors_of("sinks: [{plugin: remote_write, options: {url: x}, retry_on_failure: {multiplier: 0.5, "
                        "randomization_factor: 1, initial_interval: 10s, max_interval: 1s}}]"),
              ElementsAre("sinks[0].retry_on_failure.max_interval: must be at least initial_interval",
                          "sinks[0].retry_on_failure.multiplier: must be at least 1",
                          "sinks[0].retry_on_failure.randomization_factor: must be in [0, 1)"));
  EXPECT_THAT(errors_of("sinks: [{plugin: remote_write, options: {url: x}, timeout: 0s}]"),
              ElementsAre("sinks[0].timeout: must be positive"));
}

TEST(SinkDelivery, OnlySinksHaveTheKeys) {
  EXPECT_THAT(errors_of("processors: [{plugin: node_aggregator, queue: {max_snapshots: 1}}]"),
              ElementsAre("processors[0].queue: only sinks have \"queue\"; a processor entry has plugin, name and "
                          "options"));
}

TEST(SinkDelivery, MisspelledKeyGetsAHint) {
  EXPECT_THAT(errors_of("sinks: [{plugin: remote_write, options: {url: x}, retry_on_failur: {}}]"),
              ElementsAre("sinks[0].retry_on_failur: unknown key \"retry_on_failur\"; did you mean "
                          "\"retry_on_failure\"?"));
}

TEST(SinkDelivery, ByteSizes) {
  EXPECT_EQ(parse_byte_size("1"), 1u);
  EXPECT_EQ(parse_byte_size("2Ki"), 2048u);
  EXPECT_EQ(parse_byte_size("5M"), 5000000u);
  EXPECT_EQ(parse_byte_size("1Gi"), 1u << 30);
  EXPECT_EQ(parse_byte_size("0"), std::nullopt);
  EXPECT_EQ(parse_byte_size("Mi"), std::nullopt);
  EXPECT_EQ(parse_byte_size("1 Mi"), std::nullopt);
  EXPECT_EQ(parse_byte_size("-1"), std::nullopt);
  EXPECT_EQ(parse_byte_size("18446744073709551615Ki"), std::nullopt);
}

TEST(SinkDelivery, EffectiveDocumentShowsTheDeliveryOfEverySink) {
  Result<PipelineConfig> config =
      parse("sinks: [{plugin: remote_write, options: {url: x}, retry_on_failure: {initial_interval: 2s}}]");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  ConfigValue document = effective_document(*config, lookup());
  const ConfigValue& sink = document.find("sinks")->items()[0];
  EXPECT_EQ(sink.find("timeout")->text(), "5s");
  EXPECT_EQ(sink.find("queue")->find("max_bytes")->text(), "256Mi");
  EXPECT_EQ(sink.find("retry_on_failure")->find("initial_interval")->text(), "2s");
  EXPECT_EQ(sink.find("retry_on_failure")->find("multiplier")->text(), "1.5");
}

}  // namespace
}  // namespace mpf::core
