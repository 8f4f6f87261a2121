// Every file of tests/fixtures/kubelet/summary/ decoded, against values read off the JSON by hand.
// Times: days since 1970-01-01 of Jan 1st are 2017: 47*365+12 leap days = 17167, 2018: 17532,
// 2020: 18262, 2023: 19358, 2025: 20089, 2026: 20454; days before a month (non-leap) are
// Feb 31, Mar 59, Apr 90, May 120, Jun 151, Nov 304 (+1 from March in 2020).
#include <gtest/gtest.h>

#include "summary_parser.h"
#include "summary_test_util.h"

namespace mpf::sources::kubelet_summary {
namespace {

using testing::find_container;
using testing::find_pod;
using testing::kSecond;
using testing::read_fixture;

constexpr std::uint16_t kCpuMemStart = kHasCpu | kHasMemory | kHasStartTime;

struct Decoded {
  NodeBatch batch;
  SummaryParseStats stats;
};

Decoded decode(std::string_view fixture, bool nano_cores = false, std::string node_name = "") {
  Decoded d;
  d.batch.node_name = std::move(node_name);
  const std::string body = read_fixture(fixture);
  EXPECT_FALSE(body.empty()) << fixture;
  const Status st = parse_summary(body, SummaryParseOptions{nano_cores}, d.batch, &d.stats);
  EXPECT_TRUE(st.is_ok()) << fixture << ": " << st.to_string();
  return d;
}

TEST(SummaryFixturesTest, Gke2017NoPodLevelStats) {
  const Decoded d = decode("summary-2017-gke-elastic-beats.json", true, "gke-beats-default-pool-a5b33e2e-hdww");
  const NodeBatch& b = d.batch;
  ASSERT_TRUE(b.has_node_sample);
  // cpu.time 2017-04-20T08:06:41Z: 17167+90+19 = 17276 days; 17276*86400 = 1492646400;
  // + 8*3600+6*60+41 = 29201 -> 1492675601 s.
  EXPECT_EQ(b.node_sample.timestamp_ns, 1492675601 * kSecond);
  // startTime 2017-04-18T12:53:49Z: 17274 days = 1492473600 + 46429 = 1492520029 s.
  EXPECT_EQ(b.node_sample.start_time_ns, 1492520029 * kSecond);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 4189523881380u);
  EXPECT_EQ(b.node_sample.cpu_rate_nanocores, 18691146u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 2111090688u);
  EXPECT_EQ(b.node_sample.present, kCpuMemStart | kHasCpuRate);  // no swap in 2017
  EXPECT_FALSE(d.stats.node_name_mismatch);
  // The pod has no cpu/memory of its own (pre-1.9 schema): no PodSample, one container.
  EXPECT_TRUE(b.pods.empty());
  ASSERT_EQ(b.containers.size(), 1u);
  const ContainerSample* nginx = find_container(b, "default", "nginx-deployment-2303442956-pcqfc", "nginx");
  ASSERT_NE(nginx, nullptr);
  EXPECT_EQ(nginx->sample.cpu_usage_core_ns, 43959424u);
  EXPECT_EQ(nginx->sample.memory_working_set_bytes, 1454080u);
  EXPECT_EQ(nginx->sample.timestamp_ns, (1492675601 - 7) * kSecond);  // 08:06:34, 7 s before the node
  // startTime 2017-04-18T16:47:44Z: 1492473600 + 16*3600+47*60+44 (60464) = 1492534064 s.
  EXPECT_EQ(nginx->sample.start_time_ns, 1492534064 * kSecond);
  // usageNanoCores 0 next to a positive counter: a reported zero keeps its bit.
  EXPECT_TRUE(nginx->sample.has(kHasCpuRate));
  EXPECT_EQ(nginx->sample.cpu_rate_nanocores, 0u);
}

TEST(SummaryFixturesTest, Gke2017MultiContainerWithUint64MaxInodes) {
  const Decoded d = decode("summary-2017-gke-multicontainer-uint64max-inodes-elastic-beats.json");
  const NodeBatch& b = d.batch;
  // Same node as the file above; fs.inodesFree = 18446744073709551615 is skipped, never converted.
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 4189523881380u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 2111090688u);
  EXPECT_EQ(b.node_sample.present, kCpuMemStart);  // usageNanoCores not read without the option
  EXPECT_EQ(d.stats.rejected_values, 0u);
  EXPECT_EQ(d.stats.duplicate_containers, 0u);
  ASSERT_EQ(b.containers.size(), 2u);
  for (const char* name : {"nginx", "sidecar"}) {
    const ContainerSample* c = find_container(b, "default", "nginx-deployment-2303442956-pcqfc", name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->sample.cpu_usage_core_ns, 43959424u);
    EXPECT_EQ(c->sample.memory_working_set_bytes, 1454080u);
    EXPECT_EQ(c->sample.present, kCpuMemStart);
  }
}

TEST(SummaryFixturesTest, Minikube2018WithPodLevelAndEphemeralStorage) {
  const Decoded d = decode("summary-2018-minikube-docker-newrelic.json");
  const NodeBatch& b = d.batch;
  // 2018-03-02T13:42:44Z: 17532+59+1 = 17592 days = 1519948800 + 49364 (13:42:44) = 1519998164 s.
  constexpr std::int64_t kNodeTime = 1519998164 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  // 2018-02-21T10:46:55Z: 17532+31+20 = 17583 days = 1519171200 + 38815 = 1519210015 s.
  EXPECT_EQ(b.node_sample.start_time_ns, 1519210015 * kSecond);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 22332102208229u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 1305468928u);
  // 8 pods with pod-level stats; containers 2+1+1+1+1+2+1+3 = 12.
  EXPECT_EQ(b.pods.size(), 8u);
  EXPECT_EQ(b.containers.size(), 12u);
  const PodSample* dns = find_pod(b, "kube-system", "kube-dns-54cccfbdf8-dznm7");
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(dns->sample.cpu_usage_core_ns, 272518550483u);
  EXPECT_EQ(dns->sample.memory_working_set_bytes, 72241152u);
  EXPECT_EQ(dns->sample.ephemeral_storage_bytes, 167936u);
  EXPECT_EQ(dns->sample.present, kCpuMemStart | kHasEphemeralStorage);
  EXPECT_EQ(dns->sample.timestamp_ns, kNodeTime + 3 * kSecond);  // pod cpu.time 13:42:47
  // 2018-03-01T14:30:25Z: 17591 days = 1519862400 + 52225 = 1519914625 s.
  EXPECT_EQ(dns->sample.start_time_ns, 1519914625 * kSecond);
  const ContainerSample* sidecar = find_container(b, "kube-system", "kube-dns-54cccfbdf8-dznm7", "sidecar");
  ASSERT_NE(sidecar, nullptr);
  EXPECT_EQ(sidecar->sample.cpu_usage_core_ns, 57903101656u);
  EXPECT_EQ(sidecar->sample.memory_working_set_bytes, 11124736u);
  EXPECT_EQ(sidecar->sample.timestamp_ns, kNodeTime + 10 * kSecond);       // 13:42:54
  EXPECT_EQ(sidecar->sample.start_time_ns, (1519914625 + 5) * kSecond);    // 14:30:30
  const ContainerSample* dnsmasq = find_container(b, "kube-system", "kube-dns-54cccfbdf8-dznm7", "dnsmasq");
  ASSERT_NE(dnsmasq, nullptr);
  EXPECT_EQ(dnsmasq->sample.cpu_usage_core_ns, 7985559947u);
  EXPECT_EQ(dnsmasq->sample.timestamp_ns, kNodeTime - 4 * kSecond);  // 13:42:40
  const PodSample* heapster = find_pod(b, "kube-system", "heapster-5mz5f");
  ASSERT_NE(heapster, nullptr);
  EXPECT_EQ(heapster->sample.ephemeral_storage_bytes, 49152u);
  EXPECT_EQ(heapster->sample.cpu_usage_core_ns, 47248619155u);
}

TEST(SummaryFixturesTest, NoPodCpuMem2018) {
  const Decoded d = decode("summary-2018-no-pod-cpu-mem-newrelic.json", false, "fooNode");
  const NodeBatch& b = d.batch;
  EXPECT_FALSE(d.stats.node_name_mismatch);
  // 2018-01-24T16:40:00Z: 17532+23 = 17555 days = 1516752000 + 60000 = 1516812000 s.
  EXPECT_EQ(b.node_sample.timestamp_ns, 1516812000 * kSecond);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 353998913059080u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 540618752u);
  EXPECT_TRUE(b.pods.empty());
  ASSERT_EQ(b.containers.size(), 3u);
  const ContainerSample* ksm =
      find_container(b, "kube-system", "newrelic-infra-monitoring-pjp0v", "kube-state-metrics");
  ASSERT_NE(ksm, nullptr);
  EXPECT_EQ(ksm->sample.cpu_usage_core_ns, 4284675040u);
  EXPECT_EQ(ksm->sample.memory_working_set_bytes, 15196160u);
  // 2017-11-30T14:48:10Z: 17167+304+29 = 17500 days = 1512000000 + 53290 = 1512053290 s.
  EXPECT_EQ(ksm->sample.timestamp_ns, 1512053290 * kSecond);
  const ContainerSample* dnsmasq = find_container(b, "kube-system", "kube-dns-910330662-pflkj", "dnsmasq");
  ASSERT_NE(dnsmasq, nullptr);
  EXPECT_EQ(dnsmasq->sample.cpu_usage_core_ns, 3653471654u);
  EXPECT_EQ(dnsmasq->sample.memory_working_set_bytes, 12828672u);
  EXPECT_EQ(dnsmasq->sample.timestamp_ns, (1512053290 - 3) * kSecond);  // 14:48:07

  const Decoded other = decode("summary-2018-no-pod-cpu-mem-newrelic.json", false, "barNode");
  EXPECT_TRUE(other.stats.node_name_mismatch);
  EXPECT_EQ(other.batch.node_name, "barNode");  // never overwritten
}

TEST(SummaryFixturesTest, V115ContainersListedTwiceKeepTheFirst) {
  const Decoded d = decode("summary-v1.15-minikube-docker-newrelic.json");
  const NodeBatch& b = d.batch;
  // 2020-06-03T08:54:29Z: 18262+152+2 = 18416 days = 1591142400 + 32069 = 1591174469 s.
  constexpr std::int64_t kNodeTime = 1591174469 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 424427914128u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 1265197056u);
  // 14 pods, each listing its one container twice: 28 entries, 14 kept, 14 counted.
  EXPECT_EQ(b.pods.size(), 14u);
  EXPECT_EQ(b.containers.size(), 14u);
  EXPECT_EQ(d.stats.duplicate_containers, 14u);
  const ContainerSample* api = find_container(b, "kube-system", "kube-apiserver-minikube", "kube-apiserver");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->sample.cpu_usage_core_ns, 71550463563u);  // the first entry, not 71990499159
  EXPECT_EQ(api->sample.memory_working_set_bytes, 280944640u);
  EXPECT_EQ(api->sample.timestamp_ns, kNodeTime - 9 * kSecond);  // 08:54:20
  const ContainerSample* sp = find_container(b, "kube-system", "storage-provisioner", "storage-provisioner");
  ASSERT_NE(sp, nullptr);
  EXPECT_EQ(sp->sample.cpu_usage_core_ns, 1183357523u);  // first entry (the later-timed one)
  EXPECT_EQ(sp->sample.timestamp_ns, kNodeTime + 5 * kSecond);  // 08:54:34
  const PodSample* api_pod = find_pod(b, "kube-system", "kube-apiserver-minikube");
  ASSERT_NE(api_pod, nullptr);
  EXPECT_EQ(api_pod->sample.cpu_usage_core_ns, 71606850346u);
  EXPECT_EQ(api_pod->sample.memory_working_set_bytes, 281526272u);
  EXPECT_EQ(api_pod->sample.ephemeral_storage_bytes, 385024u);
  ASSERT_NE(find_container(b, "default", "cockroachdb-2", "cockroachdb"), nullptr);
  EXPECT_EQ(find_container(b, "default", "cockroachdb-2", "cockroachdb")->sample.cpu_usage_core_ns, 456175430u);
}

TEST(SummaryFixturesTest, V117EdgeCases) {
  const Decoded d = decode("summary-v1.17-kind-edgecases-metrics-server.json", true, "e2e-v1.17.0-control-plane");
  const NodeBatch& b = d.batch;
  // 2020-04-16T20:25:28Z: 18262+91+15 = 18368 days = 1586995200 + 73528 = 1587068728 s.
  constexpr std::int64_t kNodeTime = 1587068728 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  // 2020-03-31T18:00:54Z: 18262+60+30 = 18352 days = 1585612800 + 64854 = 1585677654 s.
  EXPECT_EQ(b.node_sample.start_time_ns, 1585677654 * kSecond);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 519978197128u);
  EXPECT_EQ(b.node_sample.cpu_rate_nanocores, 476553087u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 1417551872u);
  // Only "all-fields" has pod-level cpu/memory; 7 pods with one container each.
  ASSERT_EQ(b.pods.size(), 1u);
  EXPECT_EQ(b.names.name(b.pods[0].pod_name), "all-fields");
  EXPECT_EQ(b.pods[0].sample.cpu_usage_core_ns, 54096725u);
  EXPECT_EQ(b.pods[0].sample.cpu_rate_nanocores, 123u);
  EXPECT_EQ(b.pods[0].sample.memory_working_set_bytes, 2641920u);
  EXPECT_EQ(b.pods[0].sample.ephemeral_storage_bytes, 28672u);
  EXPECT_EQ(b.pods[0].sample.timestamp_ns, kNodeTime - 4 * kSecond);  // 20:25:24
  ASSERT_EQ(b.containers.size(), 7u);

  constexpr std::int64_t kContainerTime = kNodeTime + 2 * kSecond;  // 20:25:30
  constexpr std::int64_t kStart = (1587068728 - 462) * kSecond;     // 20:17:46 = 7 min 42 s earlier
  auto c = [&](const char* pod) { return find_container(b, "default", pod, "container"); };
  ASSERT_NE(c("all-fields"), nullptr);
  EXPECT_EQ(c("all-fields")->sample.present, kCpuMemStart | kHasCpuRate);
  EXPECT_EQ(c("all-fields")->sample.cpu_usage_core_ns, 29328792u);
  EXPECT_EQ(c("all-fields")->sample.cpu_rate_nanocores, 29713960u);
  EXPECT_EQ(c("all-fields")->sample.memory_working_set_bytes, 1449984u);
  EXPECT_EQ(c("all-fields")->sample.timestamp_ns, kContainerTime);
  EXPECT_EQ(c("all-fields")->sample.start_time_ns, kStart);

  ASSERT_NE(c("zero usageCoreNanoSeconds"), nullptr);
  EXPECT_TRUE(c("zero usageCoreNanoSeconds")->sample.has(kHasCpu));  // a zero is kept as a zero
  EXPECT_EQ(c("zero usageCoreNanoSeconds")->sample.cpu_usage_core_ns, 0u);

  ASSERT_NE(c("no usageCoreNanoSeconds"), nullptr);
  EXPECT_EQ(c("no usageCoreNanoSeconds")->sample.present, kHasMemory | kHasStartTime | kHasCpuRate);
  EXPECT_EQ(c("no usageCoreNanoSeconds")->sample.cpu_rate_nanocores, 29713960u);
  EXPECT_EQ(c("no usageCoreNanoSeconds")->sample.timestamp_ns, kContainerTime);

  ASSERT_NE(c("no CPU"), nullptr);
  EXPECT_EQ(c("no CPU")->sample.present, kHasMemory | kHasStartTime);
  EXPECT_EQ(c("no CPU")->sample.timestamp_ns, kContainerTime);  // from memory.time

  ASSERT_NE(c("zero workingSetBytes"), nullptr);
  EXPECT_TRUE(c("zero workingSetBytes")->sample.has(kHasMemory));
  EXPECT_EQ(c("zero workingSetBytes")->sample.memory_working_set_bytes, 0u);

  ASSERT_NE(c("no workingSetBytes"), nullptr);
  EXPECT_EQ(c("no workingSetBytes")->sample.present, kHasCpu | kHasStartTime | kHasCpuRate);
  EXPECT_EQ(c("no workingSetBytes")->sample.cpu_usage_core_ns, 29328792u);

  ASSERT_NE(c("no memory"), nullptr);
  EXPECT_EQ(c("no memory")->sample.present, kHasCpu | kHasStartTime | kHasCpuRate);
}

TEST(SummaryFixturesTest, V122CgroupV2MicrosecondCounters) {
  const Decoded d = decode("summary-v1.22-newrelic.json", true);
  const NodeBatch& b = d.batch;
  // 2023-05-31T02:50:25Z: 19358+120+30 = 19508 days = 1685491200 + 10225 = 1685501425 s.
  constexpr std::int64_t kNodeTime = 1685501425 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 242567655000u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 900640768u);
  EXPECT_EQ(b.pods.size(), 17u);
  EXPECT_EQ(b.containers.size(), 17u);
  const PodSample* sts = find_pod(b, "scraper", "e2e-statefulset-1");
  ASSERT_NE(sts, nullptr);
  EXPECT_EQ(sts->sample.cpu_usage_core_ns, 24611000u);
  EXPECT_EQ(sts->sample.memory_working_set_bytes, 532480u);
  EXPECT_EQ(sts->sample.ephemeral_storage_bytes, 49152u);
  const ContainerSample* busybox = find_container(b, "scraper", "e2e-statefulset-1", "busybox");
  ASSERT_NE(busybox, nullptr);
  EXPECT_EQ(busybox->sample.cpu_usage_core_ns, 10769000u);
  EXPECT_EQ(busybox->sample.memory_working_set_bytes, 307200u);
  EXPECT_EQ(busybox->sample.timestamp_ns, kNodeTime - 5 * kSecond);  // 02:50:20
  EXPECT_TRUE(busybox->sample.has(kHasCpuRate));
  EXPECT_EQ(busybox->sample.cpu_rate_nanocores, 0u);
  // cgroup v2 reports CPU in microseconds: every counter is a multiple of 1000 ns.
  for (const auto& c : b.containers) EXPECT_EQ(c.sample.cpu_usage_core_ns % 1000, 0u);
}

TEST(SummaryFixturesTest, V128SwapEverywhere) {
  const Decoded d = decode("summary-v1.28-swap-newrelic.json");
  const NodeBatch& b = d.batch;
  // 2025-04-03T18:14:49Z: 20089+90+2 = 20181 days = 1743638400 + 65689 = 1743704089 s.
  constexpr std::int64_t kNodeTime = 1743704089 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 133968365000u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 949145600u);
  EXPECT_EQ(b.node_sample.present, kCpuMemStart | kHasSwap);
  EXPECT_EQ(b.node_sample.swap_usage_bytes, 0u);
  EXPECT_EQ(b.pods.size(), 17u);
  EXPECT_EQ(b.containers.size(), 17u);
  for (const auto& c : b.containers) EXPECT_EQ(c.sample.present, kCpuMemStart | kHasSwap);
  const ContainerSample* pi = find_container(b, "scraper", "e2e-daemonset-j2mwz", "compute-pi-digits");
  ASSERT_NE(pi, nullptr);
  EXPECT_EQ(pi->sample.cpu_usage_core_ns, 3827403000u);
  EXPECT_EQ(pi->sample.memory_working_set_bytes, 10518528u);
  EXPECT_EQ(pi->sample.timestamp_ns, kNodeTime - 7 * kSecond);  // 18:14:42
  const PodSample* pod = find_pod(b, "scraper", "e2e-daemonset-j2mwz");
  ASSERT_NE(pod, nullptr);
  EXPECT_EQ(pod->sample.present, kCpuMemStart | kHasSwap | kHasEphemeralStorage);
  EXPECT_EQ(pod->sample.ephemeral_storage_bytes, 40960u);
  EXPECT_EQ(pod->sample.cpu_usage_core_ns, 4466171000u);
}

TEST(SummaryFixturesTest, V130SplitImageFilesystem) {
  const Decoded d = decode("summary-v1.30-containerfs-newrelic.json");
  const NodeBatch& b = d.batch;
  // 2025-11-04T19:18:28Z: 20089+304+3 = 20396 days = 1762214400 + 69508 = 1762283908 s.
  constexpr std::int64_t kNodeTime = 1762283908 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 80051369000u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 908845056u);
  EXPECT_TRUE(b.node_sample.has(kHasSwap));
  EXPECT_EQ(b.pods.size(), 17u);
  EXPECT_EQ(b.containers.size(), 17u);
  const ContainerSample* etcd = find_container(b, "kube-system", "etcd-datagen-1-30", "etcd");
  ASSERT_NE(etcd, nullptr);
  EXPECT_EQ(etcd->sample.cpu_usage_core_ns, 3039247000u);
  EXPECT_EQ(etcd->sample.memory_working_set_bytes, 33308672u);
  EXPECT_EQ(etcd->sample.timestamp_ns, kNodeTime + 6 * kSecond);  // 19:18:34
  const PodSample* ksm = find_pod(b, "scraper", "e2e-kube-state-metrics-555d9c8dc6-t4bgz");
  ASSERT_NE(ksm, nullptr);
  EXPECT_EQ(ksm->sample.cpu_usage_core_ns, 158464000u);
  EXPECT_EQ(ksm->sample.memory_working_set_bytes, 13000704u);
}

TEST(SummaryFixturesTest, V134PsiAndIoBlocksAreSkipped) {
  const Decoded d = decode("summary-v1.34-psi-io-newrelic.json", true);
  const NodeBatch& b = d.batch;
  // 2026-01-13T18:40:14Z: 20454+12 = 20466 days = 1768262400 + 67214 = 1768329614 s.
  constexpr std::int64_t kNodeTime = 1768329614 * kSecond;
  EXPECT_EQ(b.node_sample.timestamp_ns, kNodeTime);
  // 2026-01-07T21:35:20Z: 20460 days = 1767744000 + 77720 = 1767821720 s.
  EXPECT_EQ(b.node_sample.start_time_ns, 1767821720 * kSecond);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 63349226000u);
  EXPECT_EQ(b.node_sample.cpu_rate_nanocores, 644367996u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 898445312u);
  EXPECT_EQ(b.pods.size(), 18u);
  EXPECT_EQ(b.containers.size(), 18u);
  EXPECT_EQ(d.stats.rejected_values, 0u);  // the PSI float averages are never looked at
  const ContainerSample* php = find_container(b, "scraper", "e2e-hpa-5b9fd8d67d-sjdmn", "php-apache");
  ASSERT_NE(php, nullptr);
  EXPECT_EQ(php->sample.cpu_usage_core_ns, 26835000u);
  EXPECT_EQ(php->sample.memory_working_set_bytes, 8822784u);
  EXPECT_EQ(php->sample.timestamp_ns, kNodeTime + 5 * kSecond);  // 18:40:19
  EXPECT_EQ(php->sample.cpu_rate_nanocores, 0u);
  const ContainerSample* api = find_container(b, "kube-system", "kube-apiserver-datagen-1-34", "kube-apiserver");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->sample.cpu_usage_core_ns, 6989823000u);
  EXPECT_EQ(api->sample.memory_working_set_bytes, 229765120u);
  EXPECT_EQ(api->sample.timestamp_ns, kNodeTime + kSecond);  // 18:40:15
  const PodSample* scraper = find_pod(b, "scraper", "e2e-scraper-586c69668b-dh6dj");
  ASSERT_NE(scraper, nullptr);
  EXPECT_EQ(scraper->sample.ephemeral_storage_bytes, 13344768u);
  EXPECT_EQ(scraper->sample.swap_usage_bytes, 0u);
  EXPECT_TRUE(scraper->sample.has(kHasSwap));
}

TEST(SummaryFixturesTest, NodeZeroCpuMemFragment) {
  // The fixture is jq's {cpu: .node.cpu, memory: .node.memory}; a body with only `node` around it
  // is what the kubelet sent.
  const std::string fragment = read_fixture("summary-fragment-node-zero-cpu-mem-cgroupv2-metrics-server-known-issues.json");
  ASSERT_FALSE(fragment.empty());
  NodeBatch b;
  ASSERT_TRUE(parse_summary("{\"node\": " + fragment + "}", SummaryParseOptions{true}, b).is_ok());
  ASSERT_TRUE(b.has_node_sample);
  // Zeros reported by the kubelet stay zeros with their bits set; the aggregation stage decides.
  EXPECT_EQ(b.node_sample.present, kHasCpu | kHasMemory | kHasCpuRate);
  EXPECT_EQ(b.node_sample.cpu_usage_core_ns, 0u);
  EXPECT_EQ(b.node_sample.cpu_rate_nanocores, 0u);
  EXPECT_EQ(b.node_sample.memory_working_set_bytes, 0u);
  // 2022-01-19T13:12:56Z: 18993+18 = 19011 days = 1642550400 + 47576 = 1642597976 s.
  EXPECT_EQ(b.node_sample.timestamp_ns, 1642597976 * kSecond);
  EXPECT_TRUE(b.pods.empty());
  EXPECT_TRUE(b.containers.empty());

  // As-is the fragment is not a summary: its top-level cpu/memory are unknown keys, skipped.
  NodeBatch raw;
  ASSERT_TRUE(parse_summary(fragment, SummaryParseOptions{}, raw).is_ok());
  EXPECT_FALSE(raw.has_node_sample);
}

TEST(SummaryFixturesTest, ExpectedFileIsNotASummary) {
  // The transcribed metrics-server result has `pods[]` without podRef: a pod we cannot name is
  // dropped (and counted), the rest is unknown keys. Its use is metrics_server_rules_test.cpp.
  const Decoded d = decode("summary-v1.17-kind-edgecases-metrics-server.expected.json");
  EXPECT_FALSE(d.batch.has_node_sample);
  EXPECT_TRUE(d.batch.pods.empty());
  EXPECT_TRUE(d.batch.containers.empty());
  EXPECT_EQ(d.stats.unnamed_entries, 1u);
}

}  // namespace
}  // namespace mpf::sources::kubelet_summary
