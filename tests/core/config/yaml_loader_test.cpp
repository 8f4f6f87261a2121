#include "core/config/yaml_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace mpf::core {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Result<ConfigValue> load(std::string_view text, std::map<std::string, std::string> vars = {}) {
  return load_yaml_text(text, "cfg.yaml", fake_env(std::move(vars)));
}

// The error message of a load that must fail.
std::string error_of(std::string_view text, std::map<std::string, std::string> vars = {}) {
  Result<ConfigValue> result = load(text, std::move(vars));
  EXPECT_FALSE(result.is_ok()) << "expected an error for:\n" << text;
  if (result.is_ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  return result.status().message();
}

ConfigValue scalar(std::string text) { return ConfigValue::scalar(std::move(text)); }

TEST(YamlLoader, ScalarsKeepTheirText) {
  Result<ConfigValue> v = load("a: 010\nb: 1.50\nc: yes\nd: 'single'\ne: \"x\\ty\"\nf: 1m30s\ng: ''\n");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("a"), scalar("010"));
  EXPECT_EQ(*v->find("b"), scalar("1.50"));
  EXPECT_EQ(*v->find("c"), scalar("yes"));
  EXPECT_EQ(*v->find("d"), scalar("single"));
  EXPECT_EQ(*v->find("e"), scalar("x\ty"));
  EXPECT_EQ(*v->find("f"), scalar("1m30s"));
  EXPECT_EQ(*v->find("g"), scalar(""));
}

TEST(YamlLoader, NullStaysNullButQuotedNullIsText) {
  Result<ConfigValue> v = load("a:\nb: null\nc: ~\nd: 'null'\ne: !!null\nf: \"~\"\n");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_TRUE(v->find("a")->is_null());
  EXPECT_TRUE(v->find("b")->is_null());
  EXPECT_TRUE(v->find("c")->is_null());
  EXPECT_EQ(*v->find("d"), scalar("null"));
  EXPECT_TRUE(v->find("e")->is_null());
  EXPECT_EQ(*v->find("f"), scalar("~"));
}

TEST(YamlLoader, MapsKeepFileOrderAndNestingIsPreserved) {
  Result<ConfigValue> v = load(
      "zeta: 1\n"
      "alpha:\n"
      "  - x\n"
      "  - {k: v, j: [1, 2]}\n"
      "  - []\n"
      "mid: {}\n");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  ConfigValue inner = ConfigValue::map();
  inner.set("k", scalar("v"));
  ConfigValue numbers = ConfigValue::list();
  numbers.push_back(scalar("1"));
  numbers.push_back(scalar("2"));
  inner.set("j", numbers);
  ConfigValue alpha = ConfigValue::list();
  alpha.push_back(scalar("x"));
  alpha.push_back(inner);
  alpha.push_back(ConfigValue::list());
  ConfigValue expected = ConfigValue::map();
  expected.set("zeta", scalar("1"));
  expected.set("alpha", alpha);
  expected.set("mid", ConfigValue::map());
  EXPECT_EQ(*v, expected);
  ASSERT_EQ(v->entries().size(), 3u);
  EXPECT_EQ(v->entries()[0].first, "zeta");
  EXPECT_EQ(v->entries()[1].first, "alpha");
}

TEST(YamlLoader, EmptyDocumentIsAnEmptyMap) {
  for (std::string_view text : {"", "\n\n", "# only a comment\n", "---\n", "--- # nothing\n...\n"}) {
    Result<ConfigValue> v = load(text);
    ASSERT_TRUE(v.is_ok()) << v.status().message();
    EXPECT_EQ(*v, ConfigValue::map()) << "for: " << text;
  }
}

TEST(YamlLoader, ExplicitNullDocumentIsNull) {
  for (std::string_view text : {"null\n", "~", "--- null\n"}) {
    Result<ConfigValue> v = load(text);
    ASSERT_TRUE(v.is_ok()) << v.status().message();
    EXPECT_TRUE(v->is_null()) << "for: " << text;
  }
}

TEST(YamlLoader, TopLevelScalarAndList) {
  EXPECT_EQ(*load("hello"), scalar("hello"));
  ConfigValue list = ConfigValue::list();
  list.push_back(scalar("a"));
  EXPECT_EQ(*load("- a\n"), list);
}

TEST(YamlLoader, SyntaxErrorNamesSourceLineAndColumn) {
  EXPECT_EQ(error_of("a: 1\nb: [1, 2\n"), "cfg.yaml:3:1: end of sequence flow not found");
  EXPECT_EQ(error_of("a: 1\nb: c: d\n"), "cfg.yaml:2:5: illegal map value");
  EXPECT_THAT(error_of("a:\n  b: 1\n c: 2\n"), testing::MatchesRegex("cfg\\.yaml:[0-9]+:[0-9]+: .+"));
}

TEST(YamlLoader, MissingClosingQuoteIsAnError) {
  // yaml-cpp alone would read `b` as "open c: 2 " and lose key c.
  EXPECT_EQ(error_of("a: 1\nb: \"open\nc: 2\n"), "cfg.yaml:2:4: quoted scalar has no closing quote");
  EXPECT_EQ(error_of("a: 'it''s\n"), "cfg.yaml:1:4: quoted scalar has no closing quote");
  Result<ConfigValue> fine = load("\xEF\xBB\xBF\"k\\\"\": 'it''s'\nb: \"x\\\\\"\n");
  ASSERT_TRUE(fine.is_ok()) << fine.status().message();
  EXPECT_EQ(*fine->find("k\""), scalar("it's"));
  EXPECT_EQ(*fine->find("b"), scalar("x\\"));
}

TEST(YamlLoader, UndefinedAliasIsASyntaxError) { EXPECT_THAT(error_of("a: *nowhere\n"), StartsWith("cfg.yaml:1:4: ")); }

TEST(YamlLoader, DuplicateKeyIsAnErrorNamingPathAndLines) {
  EXPECT_EQ(error_of("sinks:\n"
                     "  - plugin: remote_write\n"
                     "    options:\n"
                     "      url: http://a\n"
                     "      url: http://b\n"),
            "cfg.yaml:5:7: sinks[0].options.url: duplicate key \"url\" (first defined at line 4)");
  EXPECT_EQ(error_of("global: {}\nsources: []\nglobal: {}\n"),
            "cfg.yaml:3:1: global: duplicate key \"global\" (first defined at line 1)");
  EXPECT_EQ(error_of("a: {x: 1, x: 2}\n"), "cfg.yaml:1:11: a.x: duplicate key \"x\" (first defined at line 1)");
}

TEST(YamlLoader, QuotedAndPlainSpellingsOfAKeyAreDuplicates) {
  EXPECT_THAT(error_of("port: 1\n\"port\": 2\n"), HasSubstr("port: duplicate key \"port\""));
}

TEST(YamlLoader, NonScalarKeysAreErrors) {
  EXPECT_EQ(error_of("? [a, b]\n: 1\n"), "cfg.yaml:1:3: (top level): map keys must be scalars, got a list");
  EXPECT_EQ(error_of("opts:\n  ? {x: 1}\n  : 2\n"), "cfg.yaml:2:5: opts: map keys must be scalars, got a map");
}

TEST(YamlLoader, NullKeyIsAnErrorButQuotedNullKeyIsText) {
  EXPECT_THAT(error_of("null: 1\n"), HasSubstr("cfg.yaml:1:1: (top level): a map key is empty or null"));
  Result<ConfigValue> v = load("\"null\": 1\n\"\": 2\n");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("null"), scalar("1"));
  EXPECT_EQ(*v->find(""), scalar("2"));
}

TEST(YamlLoader, SecondDocumentIsAnError) {
  EXPECT_EQ(error_of("a: 1\n---\nb: 2\n"), "cfg.yaml:2:1: only one YAML document is supported, found a second one");
}

TEST(YamlLoader, AliasesAreCopied) {
  Result<ConfigValue> v = load("base: &b {x: 1, y: [2]}\ncopy: *b\nname: &n kubelet\nagain: *n\n");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("copy"), *v->find("base"));
  EXPECT_EQ(*v->find("again"), scalar("kubelet"));
}

TEST(YamlLoader, SelfReferencingAliasIsAnError) {
  EXPECT_EQ(error_of("&a [*a]\n"), "cfg.yaml:1:5: an alias refers to the node that contains it");
}

TEST(YamlLoader, AliasExpansionIsBounded) {
  // Ten levels of ten aliases would be 10^10 nodes.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  EXPECT_THAT(error_of(text), HasSubstr("aliases expand the document beyond 200000 nodes"));
}

TEST(YamlLoader, ExpandsEnvironmentVariablesInValues) {
  Result<ConfigValue> v = load("url: http://${HOST}:${PORT}/write\nquoted: \"${HOST}\"\nlist: [\"${HOST}\", b]\n",
                               {{"HOST", "example.com"}, {"PORT", "9090"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("url"), scalar("http://example.com:9090/write"));
  EXPECT_EQ(*v->find("quoted"), scalar("example.com"));
  EXPECT_EQ(v->find("list")->items()[0], scalar("example.com"));
}

TEST(YamlLoader, DefaultIsUsedWhenUnsetOrEmpty) {
  Result<ConfigValue> v = load("a: ${UNSET:-fallback}\nb: ${EMPTY:-fallback}\nc: ${SET:-fallback}\nd: ${UNSET:-}\n",
                               {{"EMPTY", ""}, {"SET", "value"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("a"), scalar("fallback"));
  EXPECT_EQ(*v->find("b"), scalar("fallback"));
  EXPECT_EQ(*v->find("c"), scalar("value"));
  EXPECT_EQ(*v->find("d"), scalar(""));
}

TEST(YamlLoader, SetButEmptyWithoutDefaultIsEmpty) {
  Result<ConfigValue> v = load("a: x${EMPTY}y\n", {{"EMPTY", ""}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("a"), scalar("xy"));
}

TEST(YamlLoader, DoubleDollarBraceIsALiteral) {
  Result<ConfigValue> v = load("a: $${HOME}\nb: cost $5 and $$x\nc: \"$$${HOME}\"\nd: $\n", {{"HOME", "/root"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("a"), scalar("${HOME}"));
  EXPECT_EQ(*v->find("b"), scalar("cost $5 and $$x"));
  EXPECT_EQ(*v->find("c"), scalar("$${HOME}"));
  EXPECT_EQ(*v->find("d"), scalar("$"));
}

TEST(YamlLoader, UnsetVariableIsAnErrorNamingThePath) {
  EXPECT_EQ(error_of("sinks:\n"
                     "  - plugin: a\n"
                     "  - plugin: b\n"
                     "    options:\n"
                     "      url: ${URL}\n"),
            "cfg.yaml:5:12: sinks[1].options.url: environment variable \"URL\" is not set");
  EXPECT_EQ(error_of("hosts: [a, b, \"${H}\"]\n"), "cfg.yaml:1:15: hosts[2]: environment variable \"H\" is not set");
}

TEST(YamlLoader, KeysAreNeverExpanded) {
  Result<ConfigValue> v = load("${KEY}: v\n", {{"KEY", "expanded"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("${KEY}"), scalar("v"));
  EXPECT_EQ(v->find("expanded"), nullptr);
}

TEST(YamlLoader, ExpandedValuesCannotInjectYaml) {
  Result<ConfigValue> v = load("a: ${EVIL}\n", {{"EVIL", "x\nb: [injected]\n#"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(v->entries().size(), 1u);
  EXPECT_EQ(*v->find("a"), scalar("x\nb: [injected]\n#"));
}

TEST(YamlLoader, ExpansionIsNotRecursive) {
  Result<ConfigValue> v = load("a: ${A}\n", {{"A", "${B}"}, {"B", "no"}});
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(*v->find("a"), scalar("${B}"));
}

TEST(YamlLoader, MalformedReferencesAreErrors) {
  EXPECT_THAT(error_of("a: x${OPEN\n"), HasSubstr("cfg.yaml:1:4: a: unterminated \"${\""));
  EXPECT_THAT(error_of("a: ${1X}\n"), HasSubstr("a: invalid environment variable reference \"${1X}\""));
  EXPECT_THAT(error_of("a: ${}\n"), HasSubstr("a: invalid environment variable reference \"${}\""));
  EXPECT_THAT(error_of("a: ${X:y}\n"), HasSubstr("a: invalid environment variable reference \"${X:y}\""));
  EXPECT_THAT(error_of("a: ${X-y}\n"), HasSubstr("a: invalid environment variable reference"));
  EXPECT_THAT(error_of("a: ${A:-${B}}\n"), HasSubstr("a: nested \"${\" in the default"));
}

TEST(YamlLoader, ReportsEveryErrorOnePerLineInDocumentOrder) {
  std::string message = error_of(
      "global:\n"
      "  resolution: ${RES}\n"
      "  resolution: 10s\n"
      "sinks:\n"
      "  - plugin: x\n"
      "    options: {token: \"${TOKEN}\", token: y}\n");
  EXPECT_EQ(message,
            "cfg.yaml:2:15: global.resolution: environment variable \"RES\" is not set\n"
            "cfg.yaml:3:3: global.resolution: duplicate key \"resolution\" (first defined at line 2)\n"
            "cfg.yaml:6:22: sinks[0].options.token: environment variable \"TOKEN\" is not set\n"
            "cfg.yaml:6:34: sinks[0].options.token: duplicate key \"token\" (first defined at line 6)");
}

TEST(YamlLoader, ThrowingEnvLookupDoesNotEscape) {
  EnvLookup throwing = [](std::string_view) -> std::optional<std::string> { throw std::runtime_error("boom"); };
  Result<ConfigValue> v = load_yaml_text("a: ${X}\n", "cfg.yaml", throwing);
  ASSERT_FALSE(v.is_ok());
  EXPECT_EQ(v.status().message(), "cfg.yaml: cannot load YAML: boom");
}

TEST(YamlLoader, DeepNestingIsAnErrorNotACrash) {
  std::string text = std::string(5000, '[') + std::string(5000, ']');
  EXPECT_EQ(error_of(text), "cfg.yaml:1:1: collections are nested too deeply");
}

TEST(YamlLoader, ArbitraryInputNeverThrows) {
  static const std::vector<std::string> kPieces = {"a",  ":",   ": ", "- ",     "\n", "  ",   "[",  "]", "{", "}",
                                                   ",",  "\"",  "'",  "&x ",    "*x", "? ",   "|",  ">", "#", "${A}",
                                                   "${", "---", "\t", "!!null", "~",  "\xC3", "\\", "%"};
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (int n = std::uniform_int_distribution<int>(0, 30)(rng); n > 0; --n) {
      text += kPieces[std::uniform_int_distribution<std::size_t>(0, kPieces.size() - 1)(rng)];
    }
    Result<ConfigValue> v = load(text, {{"A", "value"}});
    if (!v.is_ok()) {
      EXPECT_FALSE(v.status().message().empty()) << text;
    }
  }
}

TEST(YamlLoader, ProcessEnvReadsTheEnvironment) {
  EXPECT_FALSE(process_env()("MPF_YAML_LOADER_TEST_SURELY_UNSET").has_value());
  EXPECT_TRUE(process_env()("PATH").has_value());
}

const std::string kTestData = std::string(MPF_TEST_SOURCE_DIR) + "/tests/core/config/testdata/";

TEST(YamlLoader, LoadsAFile) {
  Result<ConfigValue> v = load_yaml_file(kTestData + "good_pipeline.yaml", fake_env({}));
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  ASSERT_NE(v->find("sources"), nullptr);
}

TEST(YamlLoader, FileErrorsNameTheFile) {
  Result<ConfigValue> v = load_yaml_file(kTestData + "bad_duplicate_key.yaml", fake_env({}));
  ASSERT_FALSE(v.is_ok());
  EXPECT_THAT(v.status().message(), StartsWith(kTestData + "bad_duplicate_key.yaml:"));
  EXPECT_THAT(v.status().message(), HasSubstr("duplicate key \"resolution\""));

  Result<ConfigValue> missing = load_yaml_file(kTestData + "no_such_file.yaml", fake_env({}));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_THAT(missing.status().message(), StartsWith(kTestData + "no_such_file.yaml: cannot read: "));

  Result<ConfigValue> directory = load_yaml_file(kTestData, fake_env({}));
  ASSERT_FALSE(directory.is_ok());
  EXPECT_THAT(directory.status().message(), HasSubstr("cannot read: it is a directory"));
}

}  // namespace
}  // namespace mpf::core
