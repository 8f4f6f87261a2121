#include "resource_metrics_parser.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "prometheus_text.h"
#include "series_index.h"

namespace mpf::sources::kubelet_resource {
namespace {

enum class Family : std::uint8_t {
  kUnknown,  // also the families we deliberately ignore (commit bytes, swap limit)
  kNodeCpu,
  kNodeMemory,
  kNodeSwap,
  kContainerCpu,
  kContainerMemory,
  kContainerStartTime,
  kContainerSwap,
  kPodCpu,
  kPodMemory,
  kPodSwap,
  kScrapeError,
};

enum class Scope : std::uint8_t { kOther, kNode, kContainer, kPod };

Scope scope_of(Family f) {
  switch (f) {
    case Family::kNodeCpu:
    case Family::kNodeMemory:
    case Family::kNodeSwap: return Scope::kNode;
    case Family::kContainerCpu:
    case Family::kContainerMemory:
    case Family::kContainerStartTime:
    case Family::kContainerSwap: return Scope::kContainer;
    case Family::kPodCpu:
    case Family::kPodMemory:
    case Family::kPodSwap: return Scope::kPod;
    default: return Scope::kOther;
  }
}

// The exact family names; a name only matches whole (container_cpu_usage_seconds_total_x is unknown).
Family classify(std::string_view name) {
  switch (name.front()) {
    case 'c':
      if (name == "container_cpu_usage_seconds_total") return Family::kContainerCpu;
      if (name == "container_memory_working_set_bytes") return Family::kContainerMemory;
      if (name == "container_start_time_seconds") return Family::kContainerStartTime;
      if (name == "container_swap_usage_bytes") return Family::kContainerSwap;
      break;
    case 'n':
      if (name == "node_cpu_usage_seconds_total") return Family::kNodeCpu;
      if (name == "node_memory_working_set_bytes") return Family::kNodeMemory;
      if (name == "node_swap_usage_bytes") return Family::kNodeSwap;
      break;
    case 'p':
      if (name == "pod_cpu_usage_seconds_total") return Family::kPodCpu;
      if (name == "pod_memory_working_set_bytes") return Family::kPodMemory;
      if (name == "pod_swap_usage_bytes") return Family::kPodSwap;
      break;
    case 'r':
      if (name == "resource_scrape_error") return Family::kScrapeError;
      break;
    case 's':
      if (name == "scrape_error") return Family::kScrapeError;
      break;
    default: break;
  }
  return Family::kUnknown;
}

constexpr double kTwoPow63 = 9223372036854775808.0;

// value x scale, rounded to nearest, when the result is a trustworthy unsigned quantity: false for
// NaN, negatives, infinities and anything from 2^63 up (a uint64 that wrapped below zero in the
// kubelet, like swap 1.8446743709127774e+19).
bool scale_to_u63(double value, double scale, std::uint64_t& out) {
  if (!(value >= 0.0)) return false;
  const double x = value * scale;
  if (!(x < kTwoPow63)) return false;
  std::uint64_t whole = static_cast<std::uint64_t>(x);
  // x - whole is the exact fraction; rounding it (instead of truncating like metrics-server's
  // uint64(value*1e9)) keeps 1.027602 s at 1027602000 ns rather than 1027601999.
  if (x - static_cast<double>(whole) >= 0.5) ++whole;
  out = whole;
  return true;
}

// Where a label block ("{...}") sits in the body of the current parse.
struct BlockRef {
  const char* data;
  std::uint32_t size;
};

// Per-thread scratch space. Fixed-size and trivially destructible on purpose: glibc pins a shared
// object in memory while any thread holds a thread_local of it with a destructor, so such a member
// would keep the plugin from ever being unloaded. Bodies with more series than this holds still parse:
// the extra series are not cached and the index moves to the heap for that parse.
struct Scratch {
  static constexpr std::uint32_t kSeries = 1024;  // per kind (container, pod); a full node has ~300
  // The block of the line that created containers[i] / pods[i]. The next family lists the same
  // series in the same order, so the block at the family's cursor usually matches byte for byte and
  // the line needs no label parsing at all.
  BlockRef container_blocks[kSeries];
  BlockRef pod_blocks[kSeries];
  std::uint32_t container_slots[2 * kSeries];  // SlotIndex storage: load at most one half
  std::uint32_t pod_slots[2 * kSeries];
};
static_assert(std::is_trivially_destructible_v<Scratch>);

Scratch& thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

struct Labels {
  std::string_view values[3];  // namespace, pod, container
  bool seen[3] = {false, false, false};
};
constexpr int kNamespace = 0;
constexpr int kPod = 1;
constexpr int kContainer = 2;

class Parser {
 public:
  Parser(const ResourceParseOptions& options, NodeBatch& out, Scratch& scratch, bool use_cache)
      : options_(options),
        out_(out),
        scratch_(scratch),
        use_cache_(use_cache),
        container_index_(scratch.container_slots, std::size(scratch.container_slots)),
        pod_index_(scratch.pod_slots, std::size(scratch.pod_slots)) {}

  Status run(std::string_view body) {
    const char* p = body.data();
    const char* const end = p + body.size();
    while (p < end) {
      ++line_;
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      const char* line_end = nl != nullptr ? nl : end;
      if (static_cast<std::size_t>(line_end - p) > kMaxLineBytes) {
        fail("longer than " + std::to_string(kMaxLineBytes) + " bytes");
        break;
      }
      if (line_end > p && line_end[-1] == '\r') --line_end;
      if (!parse_line(p, line_end)) break;
      p = nl != nullptr ? nl + 1 : end;
    }
    return failure_.empty() ? Status::ok() : Status::permanent(std::move(failure_));
  }

 private:
  // The hot path returns bool; the message of the first failure is kept here.
  bool fail(const std::string& what) {
    failure_ = "line " + std::to_string(line_) + ": " + what;
    return false;
  }

  const char* fail_at(const std::string& what) {
    fail(what);
    return nullptr;
  }

  static std::string token_at(const char* p, const char* end) {
    const char* q = p;
    while (q < end && !is_blank(*q)) ++q;
    return std::string(p, static_cast<std::size_t>(q - p));
  }

  bool parse_line(const char* p, const char* const end) {
    p = skip_blanks(p, end);
    if (p == end || *p == '#') return true;  // blank, HELP, TYPE, # EOF, any comment
    p = read_name(p, end);
    if (p == nullptr) return false;
    const Scope scope = scope_of(family_);
    const char* const name_end = p;
    p = skip_blanks(p, end);

    std::uint32_t index = kNoIndex;  // found through the label-block cache
    Labels labels;
    std::string_view block;
    if (p < end && *p == '{') {
      if (use_cache_ && scope == Scope::kContainer) {
        index = match_cached_block(scratch_.container_blocks, cached_containers_, container_cursor_, p, end);
      } else if (use_cache_ && scope == Scope::kPod) {
        index = match_cached_block(scratch_.pod_blocks, cached_pods_, pod_cursor_, p, end);
      }
      if (index == kNoIndex) {
        const char* const block_begin = p;
        p = parse_labels(p, end, scope, labels);
        if (p == nullptr) return false;
        block = std::string_view(block_begin, static_cast<std::size_t>(p - block_begin));
      }
      p = skip_blanks(p, end);
    } else if (p == name_end && p < end) {
      return fail("expected '{' or a blank after the metric name");
    }

    if (p == end) return fail("missing value");
    const char* const value_begin = p;
    double value = 0;
    p = parse_value(p, end, value);
    if (p == nullptr) return fail("invalid value \"" + token_at(value_begin, end) + "\"");
    p = skip_blanks(p, end);

    std::int64_t timestamp_ns = options_.default_timestamp_ns;
    if (p < end) {
      p = parse_timestamp(p, end, timestamp_ns);
      if (p == nullptr) return false;
      if (skip_blanks(p, end) != end) return fail("unexpected text after the timestamp");
    }

    switch (scope) {
      case Scope::kNode: store_node(value, timestamp_ns); break;
      case Scope::kContainer: store_container(index, labels, block, value, timestamp_ns); break;
      case Scope::kPod: store_pod(index, labels, block, value, timestamp_ns); break;
      case Scope::kOther:
        if (family_ == Family::kScrapeError && value != 0.0) {
          // The kubelet could not collect stats; whatever series it still sent are incomplete.
          failure_ = "kubelet reported " + std::string(family_name_) + " " + token_at(value_begin, end);
          return false;
        }
        break;
    }
    return true;
  }

  // Reads the metric name at p and sets the family; returns the position after the name, or nullptr.
  // Lines of one family follow each other, so the previous line's name is tried first (one memcmp).
  // Like the other readers it takes and returns the position by value, which keeps it in a register.
  const char* read_name(const char* p, const char* end) {
    const std::size_t known = family_name_.size();
    if (known != 0 && static_cast<std::size_t>(end - p) > known && std::memcmp(p, family_name_.data(), known) == 0 &&
        !has_class(p[known], kMetricNameChar)) {
      return p + known;
    }
    const char* const begin = p;
    if (!has_class(*p, kNameStart) && *p != ':') return fail_at("expected a metric name");
    ++p;
    while (p < end && has_class(*p, kMetricNameChar)) ++p;
    const std::string_view name(begin, static_cast<std::size_t>(p - begin));
    if (name != family_name_) {
      family_name_ = name;
      family_ = classify(name);
      // Each family lists the same series in the same order: restart matching at the first entry.
      container_cursor_ = 0;
      pod_cursor_ = 0;
    }
    return p;
  }

  // Go's ParseFloat syntax as far as kubelets use it: decimal and exponent forms, NaN and [+-]Inf.
  // A number too large for a double becomes NaN (untrustworthy, skipped). Returns the position after
  // the number, or nullptr when the token is not one.
  static const char* parse_value(const char* p, const char* end, double& value) {
    if (*p == '+') {  // from_chars takes no '+'; Go writes +Inf
      ++p;
      if (p == end || *p == '-' || *p == '+') return nullptr;
    }
    const auto [ptr, ec] = std::from_chars(p, end, value);
    if (ptr == p || (ptr != end && !is_blank(*ptr))) return nullptr;
    if (ec == std::errc::result_out_of_range) {
      value = std::numeric_limits<double>::quiet_NaN();
    } else if (ec != std::errc()) {
      return nullptr;
    }
    return ptr;
  }

  // Prometheus timestamps are integer milliseconds. A negative one is the Go zero time
  // (-62135596800000) from a kubelet without stats; zero is the Unix epoch, never a real stats time.
  const char* parse_timestamp(const char* p, const char* end, std::int64_t& timestamp_ns) {
    const char* const begin = p;
    const bool negative = *p == '-';
    if (negative) ++p;
    const char* const digits = p;
    std::uint64_t ms = 0;
    while (p < end && is_digit(*p) && p - digits < 19) {
      ms = ms * 10 + static_cast<std::uint64_t>(*p - '0');
      ++p;
    }
    if (p == digits || (p < end && !is_blank(*p))) {
      return fail_at("invalid timestamp \"" + token_at(begin, end) + "\"");
    }
    const std::string_view text(begin, static_cast<std::size_t>(p - begin));
    if (negative && ms != 0) return fail_at("negative timestamp " + std::string(text));
    if (ms == 0) return fail_at("zero timestamp " + std::string(text));
    constexpr std::uint64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 1'000'000;
    if (ms > kMaxMs) return fail_at("timestamp out of range " + std::string(text));
    timestamp_ns = static_cast<std::int64_t>(ms * 1'000'000);
    return p;
  }

  // A hit returns the entry's position and moves p past the block; the bytes of a label block fully
  // determine its labels, so an identical block is the same series without parsing it.
  static std::uint32_t match_cached_block(const BlockRef* blocks, std::uint32_t count, std::uint32_t cursor,
                                          const char*& p, const char* end) {
    if (cursor >= count) return kNoIndex;
    const BlockRef cached = blocks[cursor];
    if (static_cast<std::size_t>(end - p) < cached.size || std::memcmp(p, cached.data, cached.size) != 0) {
      return kNoIndex;
    }
    p += cached.size;
    return cursor;
  }

  // Remembers the block of a new entry while the fixed scratch has room. Lines are at most
  // kMaxLineBytes long, so a block's size fits 32 bits.
  static void remember_block(BlockRef* blocks, std::uint32_t& count, std::uint32_t position, std::string_view block) {
    if (position == count && count < Scratch::kSeries) {
      blocks[count++] = BlockRef{block.data(), static_cast<std::uint32_t>(block.size())};
    }
  }

  // p is at '{'; on success it is just past the matching '}'. Any label order, extra labels, blanks
  // around tokens and a trailing comma are accepted. The labels this scope needs are recorded
  // (unescaped when they contain a backslash). Returns nullptr on failure.
  const char* parse_labels(const char* p, const char* end, Scope scope, Labels& labels) {
    ++p;
    for (;;) {
      p = skip_blanks(p, end);
      if (p == end) return fail_at("unterminated label set");
      if (*p == '}') return p + 1;
      const char* const label_begin = p;
      if (!has_class(*p, kNameStart)) return fail_at("expected a label name");
      while (p < end && has_class(*p, kLabelNameChar)) ++p;
      const std::string_view label(label_begin, static_cast<std::size_t>(p - label_begin));
      p = skip_blanks(p, end);
      if (p == end || *p != '=') return fail_at("expected '=' after label " + std::string(label));
      p = skip_blanks(p + 1, end);
      if (p == end || *p != '"') return fail_at("expected '\"' to open the value of label " + std::string(label));
      ++p;
      const char* const value_begin = p;
      bool escaped = false;
      for (;;) {
        const auto* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
        if (quote == nullptr) return fail_at("unterminated value of label " + std::string(label));
        const auto* backslash = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(quote - p)));
        if (backslash == nullptr) {
          p = quote;
          break;
        }
        escaped = true;
        p = backslash + 2;  // the escaped character may be the quote itself
      }
      const std::string_view raw(value_begin, static_cast<std::size_t>(p - value_begin));
      ++p;  // closing quote
      if (!is_valid_utf8(raw.data(), raw.data() + raw.size())) {
        return fail_at("value of label " + std::string(label) + " is not valid UTF-8");
      }
      const int slot = wanted_label(scope, label);
      if (slot >= 0) {
        if (labels.seen[slot]) return fail_at("duplicate label " + std::string(label));
        labels.seen[slot] = true;
        if (escaped) {
          unescape_label_value(raw, unescaped_[slot]);
          labels.values[slot] = unescaped_[slot];
        } else {
          labels.values[slot] = raw;
        }
      }
      p = skip_blanks(p, end);
      if (p < end && *p == ',') {
        ++p;
      } else if (p == end || *p != '}') {
        return fail_at("expected ',' or '}' after the value of label " + std::string(label));
      }
    }
  }

  static int wanted_label(Scope scope, std::string_view label) {
    if (scope != Scope::kContainer && scope != Scope::kPod) return -1;
    if (label == "namespace") return kNamespace;
    if (label == "pod") return kPod;
    if (scope == Scope::kContainer && label == "container") return kContainer;
    return -1;
  }

  // Applies one family's value to a sample. false when the value is untrustworthy: nothing changes.
  //
  // Timestamps replicate metrics-server: its decoder sets the point's Timestamp on every CPU line and
  // again on every memory line, so the one written last in exposition order wins. Kubelets sort
  // families by name, so that is the memory line's stats time for nodes and containers alike. Start
  // time lines leave the timestamp alone (their own is ignored); swap, which metrics-server does not
  // read, only fills a timestamp that nothing else set.
  bool apply(Sample& sample, double value, std::int64_t timestamp_ns) const {
    std::uint64_t scaled = 0;
    switch (family_) {
      case Family::kNodeCpu:
      case Family::kContainerCpu:
      case Family::kPodCpu:
        if (!scale_to_u63(value, 1e9, scaled)) return false;
        sample.cpu_usage_core_ns = scaled;
        sample.present |= kHasCpu;
        sample.timestamp_ns = timestamp_ns;
        return true;
      case Family::kNodeMemory:
      case Family::kContainerMemory:
      case Family::kPodMemory:
        if (!scale_to_u63(value, 1.0, scaled)) return false;
        sample.memory_working_set_bytes = scaled;
        sample.present |= kHasMemory;
        sample.timestamp_ns = timestamp_ns;
        return true;
      case Family::kNodeSwap:
      case Family::kContainerSwap:
      case Family::kPodSwap:
        if (!scale_to_u63(value, 1.0, scaled)) return false;
        sample.swap_usage_bytes = scaled;
        sample.present |= kHasSwap;
        if (sample.timestamp_ns == 0) sample.timestamp_ns = timestamp_ns;
        return true;
      case Family::kContainerStartTime:
        // The kubelet itself skips non-positive start times; one here is garbage.
        if (!(value > 0.0) || !scale_to_u63(value, 1e9, scaled)) return false;
        sample.start_time_ns = static_cast<std::int64_t>(scaled);
        sample.present |= kHasStartTime;
        return true;
      default: return false;
    }
  }

  // Checks a value without a sample to write to, so that no entry is created for a skipped value.
  bool acceptable(double value) const {
    Sample probe;
    return apply(probe, value, 0);
  }

  void store_node(double value, std::int64_t timestamp_ns) {
    if (apply(out_.node_sample, value, timestamp_ns)) out_.has_node_sample = true;
  }

  void store_container(std::uint32_t index, const Labels& labels, std::string_view block, double value,
                       std::int64_t timestamp_ns) {
    if (index == kNoIndex) {
      if (!labels.seen[kNamespace] || !labels.seen[kPod] || !labels.seen[kContainer] ||
          labels.values[kNamespace].empty() || labels.values[kPod].empty() || labels.values[kContainer].empty()) {
        return;  // not a container series we can attribute
      }
      index = find_container(labels, block, acceptable(value));
      if (index == kNoIndex) return;
    }
    container_cursor_ = index + 1;
    apply(out_.containers[index].sample, value, timestamp_ns);
  }

  void store_pod(std::uint32_t index, const Labels& labels, std::string_view block, double value,
                 std::int64_t timestamp_ns) {
    if (index == kNoIndex) {
      if (!labels.seen[kNamespace] || !labels.seen[kPod] || labels.values[kNamespace].empty() ||
          labels.values[kPod].empty()) {
        return;
      }
      index = find_pod(labels, block, acceptable(value));
      if (index == kNoIndex) return;
    }
    pod_cursor_ = index + 1;
    apply(out_.pods[index].sample, value, timestamp_ns);
  }

  // The id of `text`, interned when `create`, else only looked up: looking up must not add names that
  // no entry would use. `last` remembers the previous answer for this label: consecutive lines often
  // share a namespace or a container name, and comparing with it is cheaper than hashing. It holds an
  // id, not a view, because unescaped values live in a buffer the next line overwrites.
  bool lookup_name(std::string_view text, bool create, NameId& last, NameId& id) {
    NameTable& names = out_.names;
    if (last != kEmptyName && names.name(last) == text) {
      id = last;
      return true;
    }
    id = create ? names.intern(text) : names.find(text);
    if (id == NameTable::kNotFound) return false;
    last = id;
    return true;
  }

  std::uint32_t find_container(const Labels& labels, std::string_view block, bool create) {
    NameId ns = 0, pod = 0, container = 0;
    if (!lookup_name(labels.values[kNamespace], create, last_namespace_, ns) ||
        !lookup_name(labels.values[kPod], create, last_pod_, pod) ||
        !lookup_name(labels.values[kContainer], create, last_container_, container)) {
      return kNoIndex;
    }
    const auto& containers = out_.containers;
    const auto hash_of = [&containers](std::uint32_t i) {
      const ContainerSample& c = containers[i];
      return container_hash(c.namespace_name, c.pod_name, c.container_name);
    };
    const auto matches = [&containers, ns, pod, container](std::uint32_t i) {
      const ContainerSample& c = containers[i];
      return c.container_name == container && c.pod_name == pod && c.namespace_name == ns;
    };
    const std::uint64_t hash = container_hash(ns, pod, container);
    const std::uint32_t found = container_index_.find(hash, matches);
    if (found != kNoIndex || !create) return found;
    const auto position = static_cast<std::uint32_t>(out_.containers.size());
    ContainerSample& added = out_.containers.emplace_back();
    added.namespace_name = ns;
    added.pod_name = pod;
    added.container_name = container;
    remember_block(scratch_.container_blocks, cached_containers_, position, block);
    container_index_.insert(hash, position, hash_of);
    return position;
  }

  std::uint32_t find_pod(const Labels& labels, std::string_view block, bool create) {
    NameId ns = 0, pod = 0;
    if (!lookup_name(labels.values[kNamespace], create, last_namespace_, ns) ||
        !lookup_name(labels.values[kPod], create, last_pod_, pod)) {
      return kNoIndex;
    }
    const auto& pods = out_.pods;
    const auto hash_of = [&pods](std::uint32_t i) { return pod_hash(pods[i].namespace_name, pods[i].pod_name); };
    const auto matches = [&pods, ns, pod](std::uint32_t i) {
      return pods[i].pod_name == pod && pods[i].namespace_name == ns;
    };
    const std::uint64_t hash = pod_hash(ns, pod);
    const std::uint32_t found = pod_index_.find(hash, matches);
    if (found != kNoIndex || !create) return found;
    const auto position = static_cast<std::uint32_t>(out_.pods.size());
    PodSample& added = out_.pods.emplace_back();
    added.namespace_name = ns;
    added.pod_name = pod;
    remember_block(scratch_.pod_blocks, cached_pods_, position, block);
    pod_index_.insert(hash, position, hash_of);
    return position;
  }

  const ResourceParseOptions& options_;
  NodeBatch& out_;
  Scratch& scratch_;
  const bool use_cache_;
  SlotIndex container_index_;
  SlotIndex pod_index_;
  std::uint32_t cached_containers_ = 0;  // valid entries of scratch_.container_blocks
  std::uint32_t cached_pods_ = 0;
  // Label values that contained escapes, unescaped (namespace, pod, container). Kubernetes names never
  // need escaping, so these stay empty (and unallocated) for real kubelet output.
  std::string unescaped_[3];
  std::size_t line_ = 0;
  std::string failure_;
  std::string_view family_name_;
  Family family_ = Family::kUnknown;
  std::uint32_t container_cursor_ = 0;
  std::uint32_t pod_cursor_ = 0;
  NameId last_namespace_ = kEmptyName;
  NameId last_pod_ = kEmptyName;
  NameId last_container_ = kEmptyName;
};

Status parse(std::string_view body, const ResourceParseOptions& options, NodeBatch& out, bool use_cache) {
  // Keep the names of the previous parse (see the header) unless most of them are stale: each entry
  // references at most three names, so a table far larger than that holds names of pods long gone.
  const std::size_t referenced = 3 * out.containers.size() + 2 * out.pods.size();
  if (out.names.size() > 2 * referenced + 256) out.names.clear();
  out.node_sample = Sample{};
  out.has_node_sample = false;
  out.containers.clear();
  out.pods.clear();

  // The scratch's block references point into `body` only while this parse runs: a new Parser starts
  // with no cached blocks, so nothing is read through them after we return.
  Parser parser(options, out, thread_scratch(), use_cache);
  return parser.run(body);
}

}  // namespace

Status parse_resource_metrics(std::string_view body, const ResourceParseOptions& options, NodeBatch& out) {
  return parse(body, options, out, /*use_cache=*/true);
}

Status parse_resource_metrics_uncached_for_test(std::string_view body, const ResourceParseOptions& options,
                                                NodeBatch& out) {
  return parse(body, options, out, /*use_cache=*/false);
}

}  // namespace mpf::sources::kubelet_resource
