#include "core/config/yaml_writer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/config/yaml_loader.h"

namespace mpf::core {
namespace {

ConfigValue scalar(std::string text) { return ConfigValue::scalar(std::move(text)); }

const EnvLookup& no_env() {
  static const EnvLookup env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  return env;
}

// Writes, reads back and compares; returns the text for diagnostics.
void expect_round_trip(const ConfigValue& value) {
  std::string text = write_yaml(value);
  Result<ConfigValue> loaded = load_yaml_text(text, "written.yaml", no_env());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message() << "\n--- written:\n" << text;
  EXPECT_EQ(*loaded, value) << "--- written:\n" << text << "--- read back:\n" << write_yaml(*loaded);

  std::string flow = write_yaml_flow(value);
  Result<ConfigValue> loaded_flow = load_yaml_text(flow, "flow.yaml", no_env());
  ASSERT_TRUE(loaded_flow.is_ok()) << loaded_flow.status().message() << "\n--- written:\n" << flow;
  EXPECT_EQ(*loaded_flow, value) << "--- written:\n" << flow;
}

TEST(YamlWriter, WritesBlockStyleWithTwoSpaceIndent) {
  ConfigValue options = ConfigValue::map();
  options.set("port", scalar("10250"));
  options.set("nodes", ConfigValue::list());
  options.set("labels", ConfigValue::map());
  options.set("extra", ConfigValue());
  ConfigValue entry = ConfigValue::map();
  entry.set("plugin", scalar("kubelet_resource"));
  entry.set("options", options);
  ConfigValue sources = ConfigValue::list();
  sources.push_back(entry);
  ConfigValue hosts = ConfigValue::list();
  hosts.push_back(scalar("a"));
  hosts.push_back(scalar("b"));
  ConfigValue global = ConfigValue::map();
  global.set("resolution", scalar("15s"));
  global.set("plugins", hosts);
  ConfigValue nested = ConfigValue::list();
  nested.push_back(hosts);
  nested.push_back(scalar("c"));
  ConfigValue document = ConfigValue::map();
  document.set("global", global);
  document.set("sources", sources);
  document.set("nested", nested);

  EXPECT_EQ(write_yaml(document),
            "global:\n"
            "  resolution: 15s\n"
            "  plugins:\n"
            "    - a\n"
            "    - b\n"
            "sources:\n"
            "  - plugin: kubelet_resource\n"
            "    options:\n"
            "      port: 10250\n"
            "      nodes: []\n"
            "      labels: {}\n"
            "      extra: null\n"
            "nested:\n"
            "  - - a\n"
            "    - b\n"
            "  - c\n");
  expect_round_trip(document);
}

TEST(YamlWriter, WritesTopLevelInlineValues) {
  EXPECT_EQ(write_yaml(ConfigValue::map()), "{}\n");
  EXPECT_EQ(write_yaml(ConfigValue::list()), "[]\n");
  EXPECT_EQ(write_yaml(ConfigValue()), "null\n");
  EXPECT_EQ(write_yaml(scalar("x")), "x\n");
}

TEST(YamlWriter, WritesFlowStyle) {
  ConfigValue list = ConfigValue::list();
  list.push_back(scalar("a"));
  list.push_back(scalar("b c"));
  ConfigValue map = ConfigValue::map();
  map.set("k", list);
  map.set("n", ConfigValue());
  map.set("e", scalar(""));
  EXPECT_EQ(write_yaml_flow(map), "{k: [a, b c], n: null, e: \"\"}");
}

TEST(YamlWriter, LeavesPlainScalarsUnquoted) {
  for (std::string text : {"kubelet_resource", "15s", "1.5", "x-y", "true", "http//host/path", "a b", "~user",
                           "nullable", "$HOME", "a=b;c", "(x)", "<<", "10250"}) {
    EXPECT_EQ(write_yaml_flow(scalar(text)), text);
  }
}

TEST(YamlWriter, QuotesScalarsThatWouldNotReadBackAsTheSameText) {
  EXPECT_EQ(write_yaml_flow(scalar("")), "\"\"");
  EXPECT_EQ(write_yaml_flow(scalar("null")), "\"null\"");
  EXPECT_EQ(write_yaml_flow(scalar("~")), "\"~\"");
  EXPECT_EQ(write_yaml_flow(scalar(" lead")), "\" lead\"");
  EXPECT_EQ(write_yaml_flow(scalar("trail ")), "\"trail \"");
  EXPECT_EQ(write_yaml_flow(scalar("-1")), "\"-1\"");
  EXPECT_EQ(write_yaml_flow(scalar("http://host:9090")), "\"http://host:9090\"");
  EXPECT_EQ(write_yaml_flow(scalar("a\"b\\c")), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(write_yaml_flow(scalar("line\nnext\ttab\x01")), "\"line\\nnext\\ttab\\x01\"");
  EXPECT_EQ(write_yaml_flow(scalar("...")), "\"...\"");
  for (char c : std::string(":#{}[],&*!|>'\"%@`?\\")) {
    std::string text = std::string("a") + c;
    EXPECT_EQ(write_yaml_flow(scalar(text)).front(), '"') << text;
  }
}

TEST(YamlWriter, EscapesDollarBraceInValuesButNotInKeys) {
  ConfigValue map = ConfigValue::map();
  map.set("${KEY}", scalar("${VALUE}"));
  EXPECT_EQ(write_yaml(map), "\"${KEY}\": \"$${VALUE}\"\n");
  expect_round_trip(map);
}

TEST(YamlWriter, RoundTripsEdgeCases) {
  // clang-format off
  std::vector<std::string> texts = {
      "", " ", "null", "Null", "NULL", "~", "---", "...", "- a", "? a", "a: b", "a #b",
      "#", "'", "\"", "\\", "${X}", "$${X}", "$$${X}", "${", "$", "$$", "a\nb", "\n",
      "\r\n", "\t", "x\x7f", "\xC3\xA9 \xC2\xB5s", "\xE2\x80\xA8", "\xC2\x85", "\xEF\xBB\xBF",
      "[1, 2]", "{a: 1}", "&a", "*a", "!tag", "|", ">", "%YAML", "@", "`", "a  b",
      "0x1F", "1e3", "true", "<<", "=", "a,b", "key:", ":", "-", "--", "?"};
  // clang-format on
  for (const std::string& text : texts) {
    SCOPED_TRACE("text: [" + text + "]");
    expect_round_trip(scalar(text));
    ConfigValue map = ConfigValue::map();
    map.set(text, scalar(text));
    expect_round_trip(map);
    ConfigValue list = ConfigValue::list();
    list.push_back(scalar(text));
    list.push_back(map);
    expect_round_trip(list);
  }
}

// YAML caps implicit keys at 1024 characters, and escaping makes a short key long: a 400-byte key of
// control characters is 1600 characters written. Such keys need the explicit `? key` form.
TEST(YamlWriter, RoundTripsKeysLongerThanAnImplicitKeyMayBe) {
  for (const std::string& key : {std::string(1500, 'k'), std::string(400, '\x15'), std::string(1020, 'k') + "\x01"}) {
    SCOPED_TRACE("key length " + std::to_string(key.size()));
    ConfigValue map = ConfigValue::map();
    map.set(key, scalar("v"));
    map.set("after", scalar("w"));
    expect_round_trip(map);
    ConfigValue nested = ConfigValue::map();
    ConfigValue inner = ConfigValue::list();
    inner.push_back(map);
    nested.set(key, inner);
    expect_round_trip(nested);
  }
}

// Random trees over the characters that matter to YAML; each seed is a reproducible case.
class TreeGenerator {
 public:
  explicit TreeGenerator(unsigned seed) : rng_(seed) {}

  ConfigValue tree(int depth) {
    int kind = pick(depth > 0 ? 4 : 2);
    switch (kind) {
      case 0: return ConfigValue();
      case 1: return ConfigValue::scalar(text());
      case 2: {
        ConfigValue list = ConfigValue::list();
        for (int i = pick(4); i > 0; --i) list.push_back(tree(depth - 1));
        return list;
      }
      default: {
        ConfigValue map = ConfigValue::map();
        for (int i = pick(5); i > 0; --i) map.set(text(), tree(depth - 1));
        return map;
      }
    }
  }

  std::string text() {
    static const std::vector<std::string> kPieces = {
        "a",    "plugin", "15s", " ",        "  ",       ":",  ": ", "#",  " #",  "-", "- ",   "?",
        "{",    "}",      "[",   "]",        ",",        "&",  "*",  "!",  "|",   ">", "'",    "\"",
        "%",    "@",      "`",   "\\",       "\n",       "\t", "$",  "${", "$${", "}", "null", "~",
        "true", "...",    "---", "\xC3\xA9", "\xC2\xB5", "0",  "-1", ".5", "<<",  "=", "/",    "x y"};
    std::string out;
    for (int i = pick(5); i > 0; --i) out += kPieces[static_cast<std::size_t>(pick(static_cast<int>(kPieces.size())))];
    return out;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::mt19937 rng_;
};

TEST(YamlWriter, RoundTripsRandomTrees) {
  for (unsigned seed = 1; seed <= 1500; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TreeGenerator generator(seed);
    ConfigValue value = generator.tree(4);
    expect_round_trip(value);
    if (HasFatalFailure() || HasNonfatalFailure()) return;  // one reproducible case is enough
  }
}

}  // namespace
}  // namespace mpf::core
