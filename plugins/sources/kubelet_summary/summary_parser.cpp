#include "summary_parser.h"

#include <iterator>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "json_counter.h"
#include "rfc3339.h"
#include "utf8.h"

namespace mpf::sources::kubelet_summary {
namespace {

// The keys the parser reads. Everything else is skipped wholesale.
enum KeyId : std::uint8_t {
  kKeyUnknown = 0,
  kKeyNode,
  kKeyPods,
  kKeyNodeName,
  kKeyStartTime,
  kKeyCpu,
  kKeyMemory,
  kKeySwap,
  kKeyEphemeralStorage,
  kKeyPodRef,
  kKeyName,
  kKeyNamespace,
  kKeyContainers,
  kKeyTime,
  kKeyUsageCoreNanoSeconds,
  kKeyUsageNanoCores,
  kKeyWorkingSetBytes,
  kKeySwapUsageBytes,
  kKeyUsedBytes,
};

constexpr const char* kTooDeep = "JSON nested deeper than 64 levels";
static_assert(kMaxNestingDepth == 64, "kTooDeep names the limit");

// Indexed by KeyId, for error messages.
constexpr std::string_view kKeyNames[] = {
    "",          "node",       "pods", "nodeName",             "startTime",      "cpu",
    "memory",    "swap",       "ephemeral-storage",            "podRef",         "name",
    "namespace", "containers", "time", "usageCoreNanoSeconds", "usageNanoCores", "workingSetBytes",
    "swapUsageBytes",          "usedBytes",
};
static_assert(std::size(kKeyNames) == kKeyUsedBytes + 1);

KeyId key_id(std::string_view k) {
  // Switching on the length first keeps this to one or two comparisons per key.
  switch (k.size()) {
    case 3: return k == "cpu" ? kKeyCpu : kKeyUnknown;
    case 4:
      if (k == "time") return kKeyTime;
      if (k == "name") return kKeyName;
      if (k == "node") return kKeyNode;
      if (k == "pods") return kKeyPods;
      if (k == "swap") return kKeySwap;
      return kKeyUnknown;
    case 6:
      if (k == "memory") return kKeyMemory;
      if (k == "podRef") return kKeyPodRef;
      return kKeyUnknown;
    case 8: return k == "nodeName" ? kKeyNodeName : kKeyUnknown;
    case 9:
      if (k == "startTime") return kKeyStartTime;
      if (k == "namespace") return kKeyNamespace;
      if (k == "usedBytes") return kKeyUsedBytes;
      return kKeyUnknown;
    case 10: return k == "containers" ? kKeyContainers : kKeyUnknown;
    case 14:
      if (k == "usageNanoCores") return kKeyUsageNanoCores;
      if (k == "swapUsageBytes") return kKeySwapUsageBytes;
      return kKeyUnknown;
    case 15: return k == "workingSetBytes" ? kKeyWorkingSetBytes : kKeyUnknown;
    case 17: return k == "ephemeral-storage" ? kKeyEphemeralStorage : kKeyUnknown;
    case 20: return k == "usageCoreNanoSeconds" ? kKeyUsageCoreNanoSeconds : kKeyUnknown;
    default: return kKeyUnknown;
  }
}

constexpr std::uint32_t bit(KeyId k) { return 1u << k; }

// The objects and arrays the parser interprets. Each object frame reads a fixed set of keys.
enum class Frame : std::uint8_t {
  kRoot, kNode, kPods, kPod, kPodRef, kContainers, kContainer, kCpu, kMemory, kSwap, kEphemeral,
};

constexpr std::uint32_t kStatsKeys = bit(kKeyStartTime) | bit(kKeyCpu) | bit(kKeyMemory) | bit(kKeySwap);
constexpr std::uint32_t kFrameKeys[] = {
    /* kRoot */ bit(kKeyNode) | bit(kKeyPods),
    /* kNode */ bit(kKeyNodeName) | kStatsKeys,
    /* kPods */ 0,
    /* kPod */ bit(kKeyPodRef) | bit(kKeyContainers) | bit(kKeyEphemeralStorage) | kStatsKeys,
    /* kPodRef */ bit(kKeyName) | bit(kKeyNamespace),
    /* kContainers */ 0,
    /* kContainer */ bit(kKeyName) | kStatsKeys,
    /* kCpu */ bit(kKeyTime) | bit(kKeyUsageCoreNanoSeconds) | bit(kKeyUsageNanoCores),
    /* kMemory */ bit(kKeyTime) | bit(kKeyWorkingSetBytes),
    /* kSwap */ bit(kKeyTime) | bit(kKeySwapUsageBytes),
    /* kEphemeral */ bit(kKeyTime) | bit(kKeyUsedBytes),
};

// The values that make a sample worth emitting; a start time alone says nothing about usage.
constexpr std::uint16_t kValueBits = kHasCpu | kHasMemory | kHasSwap | kHasEphemeralStorage | kHasCpuRate;

// The node, the current pod or the current container, while its object is open.
struct Owner {
  Sample sample;
  // The `time` of the cpu, memory, swap and ephemeral-storage blocks, in that order of preference.
  std::int64_t block_time[4] = {};
  std::uint8_t block_time_set = 0;

  void reset() {
    sample = Sample{};
    block_time_set = 0;
  }
  const Sample& finish() {
    for (int b = 0; b < 4; ++b) {
      if (block_time_set & (1u << b)) {
        sample.timestamp_ns = block_time[b];
        break;
      }
    }
    return sample;
  }
};

}  // namespace

// The SAX handler. Every callback first checks whether it is inside a skipped value, which is the
// common case (network, fs, psi, ...), and returns at once. Returning false stops the reader; the
// handler then holds the reason.
class SummaryHandler {
 public:
  using Ch = char;

  SummaryHandler(SummaryParser& parser, const SummaryParseOptions& options, NodeBatch& out,
                 SummaryParseStats& stats, rapidjson::InsituStringStream& stream)
      : parser_(parser), options_(options), out_(out), stats_(stats), stream_(stream) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }

  bool StartObject() {
    if (skip_depth_ > 0 || skip_next_) return enter_skipped();
    if (depth_ == 0) return push(Frame::kRoot);
    switch (top().frame) {
      case Frame::kPods:
        pod_.reset();
        pod_name_ = {};
        pod_namespace_ = {};
        parser_.pending_.clear();
        return push(Frame::kPod);
      case Frame::kContainers:
        container_.reset();
        container_name_ = {};
        return push(Frame::kContainer);
      default: break;
    }
    switch (key_) {
      case kKeyNode:
        node_.reset();
        return push(Frame::kNode);
      case kKeyPodRef: return push(Frame::kPodRef);
      case kKeyCpu: return push_block(Frame::kCpu, 0);
      case kKeyMemory: return push_block(Frame::kMemory, 1);
      case kKeySwap: return push_block(Frame::kSwap, 2);
      case kKeyEphemeralStorage: return push_block(Frame::kEphemeral, 3);
      default: return type_error();
    }
  }

  bool StartArray() {
    if (skip_depth_ > 0 || skip_next_) return enter_skipped();
    if (depth_ == 0) return fail("the body is not a JSON object");
    if (is_array_frame()) return fail(element_error());
    if (key_ == kKeyPods) return push(Frame::kPods);
    if (key_ == kKeyContainers) return push(Frame::kContainers);
    return type_error();
  }

  bool EndObject(rapidjson::SizeType) {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    switch (levels_[--depth_].frame) {
      case Frame::kNode:
        if (node_.finish().present & kValueBits) out_.set_node(node_.sample);
        break;
      case Frame::kPod: finish_pod(); break;
      case Frame::kContainer: finish_container(); break;
      default: break;
    }
    return true;
  }

  bool EndArray(rapidjson::SizeType) {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      --depth_;
    }
    return true;
  }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    if (skip_depth_ > 0) return true;
    Level& level = top();
    const KeyId k = key_id(std::string_view(str, length));
    if (k == kKeyUnknown || (kFrameKeys[static_cast<int>(level.frame)] & bit(k)) == 0) {
      skip_next_ = true;
      return true;
    }
    if (level.seen & bit(k)) {
      key_ = k;
      return fail_at_key("duplicate key ", "");
    }
    level.seen |= bit(k);
    key_ = k;
    return true;
  }

  bool Null() {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    // Null is absent, as for Go's decoder; a null pods[] or containers[] element is no entry.
    if (depth_ == 0) return fail("the body is not a JSON object");
    return true;
  }

  bool Bool(bool) {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    return scalar_error();
  }

  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    if (depth_ == 0 || is_array_frame()) return scalar_error();
    std::uint64_t Sample::*field = nullptr;
    SampleField field_bit = kHasCpu;
    switch (key_) {
      case kKeyUsageCoreNanoSeconds: field = &Sample::cpu_usage_core_ns; field_bit = kHasCpu; break;
      case kKeyUsageNanoCores:
        if (!options_.use_usage_nano_cores) return true;
        field = &Sample::cpu_rate_nanocores;
        field_bit = kHasCpuRate;
        break;
      case kKeyWorkingSetBytes: field = &Sample::memory_working_set_bytes; field_bit = kHasMemory; break;
      case kKeySwapUsageBytes: field = &Sample::swap_usage_bytes; field_bit = kHasSwap; break;
      case kKeyUsedBytes: field = &Sample::ephemeral_storage_bytes; field_bit = kHasEphemeralStorage; break;
      default: return type_error();
    }
    Sample& s = block_owner_->sample;  // the number keys exist only in block frames
    std::uint64_t value = 0;
    switch (parse_counter(std::string_view(str, length), value)) {
      case CounterParse::kOk:
        s.*field = value;
        s.present |= field_bit;
        return true;
      case CounterParse::kMalformed: return fail("malformed number");  // the reader validated it already
      default: ++stats_.rejected_values; return true;
    }
  }

  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    if (depth_ == 0 || is_array_frame()) return scalar_error();
    const std::string_view text(str, length);
    switch (key_) {
      case kKeyNodeName:
        if (!out_.node_name.empty() && text != out_.node_name) stats_.node_name_mismatch = true;
        return true;
      case kKeyName:
        if (!valid_utf8(text)) return fail("\"name\" is not valid UTF-8");
        (top().frame == Frame::kPodRef ? pod_name_ : container_name_) = text;
        return true;
      case kKeyNamespace:
        if (!valid_utf8(text)) return fail("\"namespace\" is not valid UTF-8");
        pod_namespace_ = text;
        return true;
      case kKeyStartTime: {
        Sample& s = owner_of(top().frame).sample;
        if (!read_time(text, s.start_time_ns)) return false;
        if (time_ok_) s.present |= kHasStartTime;
        return true;
      }
      case kKeyTime: {
        if (!read_time(text, block_owner_->block_time[block_])) return false;
        if (time_ok_) block_owner_->block_time_set |= static_cast<std::uint8_t>(1u << block_);
        return true;
      }
      default: return type_error();
    }
  }

  // Never called: kParseNumbersAsStringsFlag routes every number to RawNumber. The reader's code
  // still names them.
  bool Int(int) { return fail("unexpected number event"); }
  bool Uint(unsigned) { return fail("unexpected number event"); }
  bool Int64(std::int64_t) { return fail("unexpected number event"); }
  bool Uint64(std::uint64_t) { return fail("unexpected number event"); }
  bool Double(double) { return fail("unexpected number event"); }

 private:
  struct Level {
    Frame frame;
    std::uint32_t seen;  // bits of the keys met so far in this object
  };

  Level& top() { return levels_[depth_ - 1]; }
  bool is_array_frame() { return top().frame == Frame::kPods || top().frame == Frame::kContainers; }

  bool push(Frame frame) {
    // Interpreted frames nest at most 6 deep (root, pods, pod, containers, container, cpu), which the
    // key tables guarantee; levels_ has room for that.
    levels_[depth_++] = Level{frame, 0};
    return true;
  }

  bool push_block(Frame frame, int block) {
    block_owner_ = &owner_of(top().frame);
    block_ = block;
    return push(frame);
  }

  Owner& owner_of(Frame frame) {
    if (frame == Frame::kNode) return node_;
    if (frame == Frame::kPod) return pod_;
    return container_;
  }

  bool enter_skipped() {
    skip_next_ = false;
    if (depth_ + skip_depth_ >= kMaxNestingDepth) {
      return fail(kTooDeep);
    }
    ++skip_depth_;
    return true;
  }

  // Parses an RFC 3339 time into `ns`; sets time_ok_ when `ns` was written. False on malformed text.
  bool read_time(std::string_view text, std::int64_t& ns) {
    switch (parse_rfc3339(text, ns)) {
      case TimeParse::kOk: time_ok_ = true; return true;
      case TimeParse::kOutOfRange:
        ++stats_.out_of_range_times;
        time_ok_ = false;
        return true;
      default:
        fail_at_key("", " is not an RFC 3339 time: \"");
        error_.append(text.substr(0, 40)).append(1, '"');  // enough of the value to recognise it
        return false;
    }
  }

  void finish_container() {
    const Sample& sample = container_.finish();
    if (container_name_.empty()) {
      ++stats_.unnamed_entries;
      return;
    }
    parser_.pending_.push_back(SummaryParser::PendingContainer{container_name_, sample});
  }

  // The pod's containers were held back until here because podRef may follow them in the object.
  void finish_pod() {
    auto& pending = parser_.pending_;
    if (pod_name_.empty() || pod_namespace_.empty()) {
      ++stats_.unnamed_entries;
      pending.clear();
      return;
    }
    ++pod_stamp_;
    const NameId namespace_id = out_.names.intern(pod_namespace_);
    const NameId pod_id = out_.names.intern(pod_name_);
    if (pod_.finish().present & kValueBits) {
      PodSample& p = out_.pods.emplace_back();
      p.namespace_name = namespace_id;
      p.pod_name = pod_id;
      p.sample = pod_.sample;
    }
    // name_marks_[id] == pod_stamp_ means container name `id` was already added for this pod.
    auto& marks = parser_.name_marks_;
    for (const auto& c : pending) {
      const NameId id = out_.names.intern(c.name);
      if (id >= marks.size()) marks.resize(id + 1, 0);
      if (marks[id] == pod_stamp_) {
        ++stats_.duplicate_containers;
        continue;
      }
      marks[id] = pod_stamp_;
      ContainerSample& cs = out_.containers.emplace_back();
      cs.namespace_name = namespace_id;
      cs.pod_name = pod_id;
      cs.container_name = id;
      cs.sample = c.sample;
    }
    pending.clear();
  }

  bool type_error() {
    std::string_view expected;
    switch (key_) {
      case kKeyNode: case kKeyPodRef: case kKeyCpu: case kKeyMemory: case kKeySwap: case kKeyEphemeralStorage:
        expected = " must be an object or null";
        break;
      case kKeyPods: case kKeyContainers: expected = " must be an array or null"; break;
      case kKeyNodeName: case kKeyName: case kKeyNamespace: case kKeyStartTime: case kKeyTime:
        expected = " must be a string or null";
        break;
      default: expected = " must be a number or null"; break;
    }
    return fail_at_key("", expected);
  }

  std::string element_error() {
    return std::string(top().frame == Frame::kPods ? "pods" : "containers") + "[] elements must be objects or null";
  }

  bool scalar_error() {
    if (depth_ == 0) return fail("the body is not a JSON object");
    if (is_array_frame()) return fail(element_error());
    return type_error();
  }

  // `prefix` "key" `suffix`, for the current key. Appended piece by piece: GCC 12 at -O3 warns
  // (-Wrestrict, a false positive) about chains of std::string operator+.
  bool fail_at_key(std::string_view prefix, std::string_view suffix) {
    std::string message;
    message.append(prefix).append(1, '"').append(kKeyNames[key_]).append(1, '"').append(suffix);
    return fail(std::move(message));
  }

  bool fail(std::string message) {
    error_ = std::move(message);
    error_offset_ = stream_.Tell();
    return false;
  }

  SummaryParser& parser_;
  const SummaryParseOptions& options_;
  NodeBatch& out_;
  SummaryParseStats& stats_;
  rapidjson::InsituStringStream& stream_;  // Tell() is not const

  Level levels_[8] = {};
  int depth_ = 0;          // open interpreted objects and arrays
  int skip_depth_ = 0;     // open objects and arrays inside a skipped value
  bool skip_next_ = false; // the next value belongs to a key that is not read
  KeyId key_ = kKeyUnknown;
  bool time_ok_ = false;

  Owner node_, pod_, container_;
  Owner* block_owner_ = nullptr;  // whose cpu/memory/swap/ephemeral-storage block is open
  int block_ = 0;
  std::string_view pod_name_, pod_namespace_, container_name_;
  std::uint32_t pod_stamp_ = 0;

  std::string error_;
  std::size_t error_offset_ = 0;
};

namespace {

void clear_samples(NodeBatch& out) {
  // Not NodeBatch::clear(): node_name belongs to the caller.
  out.node_sample = Sample{};
  out.has_node_sample = false;
  out.names.clear();
  out.pods.clear();
  out.containers.clear();
}

Status failure(std::size_t offset, std::string_view what) {
  return Status::permanent("kubelet /stats/summary: byte " + std::to_string(offset) + ": " + std::string(what));
}

// NUL bytes after the body: the reader's end marker, plus slack so that no read of the reader can
// leave the buffer.
constexpr std::size_t kPadding = 16;

}  // namespace

Status SummaryParser::parse(std::string_view body, const SummaryParseOptions& options, NodeBatch& out,
                            SummaryParseStats* stats) {
  SummaryParseStats local_stats;
  SummaryParseStats& st = stats != nullptr ? *stats : local_stats;
  st = SummaryParseStats{};
  clear_samples(out);
  pending_.clear();
  name_marks_.clear();
  // RapidJSON sizes strings with 32 bits and asserts on longer ones.
  if (body.size() >= 0xFFFFFFFFu - kPadding) return failure(0, "body of 4 GiB or more");

  // In-situ parsing: strings are unescaped inside our own copy, so names are views into buffer_ for
  // the whole parse (no copies, and containers can wait for their pod's podRef). With numbers
  // delivered as text too, the reader never uses its internal stack: nothing allocates, and RapidJSON
  // 1.1's Stack, which offsets a null pointer on its first push (undefined behaviour UBSan reports),
  // is never touched. The copy also gives the reader the NUL terminator it stops at, which a
  // string_view does not have.
  buffer_.assign(body.data(), body.size());
  buffer_.append(kPadding, '\0');
  rapidjson::InsituStringStream stream(buffer_.data());
  SummaryHandler handler(*this, options, out, st, stream);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);

  Status status;
  if (handler.failed()) {
    status = failure(handler.error_offset(), handler.error());
  } else if (result.IsError()) {
    status = failure(result.Offset(), rapidjson::GetParseError_En(result.Code()));
  } else if (stream.Tell() != body.size()) {
    // The reader stops at a NUL byte as if the body ended there.
    status = failure(stream.Tell(), "NUL byte in the body");
  }
  if (!status.is_ok()) clear_samples(out);
  pending_.clear();
  return status;
}

Status parse_summary(std::string_view body, const SummaryParseOptions& options, NodeBatch& out,
                     SummaryParseStats* stats) {
  SummaryParser parser;
  return parser.parse(body, options, out, stats);
}

}  // namespace mpf::sources::kubelet_summary
