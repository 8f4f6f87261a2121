#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jsonl_config.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_jsonl();

namespace mpf::sinks::jsonl {
namespace {

using ::testing::HasSubstr;

ConfigValue options(std::initializer_list<std::pair<const char*, std::string>> entries) {
  ConfigValue map = ConfigValue::map();
  for (const auto& [k, v] : entries) map.set(k, ConfigValue::scalar(v));
  return map;
}

Result<SinkPtr> create(const ConfigValue& value) {
  static mpf::test::TestContext ctx;
  return mpf_builtin_plugin_jsonl().create_sink(value, "sinks[0].options", ctx);
}

TEST(JsonlConfigTest, DescriptorIsASink) {
  const PluginDescriptor& d = mpf_builtin_plugin_jsonl();
  EXPECT_STREQ(d.name, "jsonl");
  EXPECT_EQ(d.kind, PluginKind::kSink);
  EXPECT_NE(d.create_sink, nullptr);
}

TEST(JsonlConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  mpf::test::expect_config_yaml_matches(mpf_builtin_plugin_jsonl(),
                                        std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sinks/jsonl/config.yaml");
}

TEST(JsonlConfigTest, CreatesAnExporterFromDefaultsAndFromOptions) {
  auto defaults = create(ConfigValue());
  ASSERT_TRUE(defaults.is_ok()) << defaults.status().to_string();
  EXPECT_NE((*defaults)->as_exporter(), nullptr);
  mpf::test::TempDir dir;
  auto to_file = create(options({{"output", dir.file("m.jsonl")}, {"shape", "snapshot"}, {"max_files", "1"},
                                 {"max_file_bytes", "0"}, {"fsync", "true"}, {"scrapes", "true"}}));
  ASSERT_TRUE(to_file.is_ok()) << to_file.status().to_string();
  // Nothing is created before the first write.
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.jsonl")));
}

void expect_refused(const ConfigValue& value, const std::string& message) {
  auto made = create(value);
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr(message));
}

TEST(JsonlConfigTest, RefusesTooFewFiles) {
  expect_refused(options({{"max_files", "0"}}), "max_files: must be between 1 and 1000, got 0");
}

TEST(JsonlConfigTest, RefusesUnknownShape) {
  expect_refused(options({{"shape", "lines"}}), "shape: must be \"sample\" or \"snapshot\", got \"lines\"");
}

TEST(JsonlConfigTest, RefusesBadBounds) {
  expect_refused(options({{"max_lines_per_batch", "0"}}), "max_lines_per_batch: must be at least 1, got 0");
  expect_refused(options({{"max_file_bytes", "-1"}}), "max_file_bytes: must be 0 (never rotate) or more, got -1");
}

TEST(JsonlConfigTest, RefusesMissingOutputDirectory) {
  mpf::test::TempDir dir;
  std::string output = dir.file("missing/m.jsonl");
  expect_refused(options({{"output", output}}),
                 "output: directory \"" + dir.file("missing") + "\" of \"" + output +
                     "\" is not usable: No such file or directory");
}

TEST(JsonlConfigTest, RefusesAFileAsTheOutputDirectory) {
  mpf::test::TempDir dir;
  ASSERT_TRUE(mpf::test::write_text(dir.file("plain"), "x"));
  expect_refused(options({{"output", dir.file("plain") + "/m.jsonl"}}),
                 "output: \"" + dir.file("plain") + "\" of \"" + dir.file("plain") + "/m.jsonl\" is not a directory");
}

TEST(JsonlConfigTest, RefusesADirectoryAsTheOutput) {
  mpf::test::TempDir dir;
  expect_refused(options({{"output", dir.path()}}), "output: \"" + dir.path() + "\" is a directory");
  expect_refused(options({{"output", ""}}), "output: must be \"stdout\" or a file path");
}

TEST(JsonlConfigTest, RefusesUnwritableOutputDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  mpf::test::TempDir dir;
  std::string locked = dir.file("locked");
  ASSERT_EQ(::mkdir(locked.c_str(), 0555), 0);
  expect_refused(options({{"output", locked + "/m.jsonl"}}), "output: directory \"" + locked + "\" is not writable");
  ::chmod(locked.c_str(), 0755);
}

TEST(JsonlConfigTest, RefusesUnknownOption) {
  expect_refused(options({{"max_file", "1"}}), "sinks[0].options.max_file: unknown option");
}

}  // namespace
}  // namespace mpf::sinks::jsonl
