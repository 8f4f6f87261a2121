#include "mpf/sdk/label_selector.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mpf {
namespace {

// Expected messages were produced by apimachinery v0.36.3's labels.Parse itself (a Go harness over
// the same inputs), not written from memory.
const std::string kKeyRegex =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const std::string kValueRegex =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const std::string kPrefixRegex =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kOperators = "in, notin, =, ==, !=, gt, lt";
const std::string kRequirement = "unable to parse requirement: ";

using LabelMap = std::map<std::string, std::string>;

std::string parse_error(std::string_view text) {
  auto selector = LabelSelector::parse(text);
  if (selector) return "parsed as \"" + selector->to_string() + "\"";
  EXPECT_EQ(selector.status().code(), StatusCode::kInvalidArgument);
  return selector.status().message();
}

struct CanonicalCase {
  std::string_view input;
  std::string_view canonical;
};

TEST(LabelSelectorTest, ParsesEveryOperatorToCanonicalForm) {
  const CanonicalCase cases[] = {
      {"x=a", "x=a"},
      {"x==a", "x==a"},
      {"x!=a", "x!=a"},
      {"x", "x"},
      {"!x", "!x"},
      {"x in (a)", "x in (a)"},
      {"x notin (a)", "x notin (a)"},
      {"x>1", "x>1"},
      {"x<5", "x<5"},
      {"x=", "x="},
      {"x==", "x=="},
      {"x=a,y=b,z=c", "x=a,y=b,z=c"},
      {"z=c,x=a,y", "x=a,y,z=c"},       // sorted by key
      {"b=1,a=2,b=0", "a=2,b=1,b=0"},   // stable for equal keys
      {"example.com/app=web,app=db", "app=db,example.com/app=web"},
  };
  for (const auto& c : cases) {
    auto selector = LabelSelector::parse(c.input);
    ASSERT_TRUE(selector) << c.input << ": " << selector.status().message();
    EXPECT_EQ(selector->to_string(), c.canonical) << c.input;
    EXPECT_FALSE(selector->empty()) << c.input;
  }
}

TEST(LabelSelectorTest, SetSyntaxSortsDeduplicatesAndAllowsEmptyValues) {
  const CanonicalCase cases[] = {
      {"x in (b,a,b)", "x in (a,b)"},
      {"x in ()", "x in ()"},  // the set {""}: apimachinery never yields an empty set from text
      {"x notin ()", "x notin ()"},
      {"x in (,a)", "x in (,a)"},
      {"x in (a,)", "x in (,a)"},
      {"x in (a,,b)", "x in (,a,b)"},
      {"x in (,)", "x in ()"},
      {"x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"},
      {"in in (in),notin=notin", "in in (in),notin=notin"},  // keywords are identifiers outside operators
      {"notin notin (in,notin)", "notin notin (in,notin)"},
  };
  for (const auto& c : cases) {
    auto selector = LabelSelector::parse(c.input);
    ASSERT_TRUE(selector) << c.input << ": " << selector.status().message();
    EXPECT_EQ(selector->to_string(), c.canonical) << c.input;
  }
  auto set = LabelSelector::parse("x in (b,a,b)");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->requirements().size(), 1u);
  EXPECT_EQ(set->requirements()[0].op, LabelOperator::kIn);
  EXPECT_EQ(set->requirements()[0].values, (std::vector<std::string>{"a", "b"}));
}

TEST(LabelSelectorTest, WhitespaceSeparatesTokensAnywhere) {
  const CanonicalCase cases[] = {
      {"", ""},
      {"   ", ""},
      {" \t\r\n", ""},
      {"x = a", "x=a"},
      {"x= ,z= ", "x=,z="},
      {" x in(a , b ) , ! y ", "x in (a,b),!y"},
      {"x\tnotin\n(\ra)", "x notin (a)"},
      {"x\r\n=\na", "x=a"},
      // Go's lexer reads byte 0 as the end of the input where a token would start.
      {std::string_view("a=b \0 c", 7), "a=b"},
      {std::string_view("\0a=b", 4), ""},
  };
  for (const auto& c : cases) {
    auto selector = LabelSelector::parse(c.input);
    ASSERT_TRUE(selector) << c.input << ": " << selector.status().message();
    EXPECT_EQ(selector->to_string(), c.canonical) << c.input;
  }
  EXPECT_TRUE(LabelSelector::parse(" ")->empty());
}

struct ErrorCase {
  std::string input;
  std::string message;
};

TEST(LabelSelectorTest, RejectsBadSyntaxWithApimachineryMessages) {
  const ErrorCase cases[] = {
      {"a b", kRequirement + "found 'b', expected: " + kOperators},
      {"x y", kRequirement + "found 'y', expected: " + kOperators},
      {"a!b", kRequirement + "found '!', expected: " + kOperators},
      {"a,", "found '', expected: identifier after ','"},
      {"a,,b", "found ',', expected: identifier after ','"},
      {"a=b,,", "found ',', expected: identifier after ','"},
      {",a", "found ',', expected: !, identifier, or 'end of string'"},
      {"=a", "found '=', expected: !, identifier, or 'end of string'"},
      {"(", "found '(', expected: !, identifier, or 'end of string'"},
      {"x==a==b", "found '==', expected: ',' or 'end of string'"},
      {"a=b=c", "found '=', expected: ',' or 'end of string'"},
      {"!x=a", "found '=', expected: ',' or 'end of string'"},
      {"!", kRequirement + "found '', expected: identifier"},
      {"!,", kRequirement + "found ',', expected: identifier"},
      {"a=(", kRequirement + "found '(', expected: identifier"},
      {"a in", kRequirement + "found '' expected: '('"},  // sic: no comma in apimachinery's text
      {"a notin", kRequirement + "found '' expected: '('"},
      {"a in b", kRequirement + "found 'b' expected: '('"},
      {"a in (", kRequirement + "found '', expected: ',', ')' or identifier"},
      {"a in (=)", kRequirement + "found '=', expected: ',', ')' or identifier"},
      {"a in (b", kRequirement + "found '', expected: ',' or ')'"},
      {"a in (b c)", kRequirement + "found 'c', expected: ',' or ')'"},
      {"a in (b,", kRequirement + "found '', expected: ',', or identifier"},
      {std::string("a=b,\0", 5), "found '', expected: identifier after ','"},
      {std::string("a=b\0garbage", 11), "found 'garbage', expected: ',' or 'end of string'"},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_error(c.input), c.message) << c.input;
}

TEST(LabelSelectorTest, RejectsInvalidKeysWithApimachineryMessages) {
  const std::string n64(64, 'n');
  const std::string p254 = std::string(254, 'p') + "/a";
  const ErrorCase cases[] = {
      {"-a", kRequirement + "<nil>: Invalid value: \"-a\": name part " + kKeyRegex},
      {"a_", kRequirement + "<nil>: Invalid value: \"a_\": name part " + kKeyRegex},
      {n64, kRequirement + "<nil>: Invalid value: \"" + n64 + "\": name part must be no more than 63 bytes"},
      {"/a", kRequirement + "<nil>: Invalid value: \"/a\": prefix part must be non-empty"},
      {"a/", kRequirement + "<nil>: Invalid value: \"a/\": name part must be non-empty; name part " + kKeyRegex},
      {"Ex.com/a", kRequirement + "<nil>: Invalid value: \"Ex.com/a\": prefix part " + kPrefixRegex},
      {p254, kRequirement + "<nil>: Invalid value: \"" + p254 + "\": prefix part must be no more than 253 bytes"},
      {"x/y/z", kRequirement + "<nil>: Invalid value: \"x/y/z\": a valid label key " + kKeyRegex +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
      {"!-a", kRequirement + "<nil>: Invalid value: \"-a\": name part " + kKeyRegex},
      {"-a in (b)", kRequirement + "<nil>: Invalid value: \"-a\": name part " + kKeyRegex},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_error(c.input), c.message) << c.input;

  // The limits themselves are accepted.
  EXPECT_TRUE(LabelSelector::parse(std::string(63, 'n')));
  EXPECT_TRUE(LabelSelector::parse(std::string(253, 'p') + "/a"));
  EXPECT_TRUE(LabelSelector::parse("a.b-c/A.b-C_9"));
}

TEST(LabelSelectorTest, RejectsInvalidValuesWithApimachineryMessages) {
  const std::string v64(64, 'v');
  const ErrorCase cases[] = {
      {"a=-", kRequirement + "values[0][a]: Invalid value: \"-\": " + kValueRegex},
      {"x=a||y=b", kRequirement + "values[0][x]: Invalid value: \"a||y\": " + kValueRegex},
      {"a=" + v64, kRequirement + "values[0][a]: Invalid value: \"" + v64 + "\": must be no more than 63 bytes"},
      {"ex.com/a!=b_", kRequirement + "values[0][ex.com/a]: Invalid value: \"b_\": " + kValueRegex},
      // Several errors are listed in brackets, indexed in sorted value order.
      {"a in (c-,-b)", kRequirement + "[values[0][a]: Invalid value: \"-b\": " + kValueRegex +
                           ", values[1][a]: Invalid value: \"c-\": " + kValueRegex + "]"},
      {"a>", kRequirement + "values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"},
      // A negative threshold is an integer but not a label value, so apimachinery refuses it.
      {"x<-5", kRequirement + "values[0][x]: Invalid value: \"-5\": " + kValueRegex},
      {"x<a", kRequirement + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"},
      {"a>9223372036854775808", kRequirement + "values[0]: Invalid value: \"9223372036854775808\": for 'Gt', "
                                               "'Lt' operators, the value must be an integer"},
      {"a>-x", kRequirement + "[values[0]: Invalid value: \"-x\": for 'Gt', 'Lt' operators, the value must be an "
                              "integer, values[0][a]: Invalid value: \"-x\": " + kValueRegex + "]"},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_error(c.input), c.message) << c.input;
  EXPECT_TRUE(LabelSelector::parse("a=" + std::string(63, 'v')));
}

TEST(LabelSelectorTest, QuotesBadKeysAndValuesLikeGo) {
  const ErrorCase cases[] = {
      {"a\"b", kRequirement + "<nil>: Invalid value: \"a\\\"b\": name part " + kKeyRegex},
      {"a\\b", kRequirement + "<nil>: Invalid value: \"a\\\\b\": name part " + kKeyRegex},
      {"\xC3\xA9=1", kRequirement + "<nil>: Invalid value: \"\xC3\xA9\": name part " + kKeyRegex},
      {"a=\xFF", kRequirement + "values[0][a]: Invalid value: \"\\xff\": " + kValueRegex},
      {"a\x07\x0B\x7F", kRequirement + "<nil>: Invalid value: \"a\\a\\v\\x7f\": name part " + kKeyRegex},
      {"a\xC2\xA0", kRequirement + "<nil>: Invalid value: \"a\\u00a0\": name part " + kKeyRegex},
      {"a\xED\xA0\x80", kRequirement + "<nil>: Invalid value: \"a\\xed\\xa0\\x80\": name part " + kKeyRegex},
      {"a\xF0\x9F\x98\x80", kRequirement + "<nil>: Invalid value: \"a\xF0\x9F\x98\x80\": name part " + kKeyRegex},
      {"a\xF3\xB0\x80\x80", kRequirement + "<nil>: Invalid value: \"a\\U000f0000\": name part " + kKeyRegex},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_error(c.input), c.message) << c.input;
}

struct MatchCase {
  std::string_view selector;
  LabelMap labels;
  bool matches;
};

TEST(LabelSelectorTest, MatchesWithApimachinerySemantics) {
  const MatchCase cases[] = {
      {"", {}, true},
      {"", {{"x", "y"}}, true},
      {"x=y", {{"x", "y"}}, true},
      {"x==y", {{"x", "y"}}, true},
      {"x=y", {{"x", "z"}}, false},
      {"x=y", {}, false},
      {"x=", {{"x", ""}}, true},
      {"x=", {}, false},
      {"x=y,z=w", {{"x", "y"}, {"z", "w"}}, true},
      {"x=y,z=w", {{"x", "w"}, {"z", "w"}}, false},
      {"x!=y", {{"x", "z"}}, true},
      {"x!=y", {{"x", "y"}}, false},
      {"x!=y,z!=w", {{"x", "z"}, {"z", "a"}}, true},
      {"x!=y,z!=w", {{"x", "z"}, {"z", "w"}}, false},
      {"x", {{"x", ""}}, true},
      {"x", {{"y", "z"}}, false},
      {"!x", {{"y", "z"}}, true},
      {"!x", {{"x", ""}}, false},
      {"x in (a,b)", {{"x", "b"}}, true},
      {"x in (a,b)", {{"x", "c"}}, false},
      {"x in (a,b)", {}, false},
      {"x in ()", {{"x", ""}}, true},
      {"x in ()", {{"x", "a"}}, false},
      {"x notin (a,b)", {{"x", "c"}}, true},
      {"x notin (a,b)", {{"x", "a"}}, false},
      {"notin=in", {{"notin", "in"}}, true},
      {"x>1", {{"x", "2"}}, true},
      {"x>1", {{"x", "1"}}, false},
      {"x>1", {{"x", "+2"}}, true},  // Go's ParseInt takes a sign
      {"x>1", {{"x", "2.5"}}, false},
      {"x>1", {{"x", "99999999999999999999"}}, false},
      {"x>1", {}, false},
      {"x<1", {{"x", "0"}}, true},
      {"x<1", {{"x", "-9223372036854775808"}}, true},
      {"x<1", {{"x", "2"}}, false},
      {"foo=bar,baz=blah", {{"foo", "bar"}, {"baz", "blah"}}, true},
      {"foo=bar,foobar=bar,baz=blah", {{"foo", "bar"}, {"baz", "blah"}}, false},
      {"example.com/a=b", {{"a", "b"}}, false},
      {"example.com/a=b", {{"example.com/a", "b"}}, true},
  };
  for (const auto& c : cases) {
    auto selector = LabelSelector::parse(c.selector);
    ASSERT_TRUE(selector) << c.selector << ": " << selector.status().message();
    EXPECT_EQ(selector->matches(c.labels), c.matches) << c.selector;
  }
}

TEST(LabelSelectorTest, NotEqualsAndNotInMatchObjectsWithoutTheKey) {
  // apimachinery: "the KEY is not equal to any of the VALUEs in its requirement or does not exist".
  const LabelMap unlabelled;
  const LabelMap other{{"app", "web"}};
  for (std::string_view text : {"tier!=cache", "tier notin (cache,db)", "!tier", "metrics-server-skip!=true"}) {
    auto selector = LabelSelector::parse(text);
    ASSERT_TRUE(selector) << text;
    EXPECT_TRUE(selector->matches(unlabelled)) << text;
    EXPECT_TRUE(selector->matches(other)) << text;
  }
  for (std::string_view text : {"tier=cache", "tier==cache", "tier in (cache)", "tier", "tier>0", "tier<0"}) {
    auto selector = LabelSelector::parse(text);
    ASSERT_TRUE(selector) << text;
    EXPECT_FALSE(selector->matches(unlabelled)) << text;
  }
}

TEST(LabelSelectorTest, EmptySelectorMatchesEverything) {
  LabelSelector everything;
  EXPECT_TRUE(everything.empty());
  EXPECT_EQ(everything.to_string(), "");
  EXPECT_TRUE(everything.matches(LabelMap{}));
  EXPECT_TRUE(everything.matches(LabelMap{{"a", "b"}}));
  EXPECT_EQ(*LabelSelector::parse(""), everything);
  EXPECT_EQ(*LabelSelector::parse("  \t"), everything);
}

TEST(LabelSelectorTest, MatchesAnyLabelContainerWithoutCopying) {
  auto selector = LabelSelector::parse("app in (web,api),tier!=cache,!canary");
  ASSERT_TRUE(selector);
  const std::map<std::string, std::string> map{{"app", "web"}};
  const std::map<std::string, std::string, std::less<>> transparent{{"app", "api"}, {"tier", "front"}};
  const std::unordered_map<std::string, std::string> hashed{{"app", "web"}, {"tier", "cache"}};
  const std::vector<std::pair<std::string, std::string>> pairs{{"app", "api"}, {"zone", "a"}};
  const std::vector<std::pair<std::string_view, std::string_view>> views{{"app", "web"}, {"canary", ""}};
  auto lookup = [](std::string_view key) -> std::optional<std::string_view> {
    if (key == "app") return std::string_view("api");
    return std::nullopt;
  };
  EXPECT_TRUE(selector->matches(map));
  EXPECT_TRUE(selector->matches(transparent));
  EXPECT_FALSE(selector->matches(hashed));
  EXPECT_TRUE(selector->matches(pairs));
  EXPECT_TRUE(selector->matches(std::span(pairs)));
  EXPECT_FALSE(selector->matches(views));
  EXPECT_TRUE(selector->matches(lookup));

  // In a range of pairs the first occurrence of a key wins.
  const std::vector<std::pair<std::string, std::string>> twice{{"app", "web"}, {"app", "db"}};
  EXPECT_EQ(find_label(twice, "app"), std::optional<std::string_view>("web"));
  EXPECT_EQ(find_label(twice, "zone"), std::nullopt);
}

TEST(LabelSelectorTest, AndAlsoRequiresBothAndSortsByKey) {
  auto request = LabelSelector::parse("zone=a,app=web");
  auto node_selector = LabelSelector::parse("metrics-server-skip!=true");
  ASSERT_TRUE(request);
  ASSERT_TRUE(node_selector);
  LabelSelector both = request->and_also(*node_selector);
  EXPECT_EQ(both.to_string(), "app=web,metrics-server-skip!=true,zone=a");
  EXPECT_TRUE(both.matches(LabelMap{{"app", "web"}, {"zone", "a"}}));
  EXPECT_FALSE(both.matches(LabelMap{{"app", "web"}, {"zone", "a"}, {"metrics-server-skip", "true"}}));
  EXPECT_FALSE(both.matches(LabelMap{{"app", "web"}}));

  // The empty selector is the identity; duplicates are kept (as apimachinery's Add keeps them), this
  // selector's requirements first among equal keys.
  EXPECT_EQ(request->and_also(LabelSelector()), *request);
  EXPECT_EQ(LabelSelector().and_also(*request), *request);
  EXPECT_EQ(request->and_also(*request).to_string(), "app=web,app=web,zone=a,zone=a");
  auto first = LabelSelector::parse("a=1");
  auto second = LabelSelector::parse("a!=2");
  EXPECT_EQ(first->and_also(*second).to_string(), "a=1,a!=2");
  EXPECT_EQ(second->and_also(*first).to_string(), "a!=2,a=1");
}

TEST(LabelSelectorTest, ToStringReparsesToAnEqualSelector) {
  for (std::string_view text :
       {"x in (foo,,baz),y,z notin ()", " b = 1 , a in ( c , ) ", "in in (in),!notin", "x>1,x<5,x==", "k",
        "example.com/a notin (b,a),a.b/c!=d"}) {
    auto selector = LabelSelector::parse(text);
    ASSERT_TRUE(selector) << text;
    auto again = LabelSelector::parse(selector->to_string());
    ASSERT_TRUE(again) << selector->to_string();
    EXPECT_EQ(*again, *selector) << text;
    EXPECT_EQ(again->to_string(), selector->to_string()) << text;
  }
}

TEST(LabelSelectorTest, CreateRequirementValidatesLikeNewRequirement) {
  auto ok = LabelRequirement::create("app", LabelOperator::kIn, {"web", "api", "web"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->values, (std::vector<std::string>{"api", "web"}));
  EXPECT_EQ(ok->to_string(), "app in (api,web)");
  auto from = LabelSelector::from_requirements({*ok, *LabelRequirement::create("a", LabelOperator::kExists, {})});
  EXPECT_EQ(from.to_string(), "a,app in (api,web)");

  const std::pair<Result<LabelRequirement>, std::string> cases[] = {
      {LabelRequirement::create("app", LabelOperator::kIn, {}),
       "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"},
      {LabelRequirement::create("app", LabelOperator::kEquals, {"a", "<b>"}),
       "[values: Invalid value: [\"a\",\"\\u003cb\\u003e\"]: exact-match compatibility requires one single "
       "value, values[1][app]: Invalid value: \"<b>\": " + kValueRegex + "]"},
      {LabelRequirement::create("app", LabelOperator::kExists, {"a"}),
       "values: Invalid value: [\"a\"]: values set must be empty for exists and does not exist"},
      {LabelRequirement::create("app", LabelOperator::kGreaterThan, {"1", "2"}),
       "values: Invalid value: [\"1\",\"2\"]: for 'Gt', 'Lt' operators, exactly one value is required"},
      {LabelRequirement::create("-app", LabelOperator::kExists, {}, "spec.selector"),
       "spec.selector.key: Invalid value: \"-app\": name part " + kKeyRegex},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(c.first.is_ok()) << c.second;
    EXPECT_EQ(c.first.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(c.first.status().message(), c.second);
  }
}

TEST(LabelSelectorTest, RequirementMatchesAValueOrItsAbsence) {
  auto requirement = LabelRequirement::create("tier", LabelOperator::kNotIn, {"cache"});
  ASSERT_TRUE(requirement);
  EXPECT_TRUE(requirement->matches_value(std::nullopt));
  EXPECT_TRUE(requirement->matches_value("web"));
  EXPECT_FALSE(requirement->matches_value("cache"));
}

}  // namespace
}  // namespace mpf
