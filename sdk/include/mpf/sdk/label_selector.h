#pragma once

/// @file
/// Kubernetes label selectors, parsed and matched exactly as k8s.io/apimachinery/pkg/labels does
/// (`labels.Parse`, `labels.ParseToRequirements`, `Selector.Matches`, `Selector.String`). Used for the
/// metrics API's `labelSelector` query parameter (a parse error is a 400 whose message is the parser's)
/// and for metrics-server's `--node-selector`, AND-ed together.
///
///   auto selector = mpf::LabelSelector::parse("app in (web,api),tier!=cache");
///   if (!selector) return bad_request(selector.status().message());
///   std::map<std::string, std::string> labels{{"app", "web"}};
///   bool hit = selector->matches(labels);  // true: tier is absent, and != matches absent keys
///
/// Grammar (apimachinery's comment on Parse, plus what its code also accepts):
///
///   selector    ::= "" | requirement { "," requirement }
///   requirement ::= [ "!" ] KEY
///                 | KEY ( "in" | "notin" ) "(" [ VALUE ] { "," [ VALUE ] } ")"
///                 | KEY ( "=" | "==" | "!=" | ">" | "<" ) [ VALUE ]
///
/// Whitespace (space, \t, \r, \n) may appear between any two tokens; tokens end at whitespace or at one
/// of `=!(),<>`, so `a=b`, `a = b` and `a in(b)` are all fine. KEY is `[prefix/]name`: prefix a
/// lowercase DNS subdomain of at most 253 bytes, name at most 63 bytes of `[A-Za-z0-9._-]` starting and
/// ending alphanumeric. VALUE is empty or like a name. `()` is the value set {""}. `in` and `notin`
/// are keywords only where an operator is expected: `in in (in)` is a valid requirement. Values are
/// deduplicated and sorted, requirements are sorted by key (stably), so to_string() is canonical.
///
/// Less known but part of apimachinery's grammar too: `key>N` and `key<N` (N a base-10 int64 that is
/// also a valid label value, so never negative); they match only labels whose value is an int64
/// greater (less) than N.
///
/// Error messages are apimachinery v0.36.3's (the version metrics-server v0.9.0 builds with),
/// transcribed from labels/selector.go, api/validate/content/{kube,dns,errors}.go,
/// util/validation/field/{errors,path}.go and util/errors/errors.go of that tag, and compared with the
/// output of its labels.Parse on a few hundred thousand generated inputs:
///  - exact: every parser message ("found '<token>', expected: ..."), the "unable to parse
///    requirement: " wrapping, the key messages ("<nil>: Invalid value: \"<key>\": prefix part ...;
///    name part ..."), the value messages ("values[<i>][<key>]: Invalid value: ..."), the Gt/Lt
///    integer message, several errors as "[e1, e2]", and the quirk that a NUL byte ends the input
///    where a token would start (Go's lexer reads byte 0 as end of string);
///  - approximate: the quoting (Go's %q) of keys and values holding code points from U+0800 up that
///    Go's strconv.IsPrint rejects. Go escapes them as \u and four hex digits; this header knows the common
///    non-printable ranges there (Unicode spaces, format characters, private use, noncharacters, wholly
///    unassigned planes) but not Unicode's full list of unassigned code points, which it prints as is.
///    ASCII, invalid UTF-8 and everything below U+0800 are quoted exactly;
///  - order only: with more than 12 requirements on the same key Go's unstable sort may order them
///    differently in String(); matching is unaffected.

#include <algorithm>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mpf/sdk/go_strings.h"
#include "mpf/sdk/status.h"

namespace mpf {

/// How a requirement relates its key to its values. The names are apimachinery's (selection.Operator).
enum class LabelOperator : unsigned char {
  kEquals,        ///< `key=v`: the key is present with value v.
  kDoubleEquals,  ///< `key==v`: same meaning as kEquals; kept apart so that to_string() round-trips.
  kNotEquals,     ///< `key!=v`: the key is absent, or present with another value.
  kIn,            ///< `key in (a,b)`: the key is present with one of the values.
  kNotIn,         ///< `key notin (a,b)`: the key is absent, or present with none of the values.
  kExists,        ///< `key`: the key is present (any value, the empty one too).
  kDoesNotExist,  ///< `!key`: the key is absent.
  kGreaterThan,   ///< `key>N`: the key's value is a base-10 int64 greater than N.
  kLessThan,      ///< `key<N`: the key's value is a base-10 int64 less than N.
};

namespace label_selector_detail {

template <class L>
concept LookupFunction = requires(const L& labels, std::string_view key) {
  { labels(key) } -> std::convertible_to<std::optional<std::string_view>>;
};

template <class L>
concept StringMap = requires(const L& labels, const std::string& key) {
  labels.find(key) != labels.end();
  { labels.find(key)->second } -> std::convertible_to<std::string_view>;
};

template <class L>
concept PairRange = requires(const L& labels) {
  { std::begin(labels)->first } -> std::convertible_to<std::string_view>;
  { std::begin(labels)->second } -> std::convertible_to<std::string_view>;
  std::begin(labels) != std::end(labels);
};

}  // namespace label_selector_detail

/// Anything a selector can be matched against without copying or allocating:
///  - a map keyed by std::string (std::map / std::unordered_map<std::string, std::string>), looked up
///    with find();
///  - a range of pairs whose first and second convert to std::string_view (for example
///    std::vector<std::pair<std::string, std::string>> or std::span<const std::pair<...>>), scanned
///    linearly; when a key appears twice the first pair wins;
///  - a callable `std::optional<std::string_view>(std::string_view key)` over any other storage.
template <class L>
concept LabelLookup = label_selector_detail::LookupFunction<L> || label_selector_detail::StringMap<L> ||
                      label_selector_detail::PairRange<L>;

/// The value of `key` in `labels`, or nullopt when absent. The view points into `labels`.
template <LabelLookup L>
std::optional<std::string_view> find_label(const L& labels, const std::string& key) {
  if constexpr (label_selector_detail::LookupFunction<L>) {
    return labels(std::string_view(key));
  } else if constexpr (label_selector_detail::StringMap<L>) {
    auto it = labels.find(key);
    if (it == labels.end()) return std::nullopt;
    return std::string_view(it->second);
  } else {
    for (const auto& entry : labels) {
      if (std::string_view(entry.first) == key) return std::string_view(entry.second);
    }
    return std::nullopt;
  }
}

/// One requirement: a key, an operator and (for all but kExists and kDoesNotExist) its values.
/// Requirements made by create() or LabelSelector::parse() hold a valid key and valid values, the
/// values sorted and without duplicates. A plain value: copy it, compare it, read it from any thread.
struct LabelRequirement {
  std::string key;
  LabelOperator op = LabelOperator::kExists;
  std::vector<std::string> values;

  /// apimachinery's NewRequirement: validates and builds a requirement. `path` prefixes each field
  /// path in messages, as field.WithPath does; empty means none (the key's path is then "key" and a
  /// value's "values[<i>][<key>]"). Fails with Status::invalid_argument and apimachinery's message
  /// when the key or a value is not valid, when kIn or kNotIn get no value, when kEquals, kDoubleEquals,
  /// kNotEquals, kGreaterThan or kLessThan do not get exactly one, when kExists or kDoesNotExist get
  /// any, or when a kGreaterThan/kLessThan value is not a base-10 int64. Values are indexed in messages
  /// in the order given, then sorted and deduplicated in the result.
  static Result<LabelRequirement> create(std::string key, LabelOperator op, std::vector<std::string> values,
                                         std::string_view path = {});

  /// Whether a label set in which this requirement's key has `value` (nullopt: the key is absent)
  /// satisfies the requirement. kNotEquals and kNotIn hold for an absent key; kGreaterThan and
  /// kLessThan fail when either side is not a base-10 int64. Allocates nothing.
  bool matches_value(std::optional<std::string_view> value) const;

  /// Whether `labels` satisfy this requirement. Allocates nothing.
  template <LabelLookup L>
  bool matches(const L& labels) const {
    return matches_value(find_label(labels, key));
  }

  /// apimachinery's Requirement.String(): `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k>v`, `k<v`,
  /// `k in (a,b)`, `k notin (a,b)`, values in sorted order.
  std::string to_string() const;

  bool operator==(const LabelRequirement&) const = default;
};

/// A parsed label selector: the AND of its requirements. Immutable once built; copies are
/// independent; const methods may be called from any number of threads at once.
class LabelSelector {
 public:
  /// The empty selector, which matches every label set (apimachinery's Everything()).
  LabelSelector() = default;

  /// Parses `text` as apimachinery's labels.Parse does. The empty string (or only whitespace) gives the
  /// empty selector. On failure returns Status::invalid_argument whose message is apimachinery's, fit to
  /// be returned verbatim in a 400 response; for "a b" it is
  ///   `unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`.
  /// `text` need not outlive the call. Linear in the input plus the sorting of requirements and values;
  /// throws nothing but std::bad_alloc.
  static Result<LabelSelector> parse(std::string_view text);

  /// Builds a selector from already validated requirements (for example made with
  /// LabelRequirement::create()), sorted by key as parse() sorts them.
  static LabelSelector from_requirements(std::vector<LabelRequirement> requirements);

  /// Whether `labels` satisfy every requirement; true for the empty selector. Allocates nothing: one
  /// lookup per requirement (a linear scan for a range of pairs).
  template <LabelLookup L>
  bool matches(const L& labels) const {
    for (const LabelRequirement& requirement : requirements_) {
      if (!requirement.matches(labels)) return false;
    }
    return true;
  }

  /// True when the selector has no requirement and so matches everything.
  bool empty() const { return requirements_.empty(); }

  /// The canonical form, apimachinery's Selector.String(): requirements sorted by key and joined with
  /// "," without spaces, values sorted; "" for the empty selector. parse(to_string()) gives back an
  /// equal selector.
  std::string to_string() const;

  /// A selector matching what both this one and `other` match (apimachinery's Selector.Add): the
  /// requirements of both, this one's first, sorted by key. Duplicates are kept, as in apimachinery.
  /// This is how the API's labelSelector is AND-ed with --node-selector.
  LabelSelector and_also(const LabelSelector& other) const;

  /// The requirements, sorted by key. The reference lives as long as the selector.
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }

  /// Same requirements in the same order; equal selectors have the same to_string().
  bool operator==(const LabelSelector&) const = default;

 private:
  // Stable, so equal keys keep their input order. Go's sort.Sort is stable only up to 12 elements.
  void sort_by_key() {
    std::stable_sort(requirements_.begin(), requirements_.end(),
                     [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
  }

  std::vector<LabelRequirement> requirements_;
};

// Everything below implements the declarations above.

namespace label_selector_detail {

// Go's string forms (go_strings.h), as this file's messages need them.
using go::decode_utf8;
using go::go_quote;
using go::json_quote;


// apimachinery's validation texts (api/validate/content, v0.36.3).
// RegexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc"); the doubled spaces are Go's.
inline constexpr std::string_view kLabelKeyRegexError =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
// RegexError(labelValueErrMsg, labelValueFmt, "MyValue", "my_value", "12345").
inline constexpr std::string_view kLabelValueRegexError =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
// RegexError(dns1123SubdomainErrorMsg, dns1123SubdomainFmt, "example.com").
inline constexpr std::string_view kDnsSubdomainRegexError =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
inline constexpr std::size_t kNameMaxBytes = 63;
inline constexpr std::size_t kPrefixMaxBytes = 253;

inline bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ (label key name; a non-empty label value).
inline bool is_label_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
inline bool is_dns_subdomain(std::string_view s) {
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || !lower_alnum(part.front()) || !lower_alnum(part.back())) return false;
    for (char c : part) {
      if (!lower_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

inline std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

// content.IsLabelKey: the problems with `key`, empty when it is valid.
inline std::vector<std::string> label_key_errors(std::string_view key) {
  std::vector<std::string> errs;
  std::size_t slashes = static_cast<std::size_t>(std::count(key.begin(), key.end(), '/'));
  std::string_view name = key;
  if (slashes > 1) {
    errs.push_back("a valid label key " + std::string(kLabelKeyRegexError) +
                   " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (slashes == 1) {
    std::size_t slash = key.find('/');
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      if (prefix.size() > kPrefixMaxBytes) {
        errs.push_back("prefix part must be no more than " + std::to_string(kPrefixMaxBytes) + " bytes");
      }
      if (!is_dns_subdomain(prefix)) errs.push_back("prefix part " + std::string(kDnsSubdomainRegexError));
    }
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kNameMaxBytes) {
    errs.push_back("name part must be no more than " + std::to_string(kNameMaxBytes) + " bytes");
  }
  if (!is_label_name(name)) errs.push_back("name part " + std::string(kLabelKeyRegexError));
  return errs;
}

// content.IsLabelValue: the problems with `value`, empty when it is valid.
inline std::vector<std::string> label_value_errors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kNameMaxBytes) errs.push_back("must be no more than " + std::to_string(kNameMaxBytes) + " bytes");
  if (!value.empty() && !is_label_name(value)) errs.push_back(std::string(kLabelValueRegexError));
  return errs;
}

// Go's strconv.ParseInt(s, 10, 64).
inline std::optional<std::int64_t> parse_go_int64(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return std::nullopt;  // Go strips one sign only
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 10);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}


// field.Error{Type: Invalid}.Error() for a string value: `<path>: Invalid value: "<value>": <detail>`.
inline std::string invalid_value(std::string_view path, std::string_view value, std::string_view detail) {
  return std::string(path) + ": Invalid value: " + go_quote(value) + ": " + std::string(detail);
}

// utilerrors.NewAggregate(field.ErrorList.ToAggregate()).Error(): duplicates dropped, one error bare,
// several as "[e1, e2]"; empty when there is no error.
inline std::string aggregate(const std::vector<std::string>& errors) {
  // A hash set, not a scan: a selector with many bad values must not cost quadratic time.
  std::unordered_set<std::string_view> seen;
  std::vector<std::string_view> unique;
  for (const auto& e : errors) {
    if (seen.insert(e).second) unique.push_back(e);
  }
  if (unique.size() <= 1) return unique.empty() ? std::string() : std::string(unique.front());
  std::string out = "[";
  for (std::size_t i = 0; i < unique.size(); ++i) {
    if (i > 0) out += ", ";
    out += unique[i];
  }
  return out + "]";
}

// A port of apimachinery's Lexer and Parser (labels/selector.go), token for token, so that the same
// inputs fail at the same place with the same message.
enum class Token : unsigned char {
  kError,
  kEnd,
  kClosePar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

struct ScannedItem {
  Token token = Token::kError;
  std::string_view literal;  // a view into the parsed text
};

inline std::optional<Token> keyword_token(std::string_view s) {
  static constexpr std::pair<std::string_view, Token> kTokens[] = {
      {")", Token::kClosePar},     {",", Token::kComma},    {"!", Token::kDoesNotExist},
      {"==", Token::kDoubleEquals}, {"=", Token::kEquals},  {">", Token::kGreaterThan},
      {"in", Token::kIn},          {"<", Token::kLessThan}, {"!=", Token::kNotEquals},
      {"notin", Token::kNotIn},    {"(", Token::kOpenPar},
  };
  for (const auto& entry : kTokens) {
    if (entry.first == s) return entry.second;
  }
  return std::nullopt;
}

inline bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline bool is_special_symbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  ScannedItem lex() {
    char c = skip_whitespace(read());
    if (c == 0) return {Token::kEnd, {}};
    unread();
    return is_special_symbol(c) ? scan_special_symbol() : scan_identifier_or_keyword();
  }

 private:
  // Go's Lexer.read: byte 0 both at the end and for a NUL in the text (which is consumed).
  char read() { return pos_ < s_.size() ? s_[pos_++] : '\0'; }
  void unread() { --pos_; }

  char skip_whitespace(char c) {
    while (is_whitespace(c)) c = read();
    return c;
  }

  ScannedItem scan_identifier_or_keyword() {
    std::size_t start = pos_;
    std::size_t end = pos_;
    while (true) {
      char c = read();
      if (c == 0) break;
      if (is_special_symbol(c) || is_whitespace(c)) {
        unread();
        break;
      }
      end = pos_;
    }
    std::string_view literal = s_.substr(start, end - start);
    if (auto token = keyword_token(literal)) return {*token, literal};
    return {Token::kIdentifier, literal};
  }

  ScannedItem scan_special_symbol() {
    std::size_t start = pos_;
    ScannedItem last;
    while (true) {
      char c = read();
      if (c == 0) break;
      if (!is_special_symbol(c)) {
        unread();
        break;
      }
      std::string_view buffer = s_.substr(start, pos_ - start);
      if (auto token = keyword_token(buffer)) {
        last = {*token, buffer};
      } else if (last.token != Token::kError) {
        unread();
        break;
      }
    }
    return last;  // every special symbol is a token by itself, so this is never kError
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// In a value context the keywords `in` and `notin` are plain identifiers.
enum class Context : unsigned char { kKeyAndOperator, kValues };

class Parser {
 public:
  explicit Parser(std::string_view text) {
    Lexer lexer(text);
    while (true) {
      items_.push_back(lexer.lex());
      if (items_.back().token == Token::kEnd) break;
    }
  }

  // The requirements in input order, or the error message.
  Result<std::vector<LabelRequirement>> parse() {
    std::vector<LabelRequirement> requirements;
    while (true) {
      ScannedItem item = lookahead(Context::kValues);
      switch (item.token) {
        case Token::kIdentifier:
        case Token::kDoesNotExist: {
          auto requirement = parse_requirement();
          if (!requirement) {
            return Status::invalid_argument("unable to parse requirement: " + requirement.status().message());
          }
          requirements.push_back(std::move(requirement).value());
          ScannedItem next = consume(Context::kValues);
          if (next.token == Token::kEnd) return requirements;
          if (next.token != Token::kComma) return error(next.literal, "', expected: ',' or 'end of string'");
          ScannedItem after = lookahead(Context::kValues);
          if (after.token != Token::kIdentifier && after.token != Token::kDoesNotExist) {
            return error(after.literal, "', expected: identifier after ','");
          }
          break;
        }
        case Token::kEnd: return requirements;
        default: return error(item.literal, "', expected: !, identifier, or 'end of string'");
      }
    }
  }

 private:
  static Status error(std::string_view found, std::string_view expected) {
    return Status::invalid_argument("found '" + std::string(found) + std::string(expected));
  }

  static ScannedItem in_context(ScannedItem item, Context context) {
    if (context == Context::kValues && (item.token == Token::kIn || item.token == Token::kNotIn)) {
      item.token = Token::kIdentifier;
    }
    return item;
  }

  ScannedItem lookahead(Context context) const {
    return in_context(items_[std::min(position_, items_.size() - 1)], context);
  }

  ScannedItem consume(Context context) {
    ScannedItem item = lookahead(context);
    if (position_ < items_.size() - 1) ++position_;
    return item;
  }

  Result<LabelRequirement> parse_requirement() {
    // parseKeyAndInferOperator
    std::optional<LabelOperator> op;
    ScannedItem item = consume(Context::kValues);
    if (item.token == Token::kDoesNotExist) {
      op = LabelOperator::kDoesNotExist;
      item = consume(Context::kValues);
    }
    if (item.token != Token::kIdentifier) return error(item.literal, "', expected: identifier");
    std::string key(item.literal);
    if (auto errs = label_key_errors(key); !errs.empty()) {
      return Status::invalid_argument(invalid_value("<nil>", key, join(errs, "; ")));
    }
    Token next = lookahead(Context::kValues).token;
    if ((next == Token::kEnd || next == Token::kComma) && !op) op = LabelOperator::kExists;
    if (op) return LabelRequirement::create(std::move(key), *op, {});

    // parseOperator
    ScannedItem op_item = consume(Context::kKeyAndOperator);
    switch (op_item.token) {
      case Token::kIn: op = LabelOperator::kIn; break;
      case Token::kEquals: op = LabelOperator::kEquals; break;
      case Token::kDoubleEquals: op = LabelOperator::kDoubleEquals; break;
      case Token::kGreaterThan: op = LabelOperator::kGreaterThan; break;
      case Token::kLessThan: op = LabelOperator::kLessThan; break;
      case Token::kNotIn: op = LabelOperator::kNotIn; break;
      case Token::kNotEquals: op = LabelOperator::kNotEquals; break;
      default: return error(op_item.literal, "', expected: in, notin, =, ==, !=, gt, lt");
    }
    Result<std::vector<std::string>> values =
        (*op == LabelOperator::kIn || *op == LabelOperator::kNotIn) ? parse_values() : parse_exact_value();
    if (!values) return values.status();
    // sets.String.List(): sorted and deduplicated before NewRequirement sees them.
    std::vector<std::string> list = std::move(values).value();
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    return LabelRequirement::create(std::move(key), *op, std::move(list));
  }

  // parseValues: "(" a, b, ... ")".
  Result<std::vector<std::string>> parse_values() {
    ScannedItem open = consume(Context::kValues);
    if (open.token != Token::kOpenPar) return error(open.literal, "' expected: '('");
    ScannedItem first = lookahead(Context::kValues);
    switch (first.token) {
      case Token::kIdentifier:
      case Token::kComma: {
        auto list = parse_identifiers_list();
        if (!list) return list;
        if (consume(Context::kValues).token != Token::kClosePar) return error(first.literal, "', expected: ')'");
        return list;
      }
      case Token::kClosePar:
        consume(Context::kValues);
        return std::vector<std::string>{""};
      default: return error(first.literal, "', expected: ',', ')' or identifier");
    }
  }

  // parseIdentifiersList: a possibly empty list of possibly empty values, up to (not including) ")".
  Result<std::vector<std::string>> parse_identifiers_list() {
    std::vector<std::string> values;
    while (true) {
      ScannedItem item = consume(Context::kValues);
      switch (item.token) {
        case Token::kIdentifier: {
          values.emplace_back(item.literal);
          ScannedItem next = lookahead(Context::kValues);
          if (next.token == Token::kComma) continue;
          if (next.token == Token::kClosePar) return values;
          return error(next.literal, "', expected: ',' or ')'");
        }
        case Token::kComma: {
          // "(," and ",," and ",)" each stand for the empty value.
          if (values.empty()) values.emplace_back();
          Token next = lookahead(Context::kValues).token;
          if (next == Token::kClosePar) {
            values.emplace_back();
            return values;
          }
          if (next == Token::kComma) values.emplace_back();
          break;
        }
        default: return error(item.literal, "', expected: ',', or identifier");
      }
    }
  }

  // parseExactValue: one value, possibly empty.
  Result<std::vector<std::string>> parse_exact_value() {
    Token next = lookahead(Context::kValues).token;
    if (next == Token::kEnd || next == Token::kComma) return std::vector<std::string>{""};
    ScannedItem item = consume(Context::kValues);
    if (item.token == Token::kIdentifier) return std::vector<std::string>{std::string(item.literal)};
    return error(item.literal, "', expected: identifier");
  }

  std::vector<ScannedItem> items_;
  std::size_t position_ = 0;
};

}  // namespace label_selector_detail

inline Result<LabelRequirement> LabelRequirement::create(std::string key, LabelOperator op,
                                                          std::vector<std::string> values, std::string_view path) {
  namespace d = label_selector_detail;
  std::string base = path.empty() ? std::string() : std::string(path) + ".";
  std::vector<std::string> errors;
  if (auto errs = d::label_key_errors(key); !errs.empty()) {
    errors.push_back(d::invalid_value(base + "key", key, d::join(errs, "; ")));
  }
  // field.Invalid with a []string value prints it as JSON.
  auto values_json = [&values] {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + d::json_quote(values[i]);
    return out + "]";
  };
  std::string values_path = base + "values";
  switch (op) {
    case LabelOperator::kIn:
    case LabelOperator::kNotIn:
      if (values.empty()) {
        errors.push_back(values_path + ": Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
      }
      break;
    case LabelOperator::kEquals:
    case LabelOperator::kDoubleEquals:
    case LabelOperator::kNotEquals:
      if (values.size() != 1) {
        errors.push_back(values_path + ": Invalid value: " + values_json() +
                         ": exact-match compatibility requires one single value");
      }
      break;
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist:
      if (!values.empty()) {
        errors.push_back(values_path + ": Invalid value: " + values_json() +
                         ": values set must be empty for exists and does not exist");
      }
      break;
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan:
      if (values.size() != 1) {
        errors.push_back(values_path + ": Invalid value: " + values_json() +
                         ": for 'Gt', 'Lt' operators, exactly one value is required");
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (!d::parse_go_int64(values[i])) {
          errors.push_back(d::invalid_value(values_path + "[" + std::to_string(i) + "]", values[i],
                                            "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (auto errs = d::label_value_errors(values[i]); !errs.empty()) {
      errors.push_back(d::invalid_value(values_path + "[" + std::to_string(i) + "][" + key + "]", values[i],
                                        d::join(errs, "; ")));
    }
  }
  if (!errors.empty()) return Status::invalid_argument(d::aggregate(errors));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return LabelRequirement{std::move(key), op, std::move(values)};
}

inline bool LabelRequirement::matches_value(std::optional<std::string_view> value) const {
  auto has = [this](std::string_view v) { return std::find(values.begin(), values.end(), v) != values.end(); };
  switch (op) {
    case LabelOperator::kEquals:
    case LabelOperator::kDoubleEquals:
    case LabelOperator::kIn: return value.has_value() && has(*value);
    case LabelOperator::kNotEquals:
    case LabelOperator::kNotIn: return !value.has_value() || !has(*value);
    case LabelOperator::kExists: return value.has_value();
    case LabelOperator::kDoesNotExist: return !value.has_value();
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan: {
      if (!value || values.size() != 1) return false;
      auto have = label_selector_detail::parse_go_int64(*value);
      auto want = label_selector_detail::parse_go_int64(values.front());
      if (!have || !want) return false;
      return op == LabelOperator::kGreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

inline std::string LabelRequirement::to_string() const {
  std::string out;
  if (op == LabelOperator::kDoesNotExist) out += '!';
  out += key;
  switch (op) {
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist: return out;
    case LabelOperator::kEquals: out += "="; break;
    case LabelOperator::kDoubleEquals: out += "=="; break;
    case LabelOperator::kNotEquals: out += "!="; break;
    case LabelOperator::kGreaterThan: out += ">"; break;
    case LabelOperator::kLessThan: out += "<"; break;
    case LabelOperator::kIn: out += " in ("; break;
    case LabelOperator::kNotIn: out += " notin ("; break;
  }
  // Sorted already when made by create() or parse(); a hand-built requirement is sorted on output only,
  // as apimachinery's safeSort does.
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  out += label_selector_detail::join(sorted, ",");
  if (op == LabelOperator::kIn || op == LabelOperator::kNotIn) out += ")";
  return out;
}

inline Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  auto requirements = label_selector_detail::Parser(text).parse();
  if (!requirements) return requirements.status();
  return from_requirements(std::move(requirements).value());
}

inline LabelSelector LabelSelector::from_requirements(std::vector<LabelRequirement> requirements) {
  LabelSelector selector;
  selector.requirements_ = std::move(requirements);
  selector.sort_by_key();
  return selector;
}

inline std::string LabelSelector::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < requirements_.size(); ++i) {
    if (i > 0) out += ',';
    out += requirements_[i].to_string();
  }
  return out;
}

inline LabelSelector LabelSelector::and_also(const LabelSelector& other) const {
  LabelSelector combined;
  combined.requirements_.reserve(requirements_.size() + other.requirements_.size());
  combined.requirements_.insert(combined.requirements_.end(), requirements_.begin(), requirements_.end());
  combined.requirements_.insert(combined.requirements_.end(), other.requirements_.begin(),
                                other.requirements_.end());
  combined.sort_by_key();
  return combined;
}

}  // namespace mpf
