#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <climits>

#include "host_source.h"
#include "host_test_util.h"
#include "mpf/sdk/plugin.h"
#include "tests/test_common/plugin_config_checks.h"
#include "tests/test_common/temp_dir.h"
#include "tests/test_common/test_context.h"

const mpf::PluginDescriptor& mpf_builtin_plugin_host();

namespace mpf::sources::host {
namespace {

using ::testing::HasSubstr;

ConfigValue tree_config(const std::string& tree) {
  const HostReaderOptions o = test::tree_options(tree);
  ConfigValue options = ConfigValue::map();
  options.set("node_name", ConfigValue::scalar("node-1"));
  options.set("cgroup_root", ConfigValue::scalar(o.cgroup_root));
  options.set("proc_root", ConfigValue::scalar(o.proc_root));
  options.set("pod_log_dir", ConfigValue::scalar(o.pod_log_dir));
  options.set("container_log_dir", ConfigValue::scalar(o.container_log_dir));
  options.set("docker_root", ConfigValue::scalar(o.docker_root));
  return options;
}

TEST(HostConfigTest, ConfigYamlListsEveryOptionWithItsDefault) {
  mpf::test::expect_config_yaml_matches(mpf_builtin_plugin_host(),
                                        std::string(MPF_TEST_SOURCE_DIR) + "/plugins/sources/host/config.yaml");
}

TEST(HostConfigTest, DefaultNodeNameIsTheLowercasedHostName) {
  mpf::test::TestContext ctx;
  auto made = mpf_builtin_plugin_host().create_source(ConfigValue(), "sources[0].options", ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  std::vector<Target> targets;
  ASSERT_TRUE((*made)->list_targets(targets).is_ok());
  char name[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(::gethostname(name, sizeof name - 1), 0);
  std::string expected(name);
  for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].name, expected);
  EXPECT_EQ(targets[0].address, "/sys/fs/cgroup");
  EXPECT_TRUE((*made)->blocking());
}

TEST(HostConfigTest, RefusesBadOptions) {
  mpf::test::TestContext ctx;
  ConfigValue options = ConfigValue::map();
  options.set("max_containers", ConfigValue::scalar("-1"));
  options.set("cgroup_rot", ConfigValue::scalar("/x"));
  auto refused = mpf_builtin_plugin_host().create_source(options, "sources[0].options", ctx);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("sources[0].options.max_containers"));
  EXPECT_THAT(refused.status().message(), HasSubstr("did you mean \"cgroup_root\""));
}

TEST(HostConfigTest, ScrapesATreeLogsItsLayoutAndCountsDrops) {
  mpf::test::TestContext ctx;
  ConfigValue options = tree_config(test::fixture_tree("v2-systemd-kubepods"));
  options.set("max_containers", ConfigValue::scalar("3"));
  auto made = mpf_builtin_plugin_host().create_source(options, "sources[0].options", ctx);
  ASSERT_TRUE(made.is_ok()) << made.status().message();
  Source& source = **made;
  ASSERT_TRUE(source.start().is_ok());
  auto logged = ctx.test_logger().events_with_message("host source: detected cgroup layout");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].field("mode"), "v2");

  std::vector<Target> targets;
  ASSERT_TRUE(source.list_targets(targets).is_ok());
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].name, "node-1");
  NodeBatch batch;
  batch.node_name = targets[0].name;
  bool called = false;
  source.scrape(targets[0], test::no_deadline(), batch, [&](ScrapeOutcome outcome) {
    called = true;
    EXPECT_TRUE(outcome.status.is_ok()) << outcome.status.message();
  });
  EXPECT_TRUE(called);  // synchronous: done before scrape() returns
  EXPECT_EQ(batch.node_name, "node-1");
  EXPECT_TRUE(batch.has_node_sample);
  EXPECT_EQ(batch.containers.size(), 3u);
  EXPECT_EQ(ctx.registry().value(kDroppedTotal, {{"reason", "limit"}}), 6.0);  // 9 containers found
  EXPECT_EQ(ctx.registry().value(kDroppedTotal, {{"reason", "duplicate"}}), 0.0);
}

TEST(HostConfigTest, AnUnreadableNodeFailsTheScrapeAndLogsOnce) {
  mpf::test::TempDir dir;
  mpf::test::TestContext ctx;
  ConfigValue options = ConfigValue::map();
  options.set("node_name", ConfigValue::scalar("node-1"));
  options.set("cgroup_root", ConfigValue::scalar(dir.path()));
  options.set("proc_root", ConfigValue::scalar(dir.path()));
  auto made = mpf_builtin_plugin_host().create_source(options, "sources[0].options", ctx);
  ASSERT_TRUE(made.is_ok());
  Target target{"node-1", dir.path(), {}};
  for (int i = 0; i < 2; ++i) {
    NodeBatch batch;
    ScrapeOutcome got;
    (*made)->scrape(target, test::no_deadline(), batch, [&](ScrapeOutcome outcome) { got = std::move(outcome); });
    EXPECT_EQ(got.reason, FailureReason::kInternal);
    EXPECT_THAT(got.status.message(), HasSubstr(dir.path() + "/stat"));
  }
  EXPECT_EQ(ctx.test_logger().count("host source: scrape failed"), 1u);
}

}  // namespace
}  // namespace mpf::sources::host
