// Fuzz target of the JSON lines codec. The input is split at '|' into names (any bytes: invalid
// UTF-8, control characters, quotes) used for nodes, namespaces, pods and containers; the bytes of
// the first name also choose present bits. Besides "no crash" (ASan/UBSan) it checks, aborting on
// violation, for both shapes: every line is one JSON object in valid UTF-8 without a newline, and in
// the sample shape every name reads back as written (after U+FFFD replacement of invalid bytes).
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "json_line.h"
#include "json_lines_encoder.h"

namespace {

using namespace mpf;
using namespace mpf::sinks::jsonl;

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "invariant failed: %s\n", invariant);
  std::abort();
}

Snapshot build(std::string_view input, std::vector<std::string>& names) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '|') {
      names.emplace_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  auto name = [&](std::size_t i) { return names[i % names.size()]; };
  const auto bits = static_cast<std::uint16_t>(names[0].empty() ? 0 : static_cast<unsigned char>(names[0][0]));
  Snapshot s;
  s.cycle = input.size();
  auto batch = std::make_shared<NodeBatch>();
  batch->node_name = name(0);
  for (std::size_t i = 0; i < names.size() && i < 16; ++i) {
    Usage u;
    u.present = static_cast<std::uint16_t>(bits >> (i % 4));
    u.cpu_nanocores = i;
    u.window_ns = static_cast<std::int64_t>(i) * 1000000007;
    u.timestamp_ns = static_cast<std::int64_t>(i) * 123456789123;
    NodeMetrics node{s.names.intern(name(i)), u, u, 1};
    s.nodes.push_back(node);
    PodMetrics pod;
    pod.node = node.name;
    pod.namespace_name = s.names.intern(name(i + 1));
    pod.name = s.names.intern(name(i + 2));
    pod.usage = u;
    pod.first_container = static_cast<std::uint32_t>(s.containers.size());
    pod.container_count = 1;
    s.pods.push_back(pod);
    s.containers.push_back(ContainerMetrics{s.names.intern(name(i + 3)), u});
    Sample raw;
    raw.cpu_usage_core_ns = i;
    raw.present = kHasCpu;
    batch->add_container(name(i + 1), name(i + 2), name(i + 3), raw);
    s.namespaces.push_back(NamespaceTotals{pod.namespace_name, u, 1});
  }
  s.scrapes.push_back(ScrapeResult{name(1), name(2), Status::permanent(name(3)), FailureReason::kParse, {}, batch});
  return s;
}

void check_lines(const Snapshot& s, JsonShape shape, const std::vector<std::string>& names) {
  EncoderOptions options;
  options.shape = shape;
  options.scrapes = true;
  JsonLinesEncoder encoder(options);
  std::string scratch;
  encoder.encode(s, [&](std::string_view line, std::size_t) {
    require(line.find('\n') == std::string_view::npos, "no newline inside a line");
    std::string copy(line);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(copy.c_str(), copy.size());
    require(!doc.HasParseError() && doc.IsObject(), "a line is one valid JSON object");
    if (shape == JsonShape::kSample && doc.HasMember("node") && std::string_view(doc["kind"].GetString()) == "node") {
      std::string_view got(doc["node"].GetString(), doc["node"].GetStringLength());
      bool found = false;
      for (const auto& n : names) found = found || got == valid_utf8(n, scratch);
      require(found, "a node name reads back as written");
    }
    return true;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> names;
  Snapshot s = build(input, names);
  check_lines(s, JsonShape::kSample, names);
  check_lines(s, JsonShape::kSnapshot, names);
  return 0;
}
