// The reader against the fixture trees. Every expected value is worked out here from the numbers in
// tests/fixtures/cgroup/make_fixtures.py (usage_usec x 1000; usage - inactive file), not copied from
// the reader's output.
#include "host_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "host_test_util.h"
#include "tests/test_common/temp_dir.h"

namespace mpf::sources::host {
namespace {

using test::repeat;
using test::Row;

constexpr std::int64_t kNow = 1'800'000'000'000'000'000;

struct Read {
  NodeBatch batch;
  HostReadCounts counts;
  ScrapeOutcome outcome;
};

Read read_tree(const HostReaderOptions& options) {
  Read r;
  r.outcome = HostReader(options).read(r.batch, kNow, test::no_deadline(), r.counts);
  return r;
}

const std::string kPod1Uid = "8d3b6a2e-5f1c-4c1e-9b7a-2f0d4e6c8a11";
const std::string kPod2Uid = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b";

TEST(HostReaderTest, V2SystemdKubepods) {
  Read r = read_tree(test::tree_options(test::fixture_tree("v2-systemd-kubepods")));
  ASSERT_TRUE(r.outcome.status.is_ok()) << r.outcome.status.message();
  EXPECT_EQ(r.counts.mode, CgroupMode::kV2);
  // Node: root cpu.stat usage_usec 9e9; root memory.stat anon 2 GiB + file 1 GiB - inactive_file 512 MiB.
  ASSERT_TRUE(r.batch.has_node_sample);
  EXPECT_EQ(r.batch.node_sample.cpu_usage_core_ns, 9'000'000'000ull * 1000);
  EXPECT_EQ(r.batch.node_sample.memory_working_set_bytes, 2'147'483'648ull + 1'073'741'824 - 536'870'912);
  EXPECT_EQ(r.batch.node_sample.start_time_ns, 1'700'000'000ll * 1'000'000'000);
  EXPECT_EQ(r.batch.node_sample.timestamp_ns, kNow);
  EXPECT_EQ(r.batch.node_sample.present, kHasCpu | kHasMemory | kHasStartTime);

  // memory.current = anon + file; working set = memory.current - inactive_file.
  EXPECT_THAT(test::container_rows(r.batch),
              ::testing::ElementsAreArray(std::set<Row>{
                  {"system", "init", "init", 1'500'000'000, 10'485'760 + 2'097'152 - 1'048'576},
                  {"system", "containerd", "containerd", 250'000'000'000, 83'886'080 + 20'971'520 - 20'971'520},
                  {"system", "ssh", "ssh", 3'000'000'000, 4'194'304 + 2'097'152},
                  {"docker", "registry", "registry", 4'200'000'000, 41'943'040 + 10'485'760 - 10'485'760},
                  {"user-1000", "session-2", "session-2", 800'000'000, 6'291'456 + 2'097'152 - 4'194'304},
                  {"user-1000", "user-1000", "user-1000", 100'000'000, 3'145'728 + 1'048'576 - 1'048'576},
                  // The logged pod: its container by its log name; the sandbox (b2...) is not logged.
                  {"default", "web-7d4b9c", "nginx", 500'000'000'000, 62'914'560 + 16'777'216 - 6'291'456},
                  // The pod without logs: namespace kubepods, pod = UID, containers = short ids.
                  {"kubepods", kPod2Uid, "c3c3c3c3c3c3", 79'000'000'000, 29'360'128 + 4'194'304 - 3'145'728},
                  {"kubepods", kPod2Uid, "d4d4d4d4d4d4", 30'000'000, 196'608},
              }));
  EXPECT_THAT(test::pod_rows(r.batch),
              ::testing::ElementsAreArray(std::set<Row>{
                  {"default", "web-7d4b9c", "", 520'000'000'000, 73'400'320 + 16'777'216 - 8'388'608},
                  {"kubepods", kPod2Uid, "", 80'000'000'000, 31'457'280 + 4'194'304 - 2'097'152},
              }));
  for (const ContainerSample& c : r.batch.containers) {
    EXPECT_EQ(c.sample.timestamp_ns, kNow);
    EXPECT_TRUE(c.sample.has(kHasStartTime));
  }
  EXPECT_EQ(r.counts.dropped_limit + r.counts.dropped_duplicate + r.counts.incomplete + r.counts.unpopulated, 0u);
}

TEST(HostReaderTest, V1CgroupfsKubepods) {
  Read r = read_tree(test::tree_options(test::fixture_tree("v1-cgroupfs-kubepods")));
  ASSERT_TRUE(r.outcome.status.is_ok()) << r.outcome.status.message();
  EXPECT_EQ(r.counts.mode, CgroupMode::kV1);
  // Node: root cpuacct.usage; memory.usage_in_bytes 4 GiB - total_inactive_file 1 GiB.
  EXPECT_EQ(r.batch.node_sample.cpu_usage_core_ns, 123'456'789'000'000u);
  EXPECT_EQ(r.batch.node_sample.memory_working_set_bytes, 4'294'967'296ull - 1'073'741'824);
  EXPECT_EQ(r.batch.node_sample.start_time_ns, 1'600'000'000ll * 1'000'000'000);

  const std::string guaranteed = "77aa88bb-99cc-4dde-8eff-001122334455";
  EXPECT_THAT(test::container_rows(r.batch),
              ::testing::ElementsAreArray(std::set<Row>{
                  {"kube-system", "coredns-5d78c9869d-x7k2p", "coredns", 690'000'000'000, 199'229'440 - 41'943'040},
                  {"kubepods", guaranteed, "b8b8b8b8b8b8", 99'000'000'000, 100'663'296 - 8'388'608},
                  // config.v2.json's "/Redis_Cache", sanitized.
                  {"docker", "redis-cache", "redis-cache", 42'000'000'000, 268'435'456 - 67'108'864},
                  {"host", "mpf-busy", "mpf-busy", 1'234'567'890, 3'145'728 - 1'048'576},
              }));
  EXPECT_THAT(test::pod_rows(r.batch),
              ::testing::ElementsAreArray(std::set<Row>{
                  {"kube-system", "coredns-5d78c9869d-x7k2p", "", 700'000'000'000, 209'715'200 - 52'428'800},
                  {"kubepods", guaranteed, "", 100'000'000'000, 104'857'600},
              }));
  EXPECT_EQ(r.counts.unpopulated, 1u);  // the besteffort pod without processes
  EXPECT_EQ(r.counts.incomplete, 1u);   // /memory-only has no CPU time in v1
}

TEST(HostReaderTest, V2SkipsUnpopulatedAndMalformedCgroups) {
  Read r = read_tree(test::tree_options(test::fixture_tree("v2-unpopulated-malformed")));
  ASSERT_TRUE(r.outcome.status.is_ok()) << r.outcome.status.message();
  EXPECT_EQ(r.batch.node_sample.cpu_usage_core_ns, 5'000'000'000u);
  EXPECT_EQ(r.batch.node_sample.memory_working_set_bytes, 104'857'600u + 52'428'800 - 10'485'760);
  EXPECT_THAT(test::container_rows(r.batch),
              ::testing::ElementsAre(Row{"system", "good", "good", 2'000'000'000, 8'388'608 + 4'194'304 - 2'097'152}));
  EXPECT_EQ(r.counts.unpopulated, 2u);  // stopped.service, batch/job-1
  EXPECT_EQ(r.counts.incomplete, 1u);   // broken.service's memory.stat
}

TEST(HostReaderTest, RecordedHybridMachine) {
  Read r = read_tree(test::tree_options(test::fixture_tree("hybrid-v1-recorded")));
  ASSERT_TRUE(r.outcome.status.is_ok()) << r.outcome.status.message();
  EXPECT_EQ(r.counts.mode, CgroupMode::kHybrid);
  // Recorded: cpuacct.usage 39878907850391; memory.usage_in_bytes 1762070528, total_inactive_file
  // 1104797696; btime 1795514762.
  EXPECT_EQ(r.batch.node_sample.cpu_usage_core_ns, 39'878'907'850'391u);
  EXPECT_EQ(r.batch.node_sample.memory_working_set_bytes, 1'762'070'528u - 1'104'797'696u);
  EXPECT_EQ(r.batch.node_sample.start_time_ns, 1'795'514'762ll * 1'000'000'000);
  // The process_api cgroups exist only in the memory hierarchy, so they have no CPU time.
  EXPECT_TRUE(r.batch.containers.empty());
  EXPECT_EQ(r.counts.incomplete, 3u);
}

TEST(HostReaderTest, HybridTakesCpuFromTheUnifiedHierarchy) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("hybrid-v1-recorded", dir.path());
  const std::string id = "171ab67f9918cc72aae38bb847391038";
  const std::string unified = tree + "/sys/fs/cgroup/unified/process_api/" + id;
  std::filesystem::create_directories(unified);
  ASSERT_TRUE(mpf::test::write_text(unified + "/cpu.stat", "usage_usec 4242\nuser_usec 4000\nsystem_usec 242\n"));
  ASSERT_TRUE(mpf::test::write_text(unified + "/cgroup.events", "populated 1\nfrozen 0\n"));
  Read r = read_tree(test::tree_options(tree));
  ASSERT_TRUE(r.outcome.status.is_ok());
  ASSERT_EQ(r.batch.containers.size(), 1u);
  const ContainerSample& c = r.batch.containers[0];
  EXPECT_EQ(r.batch.names.name(c.namespace_name), "process-api");
  EXPECT_EQ(r.batch.names.name(c.container_name), id);
  EXPECT_EQ(c.sample.cpu_usage_core_ns, 4'242'000u);
  // Recorded memory.usage_in_bytes 1343188992 - total_inactive_file 799965184.
  EXPECT_EQ(c.sample.memory_working_set_bytes, 1'343'188'992u - 799'965'184u);
}

TEST(HostReaderTest, LimitKeepsTheFirstContainersAndPodsAndCountsTheRest) {
  HostReaderOptions options = test::tree_options(test::fixture_tree("v2-systemd-kubepods"));
  options.max_containers = 1;
  Read r = read_tree(options);
  // Walk order is by name: init.scope comes first, then the besteffort pod before the burstable one.
  EXPECT_THAT(test::container_rows(r.batch),
              ::testing::ElementsAre(Row{"system", "init", "init", 1'500'000'000, 11'534'336}));
  ASSERT_EQ(r.batch.pods.size(), 1u);
  EXPECT_EQ(r.batch.names.name(r.batch.pods[0].pod_name), kPod2Uid);
  EXPECT_EQ(r.counts.dropped_limit, 8u + 1u);  // 9 containers and 2 pods were found
}

TEST(HostReaderTest, DuplicateNamesKeepTheFirstCgroup) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v2-systemd-kubepods", dir.path());
  const std::string slice = tree + "/sys/fs/cgroup/system.slice";
  // "SSH.service" sorts before "ssh.service" and sanitizes to the same name.
  std::filesystem::copy(slice + "/ssh.service", slice + "/SSH.service");
  ASSERT_TRUE(mpf::test::write_text(slice + "/SSH.service/cpu.stat", "usage_usec 7\n"));
  Read r = read_tree(test::tree_options(tree));
  EXPECT_EQ(r.counts.dropped_duplicate, 1u);
  std::size_t ssh = 0;
  for (const Row& row : test::container_rows(r.batch)) {
    if (std::get<1>(row) == "ssh") {
      ++ssh;
      EXPECT_EQ(std::get<3>(row), 7'000u);
    }
  }
  EXPECT_EQ(ssh, 1u);
}

TEST(HostReaderTest, AFileVanishingSkipsOnlyThatCgroup) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v2-systemd-kubepods", dir.path());
  std::filesystem::remove(tree + "/sys/fs/cgroup/system.slice/containerd.service/memory.current");
  Read r = read_tree(test::tree_options(tree));
  ASSERT_TRUE(r.outcome.status.is_ok());
  EXPECT_EQ(r.batch.containers.size(), 8u);
  EXPECT_EQ(r.counts.incomplete, 1u);
  for (const Row& row : test::container_rows(r.batch)) EXPECT_NE(std::get<1>(row), "containerd");
}

TEST(HostReaderTest, AVanishedCgroupDirectoryIsSkipped) {
  mpf::test::TempDir dir;
  const std::string tree = test::copy_tree("v1-cgroupfs-kubepods", dir.path());
  std::filesystem::remove_all(tree + "/sys/fs/cgroup/cpu,cpuacct/mpf-busy");
  std::filesystem::remove_all(tree + "/sys/fs/cgroup/memory/mpf-busy");
  Read r = read_tree(test::tree_options(tree));
  ASSERT_TRUE(r.outcome.status.is_ok());
  EXPECT_EQ(r.batch.containers.size(), 3u);
}

TEST(HostReaderTest, PassedDeadlineFailsWithTimeout) {
  NodeBatch batch;
  HostReadCounts counts;
  const ScrapeOutcome outcome =
      HostReader(test::tree_options(test::fixture_tree("v2-systemd-kubepods")))
          .read(batch, kNow, std::chrono::steady_clock::now() - std::chrono::seconds(1), counts);
  EXPECT_EQ(outcome.reason, FailureReason::kTimeout);
  EXPECT_TRUE(outcome.status.is_retryable());
}

TEST(HostReaderTest, UnreadableNodeFailsNamingTheFiles) {
  mpf::test::TempDir dir;
  HostReaderOptions options;
  options.cgroup_root = dir.path() + "/cgroup";
  options.proc_root = dir.path() + "/proc";
  NodeBatch batch;
  HostReadCounts counts;
  const ScrapeOutcome outcome = HostReader(options).read(batch, kNow, test::no_deadline(), counts);
  EXPECT_EQ(outcome.reason, FailureReason::kInternal);
  EXPECT_THAT(outcome.status.message(), ::testing::HasSubstr(dir.path() + "/proc/stat"));
  EXPECT_THAT(outcome.status.message(), ::testing::HasSubstr(dir.path() + "/proc/meminfo"));
}

}  // namespace
}  // namespace mpf::sources::host
