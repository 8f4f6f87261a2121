#include "mpf/sdk/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mpf {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

struct TestConfig {
  std::string url;
  bool gzip = true;
  int retries = 3;
  double ratio = 0.5;
  std::chrono::milliseconds timeout{10000};
  std::vector<std::string> types{"InternalIP", "Hostname"};
  std::map<std::string, std::string> labels;
  ConfigValue extra;
};

const OptionSet<TestConfig>& test_options() {
  static const auto set = OptionSet<TestConfig>()
                              .add("url", &TestConfig::url, "Where to send.", kRequired)
                              .add("gzip", &TestConfig::gzip, "Compress.")
                              .add("retries", &TestConfig::retries, "Attempts.")
                              .add("ratio", &TestConfig::ratio, "A ratio.")
                              .add("timeout", &TestConfig::timeout, "Per request.")
                              .add("types", &TestConfig::types, "Address types.")
                              .add("labels", &TestConfig::labels, "Extra labels.")
                              .add("extra", &TestConfig::extra, "Anything.");
  return set;
}

ConfigValue map_of(std::initializer_list<std::pair<const char*, ConfigValue>> entries) {
  ConfigValue m = ConfigValue::map();
  for (const auto& [k, v] : entries) m.set(k, v);
  return m;
}
ConfigValue s(const char* text) { return ConfigValue::scalar(text); }

TEST(OptionSetTest, DefaultsComeFromTheStruct) {
  const auto& specs = test_options().specs();
  ASSERT_EQ(specs.size(), 8u);
  EXPECT_EQ(specs[1].default_value, s("true"));
  EXPECT_EQ(specs[2].default_value, s("3"));
  EXPECT_EQ(specs[3].default_value, s("0.5"));
  EXPECT_EQ(specs[4].default_value, s("10s"));
  EXPECT_EQ(specs[4].type, OptionType::kDuration);
  EXPECT_EQ(specs[5].default_value.items().size(), 2u);
  EXPECT_TRUE(specs[0].required);
  EXPECT_FALSE(specs[1].required);
}

TEST(OptionSetTest, BindsEveryType) {
  ConfigValue labels = map_of({{"cluster", s("prod")}});
  ConfigValue types = ConfigValue::list();
  types.push_back(s("ExternalIP"));
  auto cfg = test_options().bind(map_of({{"url", s("http://x")},
                                         {"gzip", s("off")},
                                         {"retries", s("+7")},
                                         {"ratio", s("1e-3")},
                                         {"timeout", s("1m30s")},
                                         {"types", types},
                                         {"labels", labels},
                                         {"extra", labels}}),
                                 "sinks[0].options", "p");
  ASSERT_TRUE(cfg.is_ok()) << cfg.status().message();
  EXPECT_EQ(cfg->url, "http://x");
  EXPECT_FALSE(cfg->gzip);
  EXPECT_EQ(cfg->retries, 7);
  EXPECT_DOUBLE_EQ(cfg->ratio, 0.001);
  EXPECT_EQ(cfg->timeout, std::chrono::seconds(90));
  EXPECT_EQ(cfg->types, std::vector<std::string>{"ExternalIP"});
  EXPECT_EQ(cfg->labels.at("cluster"), "prod");
  EXPECT_EQ(cfg->extra, labels);
}

TEST(OptionSetTest, UnsetOptionsKeepDefaults) {
  auto cfg = test_options().bind(map_of({{"url", s("u")}}), "p", "p");
  ASSERT_TRUE(cfg.is_ok());
  EXPECT_TRUE(cfg->gzip);
  EXPECT_EQ(cfg->timeout, std::chrono::seconds(10));
}

TEST(OptionSetTest, ReportsEveryProblemWithItsPath) {
  ConfigValue bad_list = ConfigValue::list();
  bad_list.push_back(map_of({}));
  auto cfg = test_options().bind(map_of({{"urll", s("x")},
                                         {"gzip", s("maybe")},
                                         {"retries", s("3.5")},
                                         {"timeout", s("10")},
                                         {"types", bad_list},
                                         {"labels", s("x")}}),
                                 "sinks[2].options", "remote_write");
  ASSERT_FALSE(cfg.is_ok());
  const std::string& m = cfg.status().message();
  EXPECT_THAT(m, HasSubstr("sinks[2].options.urll: unknown option \"urll\" for plugin \"remote_write\"; did you "
                           "mean \"url\"?"));
  EXPECT_THAT(m, HasSubstr("sinks[2].options.gzip: expected a bool (true or false), got \"maybe\""));
  EXPECT_THAT(m, HasSubstr("sinks[2].options.retries: expected an int, got \"3.5\""));
  EXPECT_THAT(m, HasSubstr("sinks[2].options.timeout: expected a duration"));
  EXPECT_THAT(m, HasSubstr("sinks[2].options.types[0]: expected a string, got a map"));
  EXPECT_THAT(m, HasSubstr("sinks[2].options.labels: expected a map of strings"));
  EXPECT_THAT(m, HasSubstr("sinks[2].options.url: required option of plugin \"remote_write\" is missing"));
}

TEST(OptionSetTest, FarOffKeysListTheKnownOptions) {
  std::vector<std::string> errors;
  check_options(test_options().specs(), map_of({{"completely_different", s("1")}}), "x", "p", errors);
  ASSERT_EQ(errors.size(), 2u);  // unknown key, missing url
  EXPECT_THAT(errors[0], AllOf(HasSubstr("known options: url gzip"), HasSubstr("extra")));
}

TEST(OptionSetTest, OptionsMustBeAMap) {
  auto cfg = test_options().bind(s("oops"), "sources[0].options", "p");
  EXPECT_THAT(cfg.status().message(), HasSubstr("sources[0].options: options of plugin \"p\" must be a map"));
}

TEST(ScalarParsingTest, BoolsIntsDoubles) {
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("No"), false);
  EXPECT_FALSE(parse_bool("1").has_value());
  EXPECT_EQ(parse_int("-42"), -42);
  EXPECT_FALSE(parse_int("42x").has_value());
  EXPECT_FALSE(parse_int("").has_value());
  EXPECT_FALSE(parse_int("99999999999999999999").has_value());
  EXPECT_EQ(parse_double("2.5"), 2.5);
  EXPECT_FALSE(parse_double("nan").has_value());
  EXPECT_FALSE(parse_double("1.0.0").has_value());
}

}  // namespace
}  // namespace mpf

namespace mpf {
namespace {

struct NarrowConfig {
  int port = 10250;
  std::uint16_t small = 1;
};

TEST(OptionSetTest, IntegersOutsideTheFieldsRangeAreRefusedNotTruncated) {
  static const auto set = OptionSet<NarrowConfig>()
                              .add("port", &NarrowConfig::port, "Port.")
                              .add("small", &NarrowConfig::small, "Small.");
  ConfigValue big = ConfigValue::map();
  big.set("port", ConfigValue::scalar("4294967297"));
  big.set("small", ConfigValue::scalar("-1"));
  auto cfg = set.bind(big, "sources[0].options", "p");
  ASSERT_FALSE(cfg.is_ok());
  std::string message = cfg.status().message();
  EXPECT_THAT(message, HasSubstr("sources[0].options.port: 4294967297 is out of range [-2147483648, 2147483647]"));
  EXPECT_THAT(message, HasSubstr("sources[0].options.small: -1 is out of range [0, 65535]"));
}

TEST(OptionSetTest, MessagesStayOneLinePerProblem) {
  std::vector<std::string> errors;
  OptionSpec spec;
  spec.name = "n";
  spec.type = OptionType::kInt;
  ConfigValue map = ConfigValue::map();
  map.set("n", ConfigValue::scalar("1\n2 \"x\""));
  check_options({spec}, map, "x", "p", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find('\n'), std::string::npos);
  EXPECT_THAT(errors[0], HasSubstr("got \"1\\n2 \\\"x\\\"\""));
}

}  // namespace
}  // namespace mpf

namespace mpf {
namespace {

struct SharedClientOptions {
  int port = 10250;
};
struct DerivedConfig : SharedClientOptions {
  std::string path = "/metrics/resource";
};

template <class Cfg>
OptionSet<Cfg> with_shared_options(OptionSet<Cfg> set) {
  return std::move(set).add("port", &SharedClientOptions::port, "Port.");
}

TEST(OptionSetTest, MembersOfABaseConfigAreDeclaredOnce) {
  static const auto set = with_shared_options(OptionSet<DerivedConfig>()).add("path", &DerivedConfig::path, "Path.");
  ConfigValue options = ConfigValue::map();
  options.set("port", ConfigValue::scalar("4194"));
  auto cfg = set.bind(options, "sources[0].options", "p");
  ASSERT_TRUE(cfg.is_ok()) << cfg.status().message();
  EXPECT_EQ(cfg->port, 4194);
  EXPECT_EQ(cfg->path, "/metrics/resource");
  EXPECT_EQ(set.specs()[0].default_value, ConfigValue::scalar("10250"));
}

}  // namespace
}  // namespace mpf
