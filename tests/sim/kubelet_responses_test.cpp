#include "tests/sim/kubelet_responses.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/sim/exposition_checker.h"

namespace mpf::sim {
namespace {

using test::check_exposition;
using test::Exposition;
using test::Family;
using test::Sample;

constexpr int64_t kMs = 1000000;
const std::string kFixtures = std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/kubelet/";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

ModelConfig config_30x2() {
  ModelConfig config;
  config.seed = 42;
  config.nodes = 4;
  return config;
}

int64_t now_ms() { return kDefaultAnchorUnixNs / kMs + 90000; }

Exposition render_and_check(const ClusterModel& model, size_t node, int64_t at_ms, KubeletShape shape) {
  std::string text;
  render_resource_metrics(model, node, at_ms, ResourceMetricsOptions{shape}, text);
  auto [exposition, error] = check_exposition(text);
  EXPECT_TRUE(exposition) << error;
  return exposition ? *exposition : Exposition{};
}

std::string series_key(const Sample& s) {
  return s.label("container") + "|" + s.label("namespace") + "|" + s.label("pod");
}

TEST(ResourceMetricsTest, CurrentShapeHasTheCurrentFamiliesInOrder) {
  const ClusterModel model(config_30x2());
  const Exposition e = render_and_check(model, 0, now_ms(), KubeletShape::kCurrent);
  std::vector<std::string> names;
  for (const Family& f : e.families) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
                       "container_start_time_seconds", "container_swap_limit_bytes", "container_swap_usage_bytes",
                       "node_cpu_usage_seconds_total", "node_memory_working_set_bytes", "node_swap_usage_bytes",
                       "pod_cpu_usage_seconds_total", "pod_memory_working_set_bytes", "pod_swap_usage_bytes",
                       "resource_scrape_error"}));
  EXPECT_EQ(e.find("container_cpu_usage_seconds_total")->samples.size(), 60u);
  EXPECT_EQ(e.find("pod_cpu_usage_seconds_total")->samples.size(), 30u);
  EXPECT_EQ(e.find("resource_scrape_error")->samples.at(0).value_text, "0");
}

TEST(ResourceMetricsTest, HelpAndTypeLinesAreTheCatalogs) {
  const std::vector<std::string> catalog =
      lines_of(read_file(kFixtures + "resource/kubelet-resource-metrics-help-type-catalog-k8s-master.txt"));
  ASSERT_EQ(catalog.size(), 30u);
  const std::set<std::string> catalog_lines(catalog.begin(), catalog.end());
  const ClusterModel model(config_30x2());
  const Exposition e = render_and_check(model, 1, now_ms(), KubeletShape::kCurrent);
  for (const Family& f : e.families) {
    EXPECT_TRUE(catalog_lines.count(f.help_line)) << f.help_line;
    EXPECT_TRUE(catalog_lines.count(f.type_line)) << f.type_line;
  }
}

TEST(ResourceMetricsTest, TimestampsAreWhereTheKubeletPutsThem) {
  const ClusterModel model(config_30x2());
  const Exposition e = render_and_check(model, 0, now_ms(), KubeletShape::kCurrent);
  for (const Family& f : e.families) {
    const bool untimed = f.name == "container_start_time_seconds" || f.name == "resource_scrape_error";
    for (const Sample& s : f.samples) {
      EXPECT_EQ(s.timestamp_ms.has_value(), !untimed) << f.name;
      if (s.timestamp_ms) {
        EXPECT_LE(*s.timestamp_ms, now_ms());
        EXPECT_GT(*s.timestamp_ms, now_ms() - 10000);
      }
    }
  }
  // Node swap carries the node memory stats time.
  EXPECT_EQ(e.find("node_swap_usage_bytes")->samples[0].timestamp_ms,
            e.find("node_memory_working_set_bytes")->samples[0].timestamp_ms);
  // Each container series has its own stats time, CPU and memory of one container the same.
  std::set<int64_t> times;
  const Family* cpu = e.find("container_cpu_usage_seconds_total");
  const Family* memory = e.find("container_memory_working_set_bytes");
  for (size_t i = 0; i < cpu->samples.size(); ++i) {
    times.insert(*cpu->samples[i].timestamp_ms);
    EXPECT_EQ(cpu->samples[i].timestamp_ms, memory->samples[i].timestamp_ms);
  }
  EXPECT_GT(times.size(), 30u);
}

TEST(ResourceMetricsTest, ValuesComeFromTheModel) {
  const ClusterModel model(config_30x2());
  const Exposition e = render_and_check(model, 2, now_ms(), KubeletShape::kCurrent);
  const NodeSpec& node = model.node(2);
  std::map<std::string, std::pair<size_t, size_t>> index;
  for (size_t p = 0; p < node.pods.size(); ++p) {
    for (size_t c = 0; c < node.pods[p].containers.size(); ++c) {
      index[node.pods[p].containers[c].name + "|" + node.pods[p].namespace_name + "|" + node.pods[p].name] = {p, c};
    }
  }
  for (const Sample& s : e.find("container_memory_working_set_bytes")->samples) {
    ASSERT_TRUE(index.count(series_key(s))) << series_key(s);
    const auto [p, c] = index[series_key(s)];
    EXPECT_EQ(static_cast<uint64_t>(s.value), model.container_working_set_bytes(2, p, c));
  }
  for (const Sample& s : e.find("container_start_time_seconds")->samples) {
    const auto [p, c] = index[series_key(s)];
    EXPECT_EQ(s.value, static_cast<double>(node.pods[p].containers[c].start_unix_ns) / 1e9);
  }
  const NodeSample ns = model.sample_node(2, now_ms());
  EXPECT_EQ(e.find("node_memory_working_set_bytes")->samples[0].value, static_cast<double>(ns.usage.working_set_bytes));
  EXPECT_EQ(e.find("node_cpu_usage_seconds_total")->samples[0].value, static_cast<double>(ns.usage.cpu_core_ns) / 1e9);
}

// What a consumer does: parse two scrapes, divide the counter difference by the timestamp difference.
TEST(ResourceMetricsTest, RatesAreRecoverableFromTwoRenders) {
  const ClusterModel model(config_30x2());
  const size_t node = 3;
  const Exposition first = render_and_check(model, node, now_ms(), KubeletShape::kCurrent);
  const Exposition second = render_and_check(model, node, now_ms() + 15000, KubeletShape::kCurrent);
  const auto rate_of = [](const Sample& a, const Sample& b) {
    const auto ns_a = static_cast<int64_t>(std::llround(a.value * 1e9));
    const auto ns_b = static_cast<int64_t>(std::llround(b.value * 1e9));
    return static_cast<double>(ns_b - ns_a) * 1000.0 / static_cast<double>(*b.timestamp_ms - *a.timestamp_ms);
  };
  const NodeSpec& spec = model.node(node);
  std::map<std::string, uint64_t> expected;
  for (size_t p = 0; p < spec.pods.size(); ++p) {
    expected["pod|" + spec.pods[p].namespace_name + "|" + spec.pods[p].name] = model.pod_cpu_nanocores(node, p);
    for (size_t c = 0; c < spec.pods[p].containers.size(); ++c) {
      expected[spec.pods[p].containers[c].name + "|" + spec.pods[p].namespace_name + "|" + spec.pods[p].name] =
          model.container_cpu_nanocores(node, p, c);
    }
  }
  const auto& a = first.find("container_cpu_usage_seconds_total")->samples;
  const auto& b = second.find("container_cpu_usage_seconds_total")->samples;
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(series_key(a[i]), series_key(b[i]));
    EXPECT_NEAR(rate_of(a[i], b[i]), static_cast<double>(expected[series_key(a[i])]), 1.0) << series_key(a[i]);
  }
  const auto& pa = first.find("pod_cpu_usage_seconds_total")->samples;
  const auto& pb = second.find("pod_cpu_usage_seconds_total")->samples;
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_NEAR(rate_of(pa[i], pb[i]), static_cast<double>(expected["pod" + series_key(pa[i])]), 1.0);
  }
  EXPECT_NEAR(rate_of(first.find("node_cpu_usage_seconds_total")->samples[0],
                      second.find("node_cpu_usage_seconds_total")->samples[0]),
              static_cast<double>(model.node_cpu_nanocores(node)), 1.0);
}

TEST(ResourceMetricsTest, V128ShapeMatchesTheKind2024Fixture) {
  const std::string fixture = read_file(kFixtures + "resource/resource-2024-kind-alpha-cgroupv2-usec-songleo-blog.txt");
  std::set<std::string> fixture_headers;
  for (const std::string& line : lines_of(fixture)) {
    if (line.rfind("# ", 0) == 0) fixture_headers.insert(line);
  }
  const ClusterModel model(config_30x2());
  const Exposition e = render_and_check(model, 0, now_ms(), KubeletShape::kV128);
  std::vector<std::string> names;
  for (const Family& f : e.families) {
    names.push_back(f.name);
    EXPECT_TRUE(fixture_headers.count(f.help_line)) << f.help_line;
    EXPECT_TRUE(fixture_headers.count(f.type_line)) << f.type_line;
  }
  EXPECT_EQ(names.size(), 8u);
  EXPECT_EQ(names.back(), "scrape_error");
  // The start time carries its own value as timestamp (kubernetes #117880).
  for (const Sample& s : e.find("container_start_time_seconds")->samples) {
    ASSERT_TRUE(s.timestamp_ms);
    EXPECT_EQ(*s.timestamp_ms, static_cast<int64_t>(s.value * 1000));
  }
  // And the fixture itself passes the same checker.
  auto [parsed, error] = check_exposition(fixture);
  EXPECT_TRUE(parsed) << error;
}

TEST(ResourceMetricsTest, ZeroNodeReportsZeros) {
  ClusterModel model(config_30x2());
  model.set_counter_mode(1, CounterMode::kZero, 0);
  const Exposition e = render_and_check(model, 1, now_ms(), KubeletShape::kCurrent);
  for (const Family& f : e.families) {
    if (f.name == "container_start_time_seconds") continue;
    for (const Sample& s : f.samples) EXPECT_EQ(s.value, 0) << f.name;
  }
  EXPECT_EQ(e.find("container_cpu_usage_seconds_total")->samples.size(), 60u);
}

TEST(ResourceMetricsTest, PodsThatHaveNotStartedAreLeftOut) {
  ModelConfig config = config_30x2();
  config.stats_interval_ms = 0;
  ClusterModel model(config);
  model.rename_pods(1, now_ms() * kMs);  // The renamed pods start now; their containers a little later.
  size_t renamed = 0;
  for (const PodSpec& pod : model.node(0).pods) renamed += pod.churn_slot == 0 ? 1 : 0;
  ASSERT_GT(renamed, 0u);
  const Exposition e = render_and_check(model, 0, now_ms(), KubeletShape::kCurrent);
  EXPECT_EQ(e.find("pod_cpu_usage_seconds_total")->samples.size(), 30 - renamed);
  EXPECT_EQ(e.find("container_cpu_usage_seconds_total")->samples.size(), 2 * (30 - renamed));
  const Exposition later = render_and_check(model, 0, now_ms() + 20000, KubeletShape::kCurrent);
  EXPECT_EQ(later.find("container_cpu_usage_seconds_total")->samples.size(), 60u);
}

TEST(ResourceMetricsTest, RenderIsFastAndKubeletSized) {
  const ClusterModel model(config_30x2());
  std::string out;
  render_resource_metrics(model, 0, now_ms(), {}, out);
  // A real 30-pod node answers with about 45-55 kB in this shape.
  EXPECT_GT(out.size(), 30000u);
  EXPECT_LT(out.size(), 80000u);
  const int rounds = 2000;
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    out.clear();
    render_resource_metrics(model, static_cast<size_t>(i) % 4, now_ms() + i, {}, out);
  }
  const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - began).count() / rounds;
  std::printf("render /metrics/resource 30x2: %zu bytes, %.1f us per render\n", out.size(), us);
  // W5000 = 5000 renders per 15 s; even 1 ms each would be a third of a core. Typical: ~50 us.
  EXPECT_LT(us, 1000.0);
}

// ---- /stats/summary ----

std::set<std::string> keys_of(const rapidjson::Value& object) {
  std::set<std::string> keys;
  for (const auto& m : object.GetObject()) keys.insert(m.name.GetString());
  return keys;
}

void expect_subset(const std::set<std::string>& ours, const std::set<std::string>& reference, const std::string& what) {
  for (const std::string& k : ours) EXPECT_TRUE(reference.count(k)) << what << " has key " << k << " unknown to v1.34";
}

bool is_rfc3339(const rapidjson::Value& v) {
  static const std::regex kTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  return v.IsString() && std::regex_match(v.GetString(), kTime);
}

TEST(SummaryTest, IsValidJsonInTheV134Shape) {
  const ClusterModel model(config_30x2());
  std::string json;
  render_summary(model, 0, now_ms(), {}, json);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError());
  rapidjson::Document fixture;
  ASSERT_FALSE(fixture.Parse(read_file(kFixtures + "summary/summary-v1.34-psi-io-newrelic.json").c_str()).HasParseError());

  const auto& node = doc["node"];
  const auto& fnode = fixture["node"];
  EXPECT_EQ(std::string(node["nodeName"].GetString()), "node-00001");
  EXPECT_TRUE(is_rfc3339(node["startTime"]));
  expect_subset(keys_of(node), keys_of(fnode), "node");
  for (const char* block : {"cpu", "memory", "swap"}) {
    ASSERT_TRUE(node.HasMember(block)) << block;
    EXPECT_EQ(keys_of(node[block]), keys_of(fnode[block])) << block;
    EXPECT_TRUE(is_rfc3339(node[block]["time"]));
  }
  ASSERT_EQ(node["systemContainers"].Size(), 2u);
  EXPECT_EQ(std::string(node["systemContainers"][0]["name"].GetString()), "kubelet");
  EXPECT_EQ(std::string(node["systemContainers"][1]["name"].GetString()), "pods");
  EXPECT_EQ(node["cpu"]["usageNanoCores"].GetUint64(), model.node_cpu_nanocores(0));
  EXPECT_EQ(node["cpu"]["usageCoreNanoSeconds"].GetUint64(), model.sample_node(0, now_ms()).usage.cpu_core_ns);
  EXPECT_EQ(node["memory"]["workingSetBytes"].GetUint64(), model.node_working_set_bytes(0));

  const auto& pods = doc["pods"];
  ASSERT_EQ(pods.Size(), 30u);
  const auto& fpod = fixture["pods"][0];
  const auto& fcontainer = fpod["containers"][0];
  for (rapidjson::SizeType p = 0; p < pods.Size(); ++p) {
    const auto& pod = pods[p];
    const PodSpec& spec = model.node(0).pods[p];
    expect_subset(keys_of(pod), keys_of(fpod), "pod");
    EXPECT_EQ(keys_of(pod["podRef"]), keys_of(fpod["podRef"]));
    EXPECT_EQ(std::string(pod["podRef"]["name"].GetString()), spec.name);
    EXPECT_EQ(std::string(pod["podRef"]["namespace"].GetString()), spec.namespace_name);
    EXPECT_EQ(std::string(pod["podRef"]["uid"].GetString()), spec.uid);
    EXPECT_TRUE(is_rfc3339(pod["startTime"]));
    EXPECT_EQ(keys_of(pod["cpu"]), keys_of(fpod["cpu"]));
    expect_subset(keys_of(pod["memory"]), keys_of(fpod["memory"]), "pod memory");
    EXPECT_EQ(keys_of(pod["swap"]), keys_of(fpod["swap"]));
    ASSERT_EQ(pod["containers"].Size(), 2u);
    for (rapidjson::SizeType c = 0; c < 2; ++c) {
      const auto& container = pod["containers"][c];
      expect_subset(keys_of(container), keys_of(fcontainer), "container");
      EXPECT_EQ(keys_of(container["cpu"]), keys_of(fcontainer["cpu"]));
      expect_subset(keys_of(container["memory"]), keys_of(fcontainer["memory"]), "container memory");
      EXPECT_EQ(keys_of(container["swap"]), keys_of(fcontainer["swap"]));
      EXPECT_TRUE(is_rfc3339(container["cpu"]["time"]));
      EXPECT_EQ(std::string(container["name"].GetString()), spec.containers[c].name);
      EXPECT_EQ(container["cpu"]["usageNanoCores"].GetUint64(), model.container_cpu_nanocores(0, p, c));
      EXPECT_EQ(container["cpu"]["usageCoreNanoSeconds"].GetUint64(),
                model.sample_container(0, p, c, now_ms()).usage.cpu_core_ns);
      EXPECT_EQ(container["memory"]["workingSetBytes"].GetUint64(), model.container_working_set_bytes(0, p, c));
      EXPECT_EQ(container["memory"].HasMember("availableBytes"), spec.containers[c].memory_limit_bytes != 0);
    }
  }
}

TEST(SummaryTest, IsPrettyPrintedLikeGoRestful) {
  const ClusterModel model(config_30x2());
  std::string json;
  render_summary(model, 0, now_ms(), {}, json);
  EXPECT_EQ(json.substr(0, 29), "{\n \"node\": {\n  \"nodeName\": \"n");
  EXPECT_NE(json.find("\"avg10\": "), std::string::npos);
  EXPECT_EQ(json.find(".0,"), std::string::npos) << "Go prints whole floats without .0";
  std::string compact;
  SummaryOptions options;
  options.pretty = false;
  render_summary(model, 0, now_ms(), options, compact);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  rapidjson::Document a;
  rapidjson::Document b;
  a.Parse(json.c_str());
  b.Parse(compact.c_str());
  EXPECT_TRUE(a == b);
}

TEST(SummaryTest, ZeroNodeLooksLikeTheKnownIssue) {
  ClusterModel model(config_30x2());
  model.set_counter_mode(0, CounterMode::kZero, 0);
  std::string json;
  render_summary(model, 0, now_ms(), {}, json);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError());
  const auto& node = doc["node"];
  EXPECT_EQ(node["cpu"]["usageNanoCores"].GetUint64(), 0u);
  EXPECT_EQ(node["cpu"]["usageCoreNanoSeconds"].GetUint64(), 0u);
  EXPECT_EQ(node["memory"]["workingSetBytes"].GetUint64(), 0u);
  EXPECT_GT(node["memory"]["availableBytes"].GetUint64(), 0u);
  for (const auto& pod : doc["pods"].GetArray()) {
    for (const auto& c : pod["containers"].GetArray()) {
      EXPECT_EQ(c["cpu"]["usageCoreNanoSeconds"].GetUint64(), 0u);
      EXPECT_EQ(c["memory"]["workingSetBytes"].GetUint64(), 0u);
    }
  }
}

}  // namespace
}  // namespace mpf::sim
