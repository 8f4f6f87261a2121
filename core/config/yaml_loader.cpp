#include "core/config/yaml_loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mpf::core {
namespace {

// ConfigValue cannot share subtrees, so each alias copies its anchored subtree. Without a bound, a few
// nested aliases expand a small file into gigabytes ("billion laughs").
constexpr std::size_t kMaxNodes = 200'000;  // a config file has hundreds

constexpr std::string_view kNullTag = "tag:yaml.org,2002:null";

struct Problem {
  int line = 0;  // 1-based; 0 when yaml-cpp gave no position
  int column = 0;
  std::string message;
};

// A parsed node before conversion. It keeps where it was written, which ConfigValue cannot.
struct RawNode {
  ConfigValue::Kind kind = ConfigValue::Kind::kNull;
  std::string text;
  int line = 0;  // 0-based, as yaml-cpp reports
  int column = 0;
  std::vector<RawNode> children;  // list items, or map keys and values alternating
  std::size_t size = 1;           // nodes in this subtree, for the alias budget
};

RawNode make_node(ConfigValue::Kind kind, const YAML::Mark& mark, std::string text = {}) {
  RawNode node;
  node.kind = kind;
  node.text = std::move(text);
  node.line = mark.line;
  node.column = mark.column;
  return node;
}

// Builds RawNodes from yaml-cpp's events. Nothing here throws on its own; yaml-cpp's exceptions pass
// through to load_yaml_text, which catches them.
class TreeBuilder final : public YAML::EventHandler {
 public:
  explicit TreeBuilder(std::string_view text) : text_(text) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (stack_.empty()) root_explicit_null_ = null_token_at(mark.pos);
    add(make_node(ConfigValue::Kind::kNull, mark), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || !anchors_[anchor]) {
      // yaml-cpp accepts `&a [*a]`; the alias would have to contain itself.
      problems_.push_back({mark.line + 1, mark.column + 1, "an alias refers to the node that contains it"});
      add(make_node(ConfigValue::Kind::kNull, mark), 0);
      return;
    }
    const RawNode& target = *anchors_[anchor];
    if (node_count_ + target.size > kMaxNodes) {
      if (!over_budget_) {
        problems_.push_back({mark.line + 1, mark.column + 1,
                             "aliases expand the document beyond " + std::to_string(kMaxNodes) + " nodes"});
      }
      over_budget_ = true;
      add(make_node(ConfigValue::Kind::kNull, mark), 0);
      return;
    }
    node_count_ += target.size - 1;  // add() counts one more
    add(RawNode(target), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (tag == kNullTag) {
      if (stack_.empty()) root_explicit_null_ = true;
      add(make_node(ConfigValue::Kind::kNull, mark), anchor);
      return;
    }
    if (!quote_is_closed(mark.pos)) {
      problems_.push_back({mark.line + 1, mark.column + 1, "quoted scalar has no closing quote"});
    }
    add(make_node(ConfigValue::Kind::kScalar, mark, value), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    stack_.push_back({make_node(ConfigValue::Kind::kList, mark), anchor});
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    stack_.push_back({make_node(ConfigValue::Kind::kMap, mark), anchor});
  }
  void OnMapEnd() override { close(); }

  std::optional<RawNode>& root() { return root_; }
  bool root_explicit_null() const { return root_explicit_null_; }
  std::vector<Problem>& problems() { return problems_; }

 private:
  struct Open {
    RawNode node;
    YAML::anchor_t anchor;
  };

  void close() {
    if (stack_.empty()) return;
    Open open = std::move(stack_.back());
    stack_.pop_back();
    add(std::move(open.node), open.anchor);
  }

  void add(RawNode node, YAML::anchor_t anchor) {
    ++node_count_;
    if (anchor != 0) {
      if (anchor >= anchors_.size()) anchors_.resize(anchor + 1);
      anchors_[anchor] = node;
    }
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    RawNode& parent = stack_.back().node;
    parent.size += node.size;
    parent.children.push_back(std::move(node));
  }

  // An empty document and an explicit `null` produce the same event; only the text tells them apart.
  bool null_token_at(int pos) const {
    std::optional<std::size_t> at = byte_at(pos);
    if (!at) return false;
    std::string_view rest = text_.substr(*at);
    for (std::string_view token : {"~", "null", "Null", "NULL"}) {
      if (rest.substr(0, token.size()) != token) continue;
      if (rest.size() == token.size()) return true;
      char next = rest[token.size()];
      if (next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == '#') return true;
    }
    return false;
  }

  // yaml-cpp 0.7 accepts a quoted scalar whose closing quote is missing when the text ends with a
  // newline, silently swallowing the rest of the file into it. True unless `pos` starts such a scalar.
  bool quote_is_closed(int pos) const {
    std::optional<std::size_t> at = byte_at(pos);
    if (!at) return true;
    char quote = text_[*at];
    if (quote != '"' && quote != '\'') return true;
    for (std::size_t i = *at + 1; i < text_.size(); ++i) {
      if (quote == '"' && text_[i] == '\\') {
        ++i;  // an escape; the next character cannot close the scalar
      } else if (text_[i] == quote) {
        if (quote == '"' || i + 1 >= text_.size() || text_[i + 1] != '\'') return true;
        ++i;  // '' is an escaped single quote
      }
    }
    return false;
  }

  // The offset in text_ of a yaml-cpp position, which counts bytes but skips a byte order mark.
  std::optional<std::size_t> byte_at(int pos) const {
    if (pos < 0) return std::nullopt;
    std::size_t at = static_cast<std::size_t>(pos) + (text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
    if (at >= text_.size()) return std::nullopt;
    return at;
  }

  std::string_view text_;
  std::vector<Open> stack_;
  std::vector<std::optional<RawNode>> anchors_;
  std::optional<RawNode> root_;
  bool root_explicit_null_ = false;
  std::size_t node_count_ = 0;
  bool over_budget_ = false;
  std::vector<Problem> problems_;
};

// Only notices whether a second document follows the first.
class DocumentProbe final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (!seen_) start_ = mark;
    seen_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  const YAML::Mark& start() const { return start_; }

 private:
  bool seen_ = false;
  YAML::Mark start_;
};

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// Turns RawNodes into ConfigValues, tracking the YAML path for messages: duplicate and non-scalar
// keys, and ${VAR} expansion in scalar values.
class Converter {
 public:
  Converter(const EnvLookup& env, std::vector<Problem>& problems) : env_(env), problems_(problems) {}

  ConfigValue convert(const RawNode& node) {
    switch (node.kind) {
      case ConfigValue::Kind::kNull: return ConfigValue();
      case ConfigValue::Kind::kScalar: return ConfigValue::scalar(expand(node));
      case ConfigValue::Kind::kList: return convert_list(node);
      case ConfigValue::Kind::kMap: return convert_map(node);
    }
    return ConfigValue();
  }

 private:
  ConfigValue convert_list(const RawNode& node) {
    ConfigValue out = ConfigValue::list();
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      std::size_t saved = path_.size();
      path_ += "[" + std::to_string(i) + "]";
      out.push_back(convert(node.children[i]));
      path_.resize(saved);
    }
    return out;
  }

  ConfigValue convert_map(const RawNode& node) {
    ConfigValue out = ConfigValue::map();
    std::unordered_map<std::string_view, int> first_line;
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const RawNode& key = node.children[i];
      if (key.kind == ConfigValue::Kind::kList || key.kind == ConfigValue::Kind::kMap) {
        report(key, display_path() + ": map keys must be scalars, got a " +
                        (key.kind == ConfigValue::Kind::kList ? "list" : "map"));
        continue;
      }
      if (key.kind == ConfigValue::Kind::kNull) {
        report(key, display_path() + ": a map key is empty or null; quote it (\"null\") if it is meant as text");
        continue;
      }
      std::size_t saved = path_.size();
      path_ += (path_.empty() ? "" : ".") + key.text;
      auto [it, inserted] = first_line.emplace(key.text, key.line + 1);
      if (!inserted) {
        // yaml-cpp keeps both entries and lookups see only the first, so a duplicate would be ignored.
        report(key, path_ + ": duplicate key \"" + key.text + "\" (first defined at line " +
                        std::to_string(it->second) + ")");
      } else {
        out.set(key.text, convert(node.children[i + 1]));
      }
      path_.resize(saved);
    }
    return out;
  }

  std::string expand(const RawNode& node) {
    std::string_view in = node.text;
    if (in.find('$') == std::string_view::npos) return node.text;
    std::string out;
    std::size_t i = 0;
    while (i < in.size()) {
      if (in[i] != '$') {
        out += in[i++];
      } else if (in.substr(i, 3) == "$${") {
        out += "${";
        i += 3;
      } else if (in.substr(i, 2) != "${") {
        out += in[i++];
      } else {
        std::size_t close = in.find('}', i + 2);
        if (close == std::string_view::npos) {
          report(node,
                 display_path() + ": unterminated \"${\" in \"" + node.text + "\"; write \"$${\" for a literal \"${\"");
          out.append(in.substr(i));
          break;
        }
        substitute(node, in.substr(i + 2, close - i - 2), out);
        i = close + 1;
      }
    }
    return out;
  }

  // `body` is what stands between "${" and "}".
  void substitute(const RawNode& node, std::string_view body, std::string& out) {
    std::size_t name_end = 0;
    if (!body.empty() && is_name_start(body[0])) {
      while (name_end < body.size() && is_name_char(body[name_end])) ++name_end;
    }
    std::string name(body.substr(0, name_end));
    std::string_view rest = body.substr(name_end);
    std::string reference = "\"${" + std::string(body) + "}\"";
    if (name.empty() || (!rest.empty() && rest.substr(0, 2) != ":-")) {
      report(node, display_path() + ": invalid environment variable reference " + reference +
                       "; use ${NAME} or ${NAME:-default}, and \"$${\" for a literal \"${\"");
      return;
    }
    std::optional<std::string_view> fallback;
    if (!rest.empty()) fallback = rest.substr(2);
    if (fallback && fallback->find("${") != std::string_view::npos) {
      report(node, display_path() + ": nested \"${\" in the default of " + reference + " is not supported");
      return;
    }
    std::optional<std::string> value = env_(name);
    if (value && (!value->empty() || !fallback)) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      report(node, display_path() + ": environment variable \"" + name + "\" is not set");
    }
  }

  std::string display_path() const { return path_.empty() ? "(top level)" : path_; }

  void report(const RawNode& node, std::string message) {
    problems_.push_back({node.line + 1, node.column + 1, std::move(message)});
  }

  const EnvLookup& env_;
  std::vector<Problem>& problems_;
  std::string path_;
};

Status to_status(std::string_view source, std::vector<Problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  std::string message;
  for (const Problem& p : problems) {
    if (!message.empty()) message += '\n';
    message += source;
    if (p.line > 0) message += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    message += ": " + p.message;
  }
  return Status::invalid_argument(std::move(message));
}

Result<ConfigValue> load(std::string_view text, std::string_view source, const EnvLookup& env) {
  std::istringstream stream{std::string(text)};
  TreeBuilder builder(text);
  std::vector<Problem> problems;
  try {
    YAML::Parser parser(stream);
    if (parser.HandleNextDocument(builder)) {
      DocumentProbe probe;
      if (parser.HandleNextDocument(probe)) {
        problems.push_back({probe.start().line + 1, probe.start().column + 1,
                            "only one YAML document is supported, found a second one"});
      }
    }
  } catch (const YAML::Exception& e) {
    // A syntax error ends parsing; whatever was built so far is incomplete, so it is not converted.
    // yaml-cpp's own message for too deep nesting is "bad file".
    std::string message =
        dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr ? "collections are nested too deeply" : e.msg;
    problems = std::move(builder.problems());
    if (e.mark.is_null()) {
      problems.push_back({0, 0, std::move(message)});
    } else {
      problems.push_back({e.mark.line + 1, e.mark.column + 1, std::move(message)});
    }
    return to_status(source, problems);
  }
  problems.insert(problems.begin(), builder.problems().begin(), builder.problems().end());

  ConfigValue document = ConfigValue::map();
  std::optional<RawNode>& root = builder.root();
  if (root && (root->kind != ConfigValue::Kind::kNull || builder.root_explicit_null())) {
    document = Converter(env, problems).convert(*root);
  }
  if (!problems.empty()) return to_status(source, problems);
  return document;
}

}  // namespace

const EnvLookup& process_env() {
  static const EnvLookup lookup = [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  return lookup;
}

Result<ConfigValue> load_yaml_text(std::string_view text, std::string_view source_name, const EnvLookup& env) {
  try {
    return load(text, source_name, env);
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string(source_name) + ": cannot load YAML: " + e.what());
  } catch (...) {
    return Status::invalid_argument(std::string(source_name) + ": cannot load YAML: unknown error");
  }
}

Result<ConfigValue> load_yaml_file(const std::string& path, const EnvLookup& env) {
  try {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      return Status::invalid_argument(path + ": cannot read: it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::invalid_argument(path +
                                      ": cannot read: " + std::error_code(errno, std::generic_category()).message());
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    if (in.bad()) return Status::invalid_argument(path + ": cannot read: I/O error");
    return load_yaml_text(contents.str(), path, env);
  } catch (const std::exception& e) {
    return Status::invalid_argument(path + ": cannot read: " + e.what());
  }
}

}  // namespace mpf::core
