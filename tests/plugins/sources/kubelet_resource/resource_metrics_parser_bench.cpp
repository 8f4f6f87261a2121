// Throughput and allocations of the /metrics/resource decoder on a real v1.21 body (70 pods) and on a
// synthetic body shaped like a current kubelet's for a full node (110 pods x 2 containers, [STABLE]
// HELP texts, start times, pod-level and swap families, resource_scrape_error).
//
//   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release
//   ninja -C build-release resource_metrics_parser_bench
//   build-release/bin/resource_metrics_parser_bench

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "resource_metrics_parser.h"
#include "tests/test_common/alloc_counter.h"
#include "tests/plugins/sources/kubelet_resource/test_util.h"

namespace mpf::sources::kubelet_resource {
namespace {

struct Body {
  std::string text;
  std::size_t series = 0;  // lines that are samples, not comments
};

std::size_t count_series(const std::string& text) {
  std::size_t n = 0;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin && text[begin] != '#') ++n;
    begin = end + 1;
  }
  return n;
}

// Deterministic values that look like a kubelet's (microsecond CPU seconds, Go float formatting).
class Values {
 public:
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }

 private:
  std::uint64_t state_ = 42;
};

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += " ";
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " ";
  out += type;
  out += "\n";
}

Body synthetic_current_node(int pods) {
  Values v;
  char buf[512];
  const char* containers[2] = {"app", "istio-proxy"};
  const auto labels = [&](int pod, int container) {
    std::snprintf(buf, sizeof buf, "{container=\"%s\",namespace=\"team-%02d\",pod=\"service-%03d-7d9f8b6c5d-%05d\"}",
                  containers[container], pod % 12, pod, 10007 * pod % 99991);
    return std::string(buf);
  };
  const auto pod_labels = [&](int pod) {
    std::snprintf(buf, sizeof buf, "{namespace=\"team-%02d\",pod=\"service-%03d-7d9f8b6c5d-%05d\"}", pod % 12, pod,
                  10007 * pod % 99991);
    return std::string(buf);
  };
  const std::int64_t now_ms = 1767225600000;  // 2026-01-01
  std::string out;
  const auto line = [&](const std::string& name_and_labels, const char* value, bool with_timestamp) {
    out += name_and_labels;
    out += ' ';
    out += value;
    if (with_timestamp) {
      out += ' ';
      out += std::to_string(now_ms - static_cast<std::int64_t>(v.next() % 15000));
    }
    out += '\n';
  };
  char value[64];
  const auto cpu = [&] {
    std::snprintf(value, sizeof value, "%.6f", static_cast<double>(v.next() % 100000000) / 1000.0);
    return value;
  };
  const auto bytes = [&] {
    std::snprintf(value, sizeof value, "%.9g", static_cast<double>(v.next() % 2000000 + 1) * 4096.0);
    return value;
  };
  const auto start = [&] {
    std::snprintf(value, sizeof value, "%.17g", 1.7672e9 + static_cast<double>(v.next() % 1000000) / 997.0);
    return value;
  };

  struct ContainerFamily {
    const char* name;
    const char* type;
    const char* help;
    int kind;  // 0 cpu, 1 bytes, 2 start time (no timestamp since kubelet 1.29)
  };
  const ContainerFamily container_families[] = {
      {"container_cpu_usage_seconds_total", "counter",
       "[STABLE] Cumulative cpu time consumed by the container in core-seconds", 0},
      {"container_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the container in bytes", 1},
      {"container_start_time_seconds", "gauge", "[STABLE] Start time of the container since unix epoch in seconds", 2},
      {"container_swap_limit_bytes", "gauge",
       "[ALPHA] Current amount of the container swap limit in bytes. Reported only on non-windows systems", 1},
      {"container_swap_usage_bytes", "gauge",
       "[ALPHA] Current amount of the container swap usage in bytes. Reported only on non-windows systems", 1},
  };
  for (const ContainerFamily& f : container_families) {
    family(out, f.name, f.type, f.help);
    for (int p = 0; p < pods; ++p) {
      for (int c = 0; c < 2; ++c) {
        const char* text = f.kind == 0 ? cpu() : f.kind == 1 ? bytes() : start();
        line(f.name + labels(p, c), text, f.kind != 2);
      }
    }
  }
  family(out, "node_cpu_usage_seconds_total", "counter",
         "[STABLE] Cumulative cpu time consumed by the node in core-seconds");
  line("node_cpu_usage_seconds_total", "785412.123456", true);
  family(out, "node_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the node in bytes");
  line("node_memory_working_set_bytes", "2.4737562624e+10", true);
  family(out, "node_swap_usage_bytes", "gauge",
         "[ALPHA] Current swap usage of the node in bytes. Reported only on non-windows systems");
  line("node_swap_usage_bytes", "0", true);
  const ContainerFamily pod_families[] = {
      {"pod_cpu_usage_seconds_total", "counter", "[STABLE] Cumulative cpu time consumed by the pod in core-seconds", 0},
      {"pod_memory_working_set_bytes", "gauge", "[STABLE] Current working set of the pod in bytes", 1},
      {"pod_swap_usage_bytes", "gauge",
       "[ALPHA] Current amount of the pod swap usage in bytes. Reported only on non-windows systems", 1},
  };
  for (const ContainerFamily& f : pod_families) {
    family(out, f.name, f.type, f.help);
    for (int p = 0; p < pods; ++p) line(f.name + pod_labels(p), f.kind == 0 ? cpu() : bytes(), true);
  }
  family(out, "resource_scrape_error", "gauge",
         "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise");
  line("resource_scrape_error", "0", false);
  return Body{out, count_series(out)};
}

Body fixture_70_pods() {
  std::string text = testing::read_fixture("resource-v1.21-kind-70pods-no-starttime-metrics-server.txt");
  if (text.empty()) std::fprintf(stderr, "fixture not found under %s\n", MPF_TEST_SOURCE_DIR);
  const std::size_t series = count_series(text);
  return Body{std::move(text), series};
}

using ParseFn = Status (*)(std::string_view, const ResourceParseOptions&, NodeBatch&);

void run(benchmark::State& state, const Body& body, ParseFn parse, bool reuse_batch) {
  NodeBatch batch;
  if (!parse(body.text, ResourceParseOptions{}, batch).is_ok()) {
    state.SkipWithError("the body does not parse");
    return;
  }
  const std::size_t before = test::allocations();
  for (auto _ : state) {
    if (!reuse_batch) batch = NodeBatch();
    Status status = parse(body.text, ResourceParseOptions{}, batch);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(batch.containers.data());
    benchmark::ClobberMemory();
  }
  const double allocations = static_cast<double>(test::allocations() - before);
  const auto iterations = static_cast<double>(state.iterations());
  const double samples = iterations * static_cast<double>(body.series);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body.text.size()));
  state.counters["samples"] = benchmark::Counter(samples, benchmark::Counter::kIsRate);
  state.counters["allocs/sample"] = allocations / samples;
  state.counters["body_bytes"] = static_cast<double>(body.text.size());
  state.counters["series"] = static_cast<double>(body.series);
}

void BM_Fixture70Pods(benchmark::State& state) {
  static const Body body = fixture_70_pods();
  run(state, body, &parse_resource_metrics, true);
}
BENCHMARK(BM_Fixture70Pods);

void BM_Fixture70PodsFreshBatch(benchmark::State& state) {
  static const Body body = fixture_70_pods();
  run(state, body, &parse_resource_metrics, false);
}
BENCHMARK(BM_Fixture70PodsFreshBatch);

void BM_Current110Pods(benchmark::State& state) {
  static const Body body = synthetic_current_node(110);
  run(state, body, &parse_resource_metrics, true);
}
BENCHMARK(BM_Current110Pods);

void BM_Current110PodsNoLabelCache(benchmark::State& state) {
  static const Body body = synthetic_current_node(110);
  run(state, body, &parse_resource_metrics_uncached_for_test, true);
}
BENCHMARK(BM_Current110PodsNoLabelCache);

}  // namespace
}  // namespace mpf::sources::kubelet_resource

BENCHMARK_MAIN();
