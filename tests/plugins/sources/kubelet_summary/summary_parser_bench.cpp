// Throughput of the /stats/summary parser: the real v1.34 fixture (PSI and io blocks, 18 pods) and a
// synthetic 110-pod node (the kubelet's default pod limit) with every block a current kubelet sends.
// Reports MB/s, pods/s and heap allocations per parse (global operator new is counted).
//
//   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release   (tests/ is only added with tests on)
//   ninja -C build-release kubelet_summary_bench && build-release/bin/kubelet_summary_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <string>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "rfc3339.h"
#include "summary_parser.h"
#include "tests/test_common/alloc_counter.h"

namespace mpf::sources::kubelet_summary {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

constexpr std::int64_t kSecond = 1000000000;
constexpr std::int64_t kNow = 1768329614 * kSecond;  // 2026-01-13T18:40:14Z

std::string read_fixture(const char* name) {
  std::ifstream in(std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/kubelet/summary/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A tiny deterministic generator so that every run parses the same bytes.
struct Lcg {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::uint64_t next(std::uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  }
};

void time_field(Writer& w, const char* key, std::int64_t ns) {
  char buf[kRfc3339MaxLength];
  w.Key(key);
  w.String(buf, static_cast<rapidjson::SizeType>(format_rfc3339_utc(ns, buf)));
}

void number(Writer& w, const char* key, std::uint64_t v) {
  w.Key(key);
  w.Uint64(v);
}

void psi(Writer& w, Lcg& r) {
  w.Key("psi");
  w.StartObject();
  for (const char* kind : {"full", "some"}) {
    w.Key(kind);
    w.StartObject();
    number(w, "total", r.next(10000000));
    for (const char* avg : {"avg10", "avg60", "avg300"}) {
      w.Key(avg);
      w.Double(static_cast<double>(r.next(10000)) / 100.0);
    }
    w.EndObject();
  }
  w.EndObject();
}

void cpu_memory_swap_io(Writer& w, Lcg& r, std::int64_t t, std::uint64_t scale) {
  w.Key("cpu");
  w.StartObject();
  time_field(w, "time", t);
  number(w, "usageNanoCores", r.next(100000000) * scale);
  number(w, "usageCoreNanoSeconds", r.next(10000000000) * scale * 1000);
  psi(w, r);
  w.EndObject();
  w.Key("memory");
  w.StartObject();
  time_field(w, "time", t);
  number(w, "availableBytes", r.next(1ull << 30));
  number(w, "usageBytes", r.next(1ull << 28) * scale);
  number(w, "workingSetBytes", r.next(1ull << 28) * scale);
  number(w, "rssBytes", r.next(1ull << 27) * scale);
  number(w, "pageFaults", r.next(1000000));
  number(w, "majorPageFaults", r.next(100));
  psi(w, r);
  w.EndObject();
  w.Key("swap");
  w.StartObject();
  time_field(w, "time", t);
  number(w, "swapAvailableBytes", 0);
  number(w, "swapUsageBytes", 0);
  w.EndObject();
  w.Key("io");
  w.StartObject();
  time_field(w, "time", t);
  psi(w, r);
  w.EndObject();
}

void fs(Writer& w, const char* key, Lcg& r, std::int64_t t) {
  w.Key(key);
  w.StartObject();
  time_field(w, "time", t);
  number(w, "availableBytes", 990676500480);
  number(w, "capacityBytes", 1081100128256);
  number(w, "usedBytes", r.next(1ull << 24));
  number(w, "inodesFree", 66000000 + r.next(1000));
  number(w, "inodes", 67108864);
  number(w, "inodesUsed", r.next(100));
  w.EndObject();
}

void network(Writer& w, Lcg& r, std::int64_t t) {
  w.Key("network");
  w.StartObject();
  time_field(w, "time", t);
  w.Key("name");
  w.String("eth0");
  for (const char* k : {"rxBytes", "rxErrors", "txBytes", "txErrors"}) number(w, k, r.next(1ull << 32));
  w.Key("interfaces");
  w.StartArray();
  for (const char* iface : {"eth0", "tunl0"}) {
    w.StartObject();
    w.Key("name");
    w.String(iface);
    for (const char* k : {"rxBytes", "rxErrors", "txBytes", "txErrors"}) number(w, k, r.next(1ull << 32));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// A summary as a v1.34 kubelet writes it (one-space indentation, every block), with `pods` pods of
// one to three containers each.
std::string synthetic_summary(int pods) {
  Lcg r;
  rapidjson::StringBuffer out;
  Writer w(out);
  w.SetIndent(' ', 1);
  w.StartObject();
  w.Key("node");
  w.StartObject();
  w.Key("nodeName");
  w.String("worker-pool-a-7f9c");
  w.Key("systemContainers");
  w.StartArray();
  for (const char* sc : {"kubelet", "pods", "runtime"}) {
    w.StartObject();
    w.Key("name");
    w.String(sc);
    time_field(w, "startTime", kNow - 86400 * kSecond);
    cpu_memory_swap_io(w, r, kNow, 4);
    w.EndObject();
  }
  w.EndArray();
  time_field(w, "startTime", kNow - 6 * 86400 * kSecond);
  cpu_memory_swap_io(w, r, kNow, 16);
  network(w, r, kNow);
  fs(w, "fs", r, kNow);
  w.Key("runtime");
  w.StartObject();
  fs(w, "imageFs", r, kNow);
  fs(w, "containerFs", r, kNow);
  w.EndObject();
  w.Key("rlimit");
  w.StartObject();
  time_field(w, "time", kNow);
  number(w, "maxpid", 4194304);
  number(w, "curproc", 1200);
  w.EndObject();
  w.EndObject();
  w.Key("pods");
  w.StartArray();
  for (int p = 0; p < pods; ++p) {
    const std::int64_t t = kNow - static_cast<std::int64_t>(r.next(15)) * kSecond;
    const std::string name = "app-" + std::to_string(p) + "-5b9fd8d67d-" + std::to_string(10000 + r.next(89999));
    w.StartObject();
    w.Key("podRef");
    w.StartObject();
    w.Key("name");
    w.String(name.c_str());
    w.Key("namespace");
    w.String(p % 3 == 0 ? "kube-system" : "production");
    w.Key("uid");
    w.String("0f6b3c1e-8d2a-4c5b-9e7f-1a2b3c4d5e6f");
    w.EndObject();
    time_field(w, "startTime", t - 3600 * kSecond);
    w.Key("containers");
    w.StartArray();
    const int containers = 1 + static_cast<int>(r.next(3));
    for (int c = 0; c < containers; ++c) {
      w.StartObject();
      w.Key("name");
      w.String(c == 0 ? "app" : c == 1 ? "istio-proxy" : "log-shipper");
      time_field(w, "startTime", t - 3500 * kSecond);
      cpu_memory_swap_io(w, r, t - static_cast<std::int64_t>(r.next(5)) * kSecond, 1);
      fs(w, "rootfs", r, t);
      fs(w, "logs", r, t);
      w.EndObject();
    }
    w.EndArray();
    cpu_memory_swap_io(w, r, t, 2);
    network(w, r, t);
    w.Key("volume");
    w.StartArray();
    for (const char* v : {"kube-api-access-x7k2p", "config"}) {
      w.StartObject();
      time_field(w, "time", t);
      for (const char* k : {"availableBytes", "capacityBytes", "usedBytes", "inodesFree", "inodes", "inodesUsed"}) {
        number(w, k, r.next(1ull << 33));
      }
      w.Key("name");
      w.String(v);
      w.EndObject();
    }
    w.EndArray();
    fs(w, "ephemeral-storage", r, t);
    w.Key("process_stats");
    w.StartObject();
    number(w, "process_count", r.next(50));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

void run(benchmark::State& state, const std::string& body, const SummaryParseOptions& options) {
  SummaryParser parser;
  NodeBatch batch;
  batch.node_name = "node";
  if (!parser.parse(body, options, batch).is_ok()) {
    state.SkipWithError("parse failed");
    return;
  }
  const std::size_t allocations_before = test::allocations();
  for (auto _ : state) {
    const Status st = parser.parse(body, options, batch);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(batch.containers.data());
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body.size()));
  // pods/s counts pods[] entries (the pod-level samples); every pod here has them.
  state.counters["pods/s"] = benchmark::Counter(iterations * static_cast<double>(batch.pods.size()),
                                                benchmark::Counter::kIsRate);
  state.counters["allocs/parse"] = static_cast<double>(test::allocations() - allocations_before) / iterations;
  state.counters["bytes"] = static_cast<double>(body.size());
}

void BM_ParseV134Fixture(benchmark::State& state) {
  static const std::string body = read_fixture("summary-v1.34-psi-io-newrelic.json");
  run(state, body, SummaryParseOptions{});
}
BENCHMARK(BM_ParseV134Fixture);

void BM_ParseSynthetic110Pods(benchmark::State& state) {
  static const std::string body = synthetic_summary(110);
  run(state, body, SummaryParseOptions{});
}
BENCHMARK(BM_ParseSynthetic110Pods);

void BM_ParseSynthetic110PodsUsageNanoCores(benchmark::State& state) {
  static const std::string body = synthetic_summary(110);
  run(state, body, SummaryParseOptions{true});
}
BENCHMARK(BM_ParseSynthetic110PodsUsageNanoCores);

// The one-shot function: a fresh parser (and its buffers) per call.
void BM_ParseSynthetic110PodsOneShot(benchmark::State& state) {
  static const std::string body = synthetic_summary(110);
  NodeBatch batch;
  const std::size_t allocations_before = test::allocations();
  for (auto _ : state) {
    const Status st = parse_summary(body, SummaryParseOptions{}, batch);
    benchmark::DoNotOptimize(st);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body.size()));
  state.counters["allocs/parse"] =
      static_cast<double>(test::allocations() - allocations_before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ParseSynthetic110PodsOneShot);

}  // namespace
}  // namespace mpf::sources::kubelet_summary

BENCHMARK_MAIN();
