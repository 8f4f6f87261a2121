#include "tests/sim/exposition_checker.h"

#include <charconv>
#include <cstdlib>

#include "tests/sim/text_format.h"

namespace mpf::sim::test {
namespace {

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return !(s.front() >= '0' && s.front() <= '9');
}

std::vector<std::string_view> expected_labels(std::string_view family) {
  if (family.rfind("container_", 0) == 0) return {"container", "namespace", "pod"};
  if (family.rfind("pod_", 0) == 0) return {"namespace", "pod"};
  return {};
}

std::string parse_sample(std::string_view line, Sample& sample) {
  const size_t name_end = line.find_first_of("{ ");
  if (name_end == std::string_view::npos) return "sample without a value";
  sample.name = std::string(line.substr(0, name_end));
  if (!is_name(sample.name)) return "bad metric name \"" + sample.name + "\"";
  std::string_view rest = line.substr(name_end);
  if (rest.front() == '{') {
    rest.remove_prefix(1);
    for (;;) {
      const size_t eq = rest.find('=');
      if (eq == std::string_view::npos || eq + 1 >= rest.size() || rest[eq + 1] != '"') return "bad label";
      const std::string_view label_name = rest.substr(0, eq);
      if (!is_name(label_name)) return "bad label name \"" + std::string(label_name) + "\"";
      rest.remove_prefix(eq + 2);
      const size_t quote = rest.find('"');
      if (quote == std::string_view::npos) return "unterminated label value";
      const std::string_view value = rest.substr(0, quote);
      if (value.find('\\') != std::string_view::npos) return "escaped label value";
      sample.labels.emplace_back(std::string(label_name), std::string(value));
      rest.remove_prefix(quote + 1);
      if (rest.empty()) return "unterminated label set";
      if (rest.front() == '}') {
        rest.remove_prefix(1);
        break;
      }
      if (rest.front() != ',') return "expected ',' or '}' after a label";
      rest.remove_prefix(1);
    }
  }
  if (rest.empty() || rest.front() != ' ') return "expected one space before the value";
  rest.remove_prefix(1);
  const size_t space = rest.find(' ');
  sample.value_text = std::string(rest.substr(0, space));
  char* end = nullptr;
  sample.value = std::strtod(sample.value_text.c_str(), &end);
  if (sample.value_text.empty() || end != sample.value_text.c_str() + sample.value_text.size()) {
    return "value \"" + sample.value_text + "\" is not a number";
  }
  std::string canonical;
  append_go_float(canonical, sample.value);
  if (canonical != sample.value_text) {
    return "value \"" + sample.value_text + "\" is not in Go's format (\"" + canonical + "\")";
  }
  if (space != std::string_view::npos) {
    const std::string_view ts = rest.substr(space + 1);
    int64_t timestamp = 0;
    const auto r = std::from_chars(ts.data(), ts.data() + ts.size(), timestamp);
    if (ts.empty() || r.ec != std::errc() || r.ptr != ts.data() + ts.size()) {
      return "timestamp \"" + std::string(ts) + "\" is not an integer";
    }
    sample.timestamp_ms = timestamp;
  }
  return {};
}

}  // namespace

std::string Sample::label(std::string_view label_name) const {
  for (const auto& [n, v] : labels) {
    if (n == label_name) return v;
  }
  return {};
}

const Family* Exposition::find(std::string_view family_name) const {
  for (const Family& f : families) {
    if (f.name == family_name) return &f;
  }
  return nullptr;
}

std::pair<std::optional<Exposition>, std::string> check_exposition(std::string_view text) {
  Exposition result;
  if (text.empty()) return {std::nullopt, "empty body"};
  if (text.back() != '\n') return {std::nullopt, "the last line does not end in a newline"};
  size_t line_number = 0;
  enum class Expect { kHelp, kType, kFirstSample, kSampleOrHelp } expect = Expect::kHelp;
  const auto fail = [&line_number](const std::string& why) {
    return std::pair<std::optional<Exposition>, std::string>{std::nullopt,
                                                             "line " + std::to_string(line_number) + ": " + why};
  };
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    if (line.empty()) return fail("empty line");
    if (line.find('\r') != std::string_view::npos) return fail("carriage return");
    const bool help = line.rfind("# HELP ", 0) == 0;
    const bool type = line.rfind("# TYPE ", 0) == 0;
    if (help) {
      if (expect != Expect::kHelp && expect != Expect::kSampleOrHelp) return fail("HELP where a TYPE or sample belongs");
      const std::string_view after = line.substr(7);
      const size_t space = after.find(' ');
      if (space == std::string_view::npos || space + 1 >= after.size()) return fail("HELP without text");
      Family family;
      family.name = std::string(after.substr(0, space));
      if (!is_name(family.name)) return fail("bad family name");
      if (!result.families.empty() && result.families.back().name >= family.name) {
        return fail("family " + family.name + " is not after " + result.families.back().name);
      }
      family.help_line = std::string(line);
      result.families.push_back(std::move(family));
      expect = Expect::kType;
      continue;
    }
    if (type) {
      if (expect != Expect::kType) return fail("TYPE not right after its HELP");
      Family& family = result.families.back();
      const std::string expected_prefix = "# TYPE " + family.name + " ";
      if (line.rfind(expected_prefix, 0) != 0) return fail("TYPE of another family");
      const std::string_view kind = line.substr(expected_prefix.size());
      if (kind != "counter" && kind != "gauge") return fail("type \"" + std::string(kind) + "\"");
      family.type_line = std::string(line);
      expect = Expect::kFirstSample;
      continue;
    }
    if (line.front() == '#') return fail("comment other than HELP or TYPE");
    if (expect != Expect::kFirstSample && expect != Expect::kSampleOrHelp) return fail("sample before HELP and TYPE");
    Family& family = result.families.back();
    Sample sample;
    if (const std::string error = parse_sample(line, sample); !error.empty()) return fail(error);
    if (sample.name != family.name) return fail("sample " + sample.name + " inside family " + family.name);
    const auto wanted = expected_labels(family.name);
    if (sample.labels.size() != wanted.size()) return fail("wrong number of labels");
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (sample.labels[i].first != wanted[i]) return fail("label " + sample.labels[i].first + " out of order");
    }
    if (!family.samples.empty()) {
      std::vector<std::string> previous;
      std::vector<std::string> current;
      for (const auto& l : family.samples.back().labels) previous.push_back(l.second);
      for (const auto& l : sample.labels) current.push_back(l.second);
      if (!(previous < current)) return fail("series not sorted by label values (or duplicated)");
    }
    family.samples.push_back(std::move(sample));
    expect = Expect::kSampleOrHelp;
  }
  if (expect != Expect::kSampleOrHelp) return {std::nullopt, "the last family has no samples"};
  return {std::move(result), ""};
}

}  // namespace mpf::sim::test
