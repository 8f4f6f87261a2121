#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "core/registry/plugin_registry.h"
#include "influxdb_config.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_influxdb();

namespace mpf::sinks::influxdb {
namespace {

using ::testing::HasSubstr;

ConfigValue options(std::initializer_list<std::pair<const char*, std::string>> entries) {
  ConfigValue map = ConfigValue::map();
  for (const auto& [k, v] : entries) map.set(k, ConfigValue::scalar(v));
  return map;
}

Status create(const ConfigValue& value) {
  test::TestContext ctx;
  return mpf_builtin_plugin_influxdb().create_sink(value, "sinks[0].options", ctx).status();
}

TEST(InfluxdbConfigTest, DescriptorIsASink) {
  const PluginDescriptor& d = mpf_builtin_plugin_influxdb();
  EXPECT_STREQ(d.name, "influxdb");
  EXPECT_EQ(d.kind, PluginKind::kSink);
  EXPECT_NE(d.create_sink, nullptr);
}

TEST(InfluxdbConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  test::expect_config_yaml_matches(mpf_builtin_plugin_influxdb(),
                                   std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sinks/influxdb/config.yaml");
}

// What tests/conformance checks for every module, here for this plugin's own .so so that a failure
// shows in this plugin's tests: it loads through the ABI handshake, every option is documented and its
// default passes its own type, defaults ask for the required url, unknown options are named.
TEST(InfluxdbConfigTest, SharedObjectKeepsThePluginContract) {
  core::PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(MPF_INFLUXDB_MODULE).is_ok());
  ASSERT_EQ(registry.plugins().size(), 1u);
  const PluginDescriptor& d = *registry.plugins()[0]->descriptor;
  EXPECT_STREQ(d.name, "influxdb");
  for (const OptionSpec& spec : *d.options) {
    EXPECT_FALSE(spec.description.empty()) << spec.name;
    if (!spec.required) {
      EXPECT_TRUE(check_option_value(spec, spec.default_value, spec.name).is_ok()) << spec.name;
    }
  }
  test::TestContext ctx;
  EXPECT_THAT(registry.create_sink("influxdb", ConfigValue::map(), "x.options", ctx).status().message(),
              HasSubstr("x.options.url: required option"));
}

TEST(InfluxdbConfigTest, CreatesAnExporterForEachVersion) {
  test::TestContext ctx;
  auto v1 = mpf_builtin_plugin_influxdb().create_sink(options({{"url", "http://127.0.0.1:8086"}, {"database", "k8s"}}),
                                                      "sinks[0].options", ctx);
  ASSERT_TRUE(v1.is_ok()) << v1.status().message();
  EXPECT_NE((*v1)->as_exporter(), nullptr);
  ConfigValue v2 = options({{"url", "https://influx.example:8086/proxy"}, {"version", "2"}, {"org", "o"},
                            {"bucket", "b"}, {"token", "t"}, {"gzip", "true"}, {"insecure_skip_verify", "true"}});
  ConfigValue tags = ConfigValue::map();
  tags.set("cluster", ConfigValue::scalar("prod"));
  v2.set("tags", tags);
  auto made = mpf_builtin_plugin_influxdb().create_sink(v2, "sinks[0].options", ctx);
  EXPECT_TRUE(made.is_ok()) << made.status().message();
}

struct Refusal {
  const char* why;
  std::initializer_list<std::pair<const char*, std::string>> entries;
  const char* message;
};

TEST(InfluxdbConfigTest, RefusesBadConfigs) {
  const std::string url = "http://127.0.0.1:8086";
  const Refusal refusals[] = {
      {"no url", {{"database", "d"}}, "sinks[0].options.url: required option"},
      {"unknown option", {{"url", url}, {"database", "d"}, {"db", "x"}}, "unknown option \"db\""},
      {"url scheme", {{"url", "influx:8086"}, {"database", "d"}}, "url: \"influx:8086\": must start with http://"},
      {"url query", {{"url", url + "/?db=x"}, {"database", "d"}}, "url: must not have a query"},
      {"version", {{"url", url}, {"version", "3"}}, "version: must be \"1\" or \"2\", got \"3\""},
      {"v1 database", {{"url", url}}, "database: required with version \"1\""},
      {"v1 token", {{"url", url}, {"database", "d"}, {"token", "t"}}, "token: not used with version \"1\""},
      {"v1 token_file", {{"url", url}, {"database", "d"}, {"token_file", "/t"}}, "token_file: not used with version \"1\""},
      {"v1 org", {{"url", url}, {"database", "d"}, {"org", "o"}}, "org: not used with version \"1\""},
      {"v1 bucket", {{"url", url}, {"database", "d"}, {"bucket", "b"}}, "bucket: not used with version \"1\""},
      {"password alone", {{"url", url}, {"database", "d"}, {"password", "p"}}, "username: required with password"},
      {"username alone", {{"url", url}, {"database", "d"}, {"username", "u"}}, "password: required with username"},
      {"two passwords",
       {{"url", url}, {"database", "d"}, {"username", "u"}, {"password", "p"}, {"password_file", "/p"}},
       "password, password_file: give one of them"},
      {"v2 org", {{"url", url}, {"version", "2"}, {"bucket", "b"}, {"token", "t"}}, "org: required with version \"2\""},
      {"v2 bucket", {{"url", url}, {"version", "2"}, {"org", "o"}, {"token", "t"}}, "bucket: required with version \"2\""},
      {"v2 token", {{"url", url}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}}, "token: required with version \"2\""},
      {"v2 two tokens",
       {{"url", url}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}, {"token", "t"}, {"token_file", "/t"}},
       "token, token_file: give one of them"},
      {"v2 database",
       {{"url", url}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}, {"token", "t"}, {"database", "d"}},
       "database: not used with version \"2\""},
      {"v2 retention",
       {{"url", url}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}, {"token", "t"}, {"retention_policy", "r"}},
       "retention_policy: not used with version \"2\""},
      {"v2 username",
       {{"url", url}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}, {"token", "t"}, {"username", "u"}},
       "username: not used with version \"2\""},
      {"max lines", {{"url", url}, {"database", "d"}, {"max_lines_per_request", "0"}},
       "max_lines_per_request: must be at least 1, got 0"},
      {"ca with http", {{"url", url}, {"database", "d"}, {"ca_file", "/ca.pem"}}, "ca_file: only with an https:// url"},
      {"insecure with http", {{"url", url}, {"database", "d"}, {"insecure_skip_verify", "true"}},
       "insecure_skip_verify: only with an https:// url"},
      {"cert without key", {{"url", "https://h"}, {"database", "d"}, {"client_certificate_file", "/c.pem"}},
       "client_certificate_file, client_key_file: give both or neither"},
      {"unreadable token file",
       {{"url", url}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}, {"token_file", "/nonexistent/token"}},
       "token_file: cannot read \"/nonexistent/token\""},
      {"unreadable password file",
       {{"url", url}, {"database", "d"}, {"username", "u"}, {"password_file", "/nonexistent/pw"}},
       "password_file: cannot read \"/nonexistent/pw\""},
  };
  for (const Refusal& r : refusals) {
    Status st = create(options(r.entries));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << r.why << ": " << st.message();
    EXPECT_THAT(st.message(), HasSubstr(r.message)) << r.why;
  }
}

TEST(InfluxdbConfigTest, RefusesBadExtraTags) {
  for (const auto& [key, value, message] :
       {std::tuple<std::string, std::string, std::string>{"node_name", "x", "tags.node_name: every line already has"},
        {"namespace", "x", "tags.namespace: every line already has"},
        {"cluster", "", "tags.cluster: empty value"}}) {
    ConfigValue value_map = options({{"url", "http://h"}, {"database", "d"}});
    ConfigValue tags = ConfigValue::map();
    tags.set(key, ConfigValue::scalar(value));
    value_map.set("tags", tags);
    Status st = create(value_map);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << key;
    EXPECT_THAT(st.message(), HasSubstr(message));
  }
}

TEST(InfluxdbConfigTest, RefusesAnEmptyTokenFile) {
  test::TempDir dir;
  const std::string path = dir.path() + "/token";
  std::ofstream(path) << "\n";
  Status st = create(options({{"url", "http://h"}, {"version", "2"}, {"org", "o"}, {"bucket", "b"}, {"token_file", path}}));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("token_file: \"" + path + "\" is empty"));
}

}  // namespace
}  // namespace mpf::sinks::influxdb
