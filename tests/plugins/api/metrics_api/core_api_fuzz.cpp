// Fuzzes standalone mode's core API and the host-fact parsers. The input is split at newlines into
// method, path, query and Accept; CoreApi::handle answers it from a small fixed inventory. Any bytes
// give 200, 400, 404 or 405 with a body that is valid JSON (a Status unless 200, an object with a
// "kind" when 200). The whole input also goes through the /proc and os-release parsers.
#include <rapidjson/reader.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "metrics_api/core_api.h"
#include "metrics_api/local_node.h"
#include "metrics_api/standalone_inventory.h"
#include "mpf/sdk/http_server.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// The next line of `rest` (without its '\n'), removed from it.
std::string_view next_line(std::string_view& rest) {
  const std::size_t newline = rest.find('\n');
  std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

// What the checks need of a body: whether it is JSON, and its top-level "kind" and "code". A SAX
// reader parsing a copy in place with numbers as text: RapidJSON 1.1's Document (and the reader's own
// stack, which in-situ parsing never touches) offsets a null pointer on its first push, which UBSan
// reports.
struct TopLevel : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TopLevel> {
  int depth = 0;
  bool object = false;
  std::string key;
  std::string kind;
  std::string code;
  bool has_kind = false;

  bool Default() { return true; }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (depth == 1 && key == "kind") {
      kind.assign(text, length);
      has_kind = true;
    }
    return true;
  }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    if (depth == 1 && key == "code") code.assign(text, length);
    return true;
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    if (depth == 1) key.assign(text, length);
    return true;
  }
  bool StartObject() {
    if (depth == 0) object = true;
    ++depth;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth;
    return true;
  }
  bool StartArray() {
    ++depth;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth;
    return true;
  }
};

// Parses `body` as one JSON value (valid UTF-8, nothing after it) into `top`.
bool parse_json(const std::string& body, TopLevel& top) {
  std::string copy = body;
  copy += '\0';
  rapidjson::InsituStringStream stream(copy.data());
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag;
  if (reader.Parse<kFlags>(stream, top).IsError()) return false;
  // Only whitespace may follow (the compact bodies' newline); a NUL would have ended the body early.
  for (std::size_t i = stream.Tell(); i < body.size(); ++i) {
    if (body[i] != '\n' && body[i] != ' ' && body[i] != '\t' && body[i] != '\r') return false;
  }
  return true;
}

mpf::api::metrics::LocalNodeFacts facts() {
  mpf::api::metrics::LocalNodeFacts f;
  f.hostname = "fuzz-node";
  f.cpus = 2;
  f.memory_bytes = 4096ULL << 20;
  f.boot_time_ns = 1633253824000000000;
  f.architecture = "amd64";
  f.os_image = "Linux";
  return f;
}

std::shared_ptr<const mpf::api::metrics::StandaloneInventory> inventory() {
  mpf::Snapshot s;
  s.cycle = 2;
  auto batch = std::make_shared<mpf::NodeBatch>();
  batch->node_name = "fuzz-node";
  mpf::Sample sample;
  sample.start_time_ns = 1633253900000000000;
  sample.present = mpf::kHasStartTime;
  batch->add_container("default", "web", "app", sample);
  batch->add_container("kube-system", "dns", "coredns", sample);
  mpf::ScrapeResult scrape;
  scrape.target = "fuzz-node";
  scrape.batch = batch;
  s.scrapes.push_back(scrape);
  return mpf::api::metrics::build_standalone_inventory(s, facts());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto kInventory = inventory();
  static const mpf::api::metrics::CoreApi kApi(facts(), "127.0.0.1:4443");

  std::string_view rest = text;
  mpf::ServerRequest request;
  request.method = next_line(rest);
  request.path = next_line(rest);
  request.query = next_line(rest);
  const std::string_view accept = next_line(rest);
  request.headers.emplace_back("Accept", accept);
  request.headers.emplace_back("User-Agent", rest);  // curl-like agents get pretty bodies
  const std::string target = std::string(request.path) + "?" + std::string(request.query);
  request.target = target;

  mpf::ServerResponse response;
  kApi.handle(request, *kInventory, 1633254000000000000, response);
  check(response.status == 200 || response.status == 400 || response.status == 404 || response.status == 405);
  check(response.content_type == "application/json");
  TopLevel body;
  check(parse_json(response.body, body) && body.object && body.has_kind);
  if (response.status == 200) {
    check(body.kind != "Status" && !body.kind.empty());
    check(request.method == "GET");
  } else {
    check(body.kind == "Status");
    check(body.code == std::to_string(response.status));
  }

  const std::uint64_t memory = mpf::api::metrics::meminfo_total_bytes(text);
  check(memory % 1024 == 0);
  check(mpf::api::metrics::proc_stat_boot_seconds(text) >= 0);
  check(!mpf::api::metrics::os_release_pretty_name(text).empty());
  (void)mpf::api::metrics::go_arch(text);
  return 0;
}
