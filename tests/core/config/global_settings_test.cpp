#include "core/config/global_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/yaml_loader.h"

namespace mpf::core {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Status validate(const GlobalSettings& settings, std::vector<std::string>& warnings) {
  return validate_global_settings(settings, warnings);
}

TEST(GlobalSettings, DefaultsMatchMetricsServer) {
  GlobalSettings s;
  EXPECT_EQ(s.resolution, 60s);
  EXPECT_EQ(s.scrape_timeout, 10s);
  EXPECT_EQ(s.max_concurrent_scrapes, 1000);
  EXPECT_EQ(s.jitter_per_target, 8ms);
  EXPECT_EQ(s.max_jitter, 4s);
  EXPECT_EQ(s.shutdown_timeout, 10s);
  EXPECT_EQ(s.sink_queue_snapshots, 2);
  EXPECT_EQ(s.log_format, "text");
  EXPECT_EQ(s.log_verbosity, 0);
  EXPECT_EQ(s.plugin_dir, "");
  EXPECT_THAT(s.plugins, IsEmpty());
}

TEST(GlobalSettings, OptionsDeclareEveryFieldInOrderWithItsDefault) {
  std::vector<std::string> names;
  std::vector<std::string> defaults;
  for (const OptionSpec& spec : global_settings_options().specs()) {
    names.push_back(spec.name);
    defaults.push_back(spec.default_value.is_scalar() ? spec.default_value.text() : "<list>");
    EXPECT_FALSE(spec.required) << spec.name;
    EXPECT_FALSE(spec.description.empty()) << spec.name;
  }
  EXPECT_THAT(names, ElementsAre("resolution", "scrape_timeout", "max_concurrent_scrapes", "jitter_per_target",
                                 "max_jitter", "shutdown_timeout", "sink_queue_snapshots", "log_format",
                                 "log_verbosity", "plugin_dir", "plugins"));
  EXPECT_THAT(defaults, ElementsAre("1m0s", "10s", "1000", "8ms", "4s", "10s", "2", "text", "0", "", "<list>"));
}

TEST(GlobalSettings, TypesAreDeclared) {
  const auto& specs = global_settings_options().specs();
  EXPECT_EQ(specs[0].type, OptionType::kDuration);
  EXPECT_EQ(specs[2].type, OptionType::kInt);
  EXPECT_EQ(specs[7].type, OptionType::kString);
  EXPECT_EQ(specs[10].type, OptionType::kStringList);
}

TEST(GlobalSettings, ValueOfDefaultsEqualsDeclaredDefaults) {
  ConfigValue value = global_settings_value(GlobalSettings{});
  const auto& specs = global_settings_options().specs();
  ASSERT_EQ(value.entries().size(), specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(value.entries()[i].first, specs[i].name);
    EXPECT_EQ(value.entries()[i].second, specs[i].default_value) << specs[i].name;
  }
}

TEST(GlobalSettings, ValueReflectsTheSettings) {
  GlobalSettings s;
  s.resolution = 15s;
  s.plugins = {"/opt/a.so"};
  ConfigValue value = global_settings_value(s);
  EXPECT_EQ(value.find("resolution")->text(), "15s");
  ASSERT_EQ(value.find("plugins")->items().size(), 1u);
  EXPECT_EQ(value.find("plugins")->items()[0].text(), "/opt/a.so");
}

TEST(GlobalSettings, BindsFromYaml) {
  Result<ConfigValue> yaml = load_yaml_text(
      "resolution: 15s\nscrape_timeout: 5s\nmax_concurrent_scrapes: 50\nlog_format: json\nplugins: [/a.so, /b.so]\n",
      "global.yaml");
  ASSERT_TRUE(yaml.is_ok()) << yaml.status().message();
  Result<GlobalSettings> s = global_settings_options().bind(*yaml, "global", "global");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->resolution, 15s);
  EXPECT_EQ(s->scrape_timeout, 5s);
  EXPECT_EQ(s->max_concurrent_scrapes, 50);
  EXPECT_EQ(s->log_format, "json");
  EXPECT_THAT(s->plugins, ElementsAre("/a.so", "/b.so"));
  EXPECT_EQ(s->max_jitter, 4s);  // untouched default
}

TEST(GlobalSettings, DefaultsAreValidWithoutWarnings) {
  std::vector<std::string> warnings;
  EXPECT_TRUE(validate(GlobalSettings{}, warnings).is_ok());
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(GlobalSettings, ResolutionAndTimeoutMustBePositive) {
  GlobalSettings s;
  s.resolution = 0s;
  s.scrape_timeout = -1s;
  std::vector<std::string> warnings;
  Status st = validate(s, warnings);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "global.resolution: must be greater than 0, got 0s\n"
            "global.scrape_timeout: must be greater than 0, got -1s");
}

TEST(GlobalSettings, ResolutionBelowTenSecondsIsAllowedWithAWarning) {
  GlobalSettings s;
  s.resolution = 2s;
  s.scrape_timeout = 1s;
  std::vector<std::string> warnings;
  EXPECT_TRUE(validate(s, warnings).is_ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("global.resolution: 2s is below metrics-server's minimum of 10s"));
}

TEST(GlobalSettings, ScrapeTimeoutAboveResolutionIsAnError) {
  GlobalSettings s;
  s.resolution = 15s;
  s.scrape_timeout = 20s;
  std::vector<std::string> warnings;
  Status st = validate(s, warnings);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.message(),
            "global.scrape_timeout: 20s exceeds global.resolution 15s; a scrape must end before the next one starts");
}

TEST(GlobalSettings, ScrapeTimeoutAboveNinetyPercentWarns) {
  GlobalSettings s;
  s.resolution = 10s;
  s.scrape_timeout = 10s;
  std::vector<std::string> warnings;
  EXPECT_TRUE(validate(s, warnings).is_ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("global.scrape_timeout: 10s is more than 90% of global.resolution 10s"));

  warnings.clear();
  s.scrape_timeout = 9s;
  EXPECT_TRUE(validate(s, warnings).is_ok());
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(GlobalSettings, LogFormatMustBeTextOrJson) {
  GlobalSettings s;
  s.log_format = "xml";
  std::vector<std::string> warnings;
  EXPECT_EQ(validate(s, warnings).message(), "global.log_format: must be \"text\" or \"json\", got \"xml\"");
  s.log_format = "json";
  EXPECT_TRUE(validate(s, warnings).is_ok());
}

TEST(GlobalSettings, CountsAndDurationsHaveLowerBounds) {
  GlobalSettings s;
  s.max_concurrent_scrapes = 0;
  s.sink_queue_snapshots = 0;
  s.max_jitter = -1ms;
  s.jitter_per_target = -1ms;
  s.shutdown_timeout = -1s;
  s.log_verbosity = -2;
  std::vector<std::string> warnings;
  EXPECT_EQ(validate(s, warnings).message(),
            "global.max_concurrent_scrapes: must be at least 1, got 0\n"
            "global.jitter_per_target: must not be negative, got -1ms\n"
            "global.max_jitter: must not be negative, got -1ms\n"
            "global.shutdown_timeout: must not be negative, got -1s\n"
            "global.sink_queue_snapshots: must be at least 1, got 0\n"
            "global.log_verbosity: must not be negative, got -2");
}

TEST(GlobalSettings, ZeroJitterAndShutdownAreAllowed) {
  GlobalSettings s;
  s.max_jitter = 0s;
  s.jitter_per_target = 0s;
  s.shutdown_timeout = 0s;
  std::vector<std::string> warnings;
  EXPECT_TRUE(validate(s, warnings).is_ok());
}

}  // namespace
}  // namespace mpf::core
