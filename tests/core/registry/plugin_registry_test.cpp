#include "core/registry/plugin_registry.h"

#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/mocks/test_logger.h"

namespace mpf::core {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::string plugin_path(const std::string& name) {
  return std::string(MPF_TEST_PLUGIN_DIR) + "/" + name + "/" + "lib" + name + ".so";
}

class NullMetrics : public SelfMetrics {
 public:
  std::shared_ptr<Counter> counter(std::string_view, std::string_view, MetricLabels) noexcept override { return nullptr; }
  std::shared_ptr<Gauge> gauge(std::string_view, std::string_view, MetricLabels) noexcept override { return nullptr; }
  std::shared_ptr<Histogram> histogram(std::string_view, std::string_view, std::vector<double>,
                                       MetricLabels) noexcept override {
    return nullptr;
  }
  void remove(std::string_view, const MetricLabels&) noexcept override {}
};

class TestContext : public PluginContext {
 public:
  std::string_view instance_name() const noexcept override { return "test"; }
  Logger& logger() noexcept override { return logger_; }
  SelfMetrics& self_metrics() noexcept override { return metrics_; }
  const PipelineSettings& pipeline_settings() const noexcept override { return settings_; }
  // The test plugins make no HTTP requests; a client would be a sign of a mix-up.
  Result<std::shared_ptr<HttpClient>> make_http_client(const HttpClientOptions&) noexcept override {
    return Status::invalid_argument("no HTTP in plugin registry tests");
  }

 private:
  mpf::test::TestLogger logger_;
  NullMetrics metrics_;
  PipelineSettings settings_;
};

ConfigValue options_map(std::initializer_list<std::pair<const char*, const char*>> entries) {
  ConfigValue map = ConfigValue::map();
  for (const auto& [k, v] : entries) map.set(k, ConfigValue::scalar(v));
  return map;
}

bool is_loaded(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);  // balance the reference RTLD_NOLOAD took
  return true;
}

TEST(PluginRegistryTest, LoadsAPluginAndListsItWithItsOrigin) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("test_sink_good")).is_ok());
  const RegisteredPlugin* p = registry.find(PluginKind::kSink, "test_sink");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->origin, plugin_path("test_sink_good"));
  EXPECT_STREQ(p->descriptor->version, "9.9.9");
  EXPECT_EQ(registry.find(PluginKind::kSource, "test_sink"), nullptr);
  EXPECT_THAT(format_plugin_list(registry),
              AllOf(HasSubstr("KIND"), HasSubstr("sink"), HasSubstr("test_sink"), HasSubstr("9.9.9"),
                    HasSubstr(plugin_path("test_sink_good"))));
}

TEST(PluginRegistryTest, RefusesAnotherAbiVersionNamingBothVersions) {
  PluginRegistry registry;
  Status st = registry.load_file(plugin_path("test_sink_abi99"));
  ASSERT_FALSE(st.is_ok());
  EXPECT_THAT(st.message(), AllOf(HasSubstr("test_sink"), HasSubstr("SDK ABI version 99"),
                                  HasSubstr("SDK ABI version " + std::to_string(MPF_SDK_ABI_VERSION)),
                                  HasSubstr("rebuild the plugin")));
  EXPECT_EQ(registry.find(PluginKind::kSink, "test_sink"), nullptr);
}

TEST(PluginRegistryTest, RefusesAnotherToolchainNamingBothTags) {
  PluginRegistry registry;
  Status st = registry.load_file(plugin_path("test_sink_othertoolchain"));
  ASSERT_FALSE(st.is_ok());
  EXPECT_THAT(st.message(), AllOf(HasSubstr("othercc-1/otherlib/c++20"), HasSubstr(MPF_SDK_TOOLCHAIN_TAG)));
}

TEST(PluginRegistryTest, RefusesAFileThatIsNotAPlugin) {
  PluginRegistry registry;
  std::string not_a_plugin = std::string(MPF_TEST_PLUGIN_DIR) + "/not_a_plugin.so";
  std::filesystem::create_directories(MPF_TEST_PLUGIN_DIR);
  { std::FILE* f = std::fopen(not_a_plugin.c_str(), "w"); std::fputs("garbage", f); std::fclose(f); }
  Status st = registry.load_file(not_a_plugin);
  EXPECT_THAT(st.message(), AllOf(HasSubstr(not_a_plugin), HasSubstr("cannot load")));
  EXPECT_THAT(registry.load_file("/nonexistent/x.so").message(), HasSubstr("cannot load"));
}

TEST(PluginRegistryTest, RefusesADuplicateNameNamingBothOrigins) {
  auto dir = std::filesystem::temp_directory_path() / ("mpf_dup_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto copy = dir / "libcopy.so";
  std::filesystem::copy_file(plugin_path("test_sink_good"), copy, std::filesystem::copy_options::overwrite_existing);
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("test_sink_good")).is_ok());
  Status st = registry.load_file(copy.string());
  EXPECT_THAT(st.message(), AllOf(HasSubstr("already registered"), HasSubstr(copy.string()),
                                  HasSubstr(plugin_path("test_sink_good"))));
  std::filesystem::remove_all(dir);
}

TEST(PluginRegistryTest, LoadDirectoryKeepsGoodPluginsAndReportsEveryRefusal) {
  auto dir = std::filesystem::temp_directory_path() / ("mpf_dir_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(plugin_path("test_sink_abi99"), dir / "a_abi99.so",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(plugin_path("test_sink_good"), dir / "b_good.so",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(plugin_path("test_sink_othertoolchain"), dir / "c_other.so",
                             std::filesystem::copy_options::overwrite_existing);
  PluginRegistry registry;
  Status st = registry.load_directory(dir.string());
  EXPECT_THAT(st.message(), AllOf(HasSubstr("a_abi99.so"), HasSubstr("c_other.so")));
  EXPECT_NE(registry.find(PluginKind::kSink, "test_sink"), nullptr);
  EXPECT_THAT(registry.load_directory("/nonexistent-dir").message(), HasSubstr("/nonexistent-dir"));
  std::filesystem::remove_all(dir);
}

TEST(PluginRegistryTest, CreatesInstancesWithValidatedOptions) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("test_sink_good")).is_ok());
  TestContext ctx;
  auto ok = registry.create_sink("test_sink", options_map({{"threshold", "3"}}), "sinks[0].options", ctx);
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();

  auto unknown = registry.create_sink("test_sink", options_map({{"treshold", "3"}}), "sinks[0].options", ctx);
  EXPECT_THAT(unknown.status().message(),
              AllOf(HasSubstr("sinks[0].options.treshold"), HasSubstr("test_sink"), HasSubstr("did you mean \"threshold\"")));

  auto wrong_type = registry.create_sink("test_sink", options_map({{"threshold", "many"}}), "sinks[0].options", ctx);
  EXPECT_THAT(wrong_type.status().message(), AllOf(HasSubstr("sinks[0].options.threshold"), HasSubstr("an int")));

  auto refused = registry.create_sink("test_sink", options_map({{"threshold", "-1"}}), "sinks[0].options", ctx);
  EXPECT_THAT(refused.status().message(), HasSubstr("must not be negative"));

  auto missing = registry.create_sink("no_such", ConfigValue(), "sinks[1].options", ctx);
  EXPECT_THAT(missing.status().message(), HasSubstr("no sink plugin named \"no_such\""));
}

TEST(PluginRegistryTest, AnExceptionInAFactoryBecomesAStatus) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("test_sink_good")).is_ok());
  TestContext ctx;
  auto thrown = registry.create_sink("test_sink", options_map({{"label", "throw"}}), "sinks[0].options", ctx);
  ASSERT_FALSE(thrown.is_ok());
  EXPECT_THAT(thrown.status().message(), HasSubstr("asked to throw"));
}

TEST(PluginRegistryTest, LibraryStaysLoadedWhileAnInstanceLives) {
  const std::string path = plugin_path("test_sink_good");
  ASSERT_FALSE(is_loaded(path)) << "an earlier test leaked the library";
  TestContext ctx;
  std::shared_ptr<Sink> sink;
  {
    PluginRegistry registry;
    ASSERT_TRUE(registry.load_file(path).is_ok());
    auto made = registry.create_sink("test_sink", ConfigValue(), "sinks[0].options", ctx);
    ASSERT_TRUE(made.is_ok());
    sink = *made;
  }
  // The registry is gone; the instance still needs the code.
  EXPECT_TRUE(is_loaded(path));
  EXPECT_TRUE(sink->consume(std::make_shared<Snapshot>(), std::chrono::steady_clock::now()).is_ok());
  sink.reset();
  EXPECT_FALSE(is_loaded(path));
}

}  // namespace
}  // namespace mpf::core
