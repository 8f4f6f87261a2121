// When the flag mode falls back to standalone mode, and the built-in config it then runs.
#include "core/app/standalone_default.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/config/yaml_loader.h"

namespace mpf::core {
namespace {

using Env = std::map<std::string, std::string>;

std::function<std::optional<std::string>(std::string_view)> env_of(Env env) {
  return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

CommandLine parsed(std::vector<const char*> args) {
  args.insert(args.begin(), "metrics-server");
  auto cl = parse_command_line(static_cast<int>(args.size()), args.data());
  EXPECT_TRUE(static_cast<bool>(cl)) << cl.status().message();
  return *cl;
}

TEST(StandaloneDefault, ChosenWithoutConfigKubeconfigOrClusterEnvironment) {
  EXPECT_TRUE(wants_standalone(parsed({}), env_of({})));
  EXPECT_TRUE(wants_standalone(parsed({"--metric-resolution=5s", "--secure-port=4443"}), env_of({})));
  // Empty variables are unset ones, as client-go's InClusterConfig reads them.
  EXPECT_TRUE(wants_standalone(parsed({}), env_of({{"KUBERNETES_SERVICE_HOST", ""}, {"KUBERNETES_SERVICE_PORT", ""}})));
}

TEST(StandaloneDefault, NotChosenWhenAClusterIsNamedOrPresent) {
  EXPECT_FALSE(wants_standalone(parsed({"--kubeconfig=/tmp/kc"}), env_of({})));
  EXPECT_FALSE(wants_standalone(parsed({"--config=/tmp/c.yaml"}), env_of({})));
  EXPECT_FALSE(wants_standalone(parsed({}), env_of({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                                    {"KUBERNETES_SERVICE_PORT", "443"}})));
  // Half an in-cluster environment still goes to the cluster path, whose error names the missing half.
  EXPECT_FALSE(wants_standalone(parsed({}), env_of({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}})));
}

TEST(StandaloneDefault, TheBuiltInConfigIsDeployConfigStandaloneYaml) {
  std::ifstream in(std::string(MPF_TEST_SOURCE_DIR) + "/deploy/config/standalone.yaml", std::ios::binary);
  ASSERT_TRUE(in);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(embedded_standalone_config(), text.str());
}

TEST(StandaloneDefault, TheBuiltInConfigRunsTheHostSourceIntoAStandaloneMetricsApi) {
  auto document = load_yaml_text(embedded_standalone_config(), "standalone.yaml",
                                 [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
  ASSERT_TRUE(static_cast<bool>(document)) << document.status().message();
  const ConfigValue* sources = document->find("sources");
  ASSERT_NE(sources, nullptr);
  ASSERT_EQ(sources->items().size(), 1u);
  EXPECT_EQ(sources->items()[0].find("plugin")->text(), "host");
  const ConfigValue* sinks = document->find("sinks");
  ASSERT_NE(sinks, nullptr);
  ASSERT_EQ(sinks->items().size(), 1u);
  const ConfigValue& sink = sinks->items()[0];
  EXPECT_EQ(sink.find("plugin")->text(), "metrics_api");
  const ConfigValue* options = sink.find("options");
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(options->find("standalone")->text(), "true");
  EXPECT_EQ(options->find("bind_address")->text(), "127.0.0.1");
  EXPECT_EQ(options->find("secure_port")->text(), "4443");
}

}  // namespace
}  // namespace mpf::core
