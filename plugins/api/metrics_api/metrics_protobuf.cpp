#include "metrics_api/metrics_protobuf.h"

#include <algorithm>

#include "metrics_api/protobuf_writer.h"
#include "metrics_api/quantity.h"

// The bytes follow gogo-protobuf's generated MarshalToSizedBuffer methods, which write fields back to
// front, so the wire order is ascending field number. Their emission rules, which we copy:
//  - non-pointer strings, integers and embedded messages are ALWAYS written, even when empty or zero
//    (no proto3-style skipping);
//  - nil pointers, empty repeated fields and empty maps are omitted;
//  - map entries come out sorted by key (sort.Strings, i.e. byte order), each an entry message with
//    key = 1 and value = 2, both always written.
// Sources: k8s.io/metrics pkg/apis/metrics/v1beta1/generated.pb.go (NodeMetrics, PodMetrics,
// ContainerMetrics, *List), k8s.io/apimachinery pkg/apis/meta/v1/generated.pb.go (ObjectMeta,
// ListMeta, Timestamp, Duration, Status, StatusDetails), meta/v1 time_proto.go (Time),
// pkg/api/resource/quantity_proto.go (Quantity), pkg/runtime/generated.pb.go + types_proto.go
// (Unknown, TypeMeta) and pkg/runtime/serializer/protobuf/protobuf.go (the "k8s\0" prefix).

namespace mpf::api::metrics {
namespace {

using Mark = ProtobufWriter::Mark;

constexpr std::int64_t kNanosPerSecond = 1000000000;

// Go's time.Unix() floors towards the past, also before 1970.
std::int64_t unix_seconds(std::int64_t unix_ns) {
  std::int64_t seconds = unix_ns / kNanosPerSecond;
  if (unix_ns % kNanosPerSecond < 0) --seconds;
  return seconds;
}

// Sizes used to guess length prefixes; a wrong guess costs a memmove, never wrong bytes.
std::size_t delimited_size(std::size_t body) { return 1 + varint_size(body) + body; }

std::size_t time_size(std::int64_t unix_ns) {
  return 1 + varint_size(static_cast<std::uint64_t>(unix_seconds(unix_ns))) + 2;
}

std::size_t labels_size(const Labels* labels) {
  std::size_t n = 0;
  if (labels == nullptr) return 0;
  for (const auto& [key, value] : *labels) n += delimited_size(delimited_size(key.size()) + delimited_size(value.size()));
  return n;
}

// ObjectMeta{name=1, generateName=2, namespace=3, selfLink=4, uid=5, resourceVersion=6, generation=7,
// creationTimestamp=8, labels=11}: the strings, generation and creationTimestamp are non-pointer and
// always written; deletionTimestamp(9)/deletionGracePeriodSeconds(10) are nil pointers and
// annotations(12), ownerReferences(13), finalizers(14), managedFields(17) are empty, so omitted.
std::size_t object_meta_size(std::string_view namespace_name, std::string_view name, const Labels* labels,
                             std::int64_t now_ns) {
  return delimited_size(name.size()) + 2 + delimited_size(namespace_name.size()) + 2 + 2 + 2 + 2 +
         delimited_size(time_size(now_ns)) + labels_size(labels);
}

// metav1.Time marshals as Timestamp{seconds = 1, nanos = 2}; time_proto.go deliberately leaves nanos
// 0 (second precision, like JSON), but as a non-pointer int32 it is still written: 08 <s> 10 00.
// (A zero Go time would be an empty message; an int64 of nanoseconds cannot express year 1.)
void write_time(ProtobufWriter& w, std::uint32_t field, std::int64_t unix_ns, bool now_slot) {
  const std::int64_t seconds = unix_seconds(unix_ns);
  w.tag(field, ProtobufWriter::kLengthDelimited);
  w.varint(time_size(unix_ns));
  w.tag(1, ProtobufWriter::kVarint);
  if (now_slot) w.mark_slot();
  w.varint(static_cast<std::uint64_t>(seconds));
  w.int64_field(2, 0);
}

void write_object_meta(ProtobufWriter& w, std::string_view namespace_name, std::string_view name,
                       const Labels* labels, std::int64_t now_ns) {
  w.tag(1, ProtobufWriter::kLengthDelimited);
  w.varint(object_meta_size(namespace_name, name, labels, now_ns));
  w.string_field(1, name);
  w.string_field(2, {});              // generateName
  w.string_field(3, namespace_name);  // "" for nodes, still written
  // selfLink "", uid "", resourceVersion "", generation 0: one constant run on the hot path.
  w.raw(std::string_view("\x22\x00\x2a\x00\x32\x00\x38\x00", 8));
  write_time(w, 8, now_ns, true);
  if (labels != nullptr) {
    for (const auto& [key, value] : *labels) {
      w.tag(11, ProtobufWriter::kLengthDelimited);
      w.varint(delimited_size(key.size()) + delimited_size(value.size()));
      w.string_field(1, key);
      w.string_field(2, value);
    }
  }
}

// metav1.Duration{duration = 1 (int64 ns)}, always written: 08 <ns>.
void write_duration(ProtobufWriter& w, std::uint32_t field, std::int64_t ns) {
  w.tag(field, ProtobufWriter::kLengthDelimited);
  w.varint(1 + varint_size(static_cast<std::uint64_t>(ns)));
  w.int64_field(1, ns);
}

// One ResourceList entry {key = 1, value = 2 Quantity{string = 1 canonical text}}. Quantity strings
// are at most ~25 bytes, so the 1-byte length guesses are always right.
template <typename Format>
void write_quantity_entry(ProtobufWriter& w, std::uint32_t field, std::string_view key, std::uint64_t value,
                          Format format) {
  const Mark entry = w.begin_message(field);
  w.string_field(1, key);
  const Mark quantity = w.begin_message(2);
  const Mark text = w.begin_message(1);
  format(w.out(), value);
  w.end_message(text);
  w.end_message(quantity);
  w.end_message(entry);
}

// ResourceList map, keys sorted: cpu < memory < swap.
void write_usage(ProtobufWriter& w, std::uint32_t field, const MetricsUsage& usage) {
  write_quantity_entry(w, field, "cpu", usage.cpu_nanocores, append_cpu_quantity);
  write_quantity_entry(w, field, "memory", usage.memory_bytes, append_memory_quantity);
  if (usage.swap_bytes) write_quantity_entry(w, field, "swap", *usage.swap_bytes, append_memory_quantity);
}

constexpr std::size_t kUsageEstimate = 64;

// NodeMetrics{metadata = 1, timestamp = 2, window = 3, usage = 4 map}: the body only.
void write_node_body(ProtobufWriter& w, const NodeMetricsItem& node, std::int64_t now_ns) {
  write_object_meta(w, {}, node.name, node.labels, now_ns);
  write_time(w, 2, node.timestamp_ns, false);
  write_duration(w, 3, node.window_ns);
  write_usage(w, 4, node.usage);
}

std::size_t node_estimate(const NodeMetricsItem& node, std::int64_t now_ns) {
  return delimited_size(object_meta_size({}, node.name, node.labels, now_ns)) + 12 + 12 + kUsageEstimate;
}

// PodMetrics{metadata = 1, timestamp = 2, window = 3, containers = 4}; ContainerMetrics{name = 1,
// usage = 2 map}. An empty containers slice is omitted (JSON writes []).
void write_pod_body(ProtobufWriter& w, const PodMetricsItem& pod, std::int64_t now_ns) {
  write_object_meta(w, pod.namespace_name, pod.name, pod.labels, now_ns);
  write_time(w, 2, pod.timestamp_ns, false);
  write_duration(w, 3, pod.window_ns);
  for (const ContainerItem& container : pod.containers) {
    const Mark mark = w.begin_message(4, varint_size(container.name.size() + kUsageEstimate + 2));
    w.string_field(1, container.name);
    write_usage(w, 2, container.usage);
    w.end_message(mark);
  }
}

std::size_t pod_estimate(const PodMetricsItem& pod, std::int64_t now_ns) {
  std::size_t n = delimited_size(object_meta_size(pod.namespace_name, pod.name, pod.labels, now_ns)) + 24;
  for (const ContainerItem& container : pod.containers) n += container.name.size() + kUsageEstimate + 6;
  return n;
}

// The empty ListMeta{selfLink = 1, resourceVersion = 2, continue = 3} of a list or Status: three
// always-written empty strings; remainingItemCount(4) and shardInfo(5) are nil pointers.
void write_empty_list_meta(ProtobufWriter& w) { w.raw(std::string_view("\x0a\x06\x0a\x00\x12\x00\x1a\x00", 8)); }

// The serializer's prefix "k8s\0", then runtime.Unknown{typeMeta = 1 {apiVersion = 1, kind = 2},
// raw = 2, contentEncoding = 3, contentType = 4}: the latter two are empty strings, still written.
Mark begin_envelope(ProtobufWriter& w, std::string_view api_version, std::string_view kind,
                    std::size_t body_estimate) {
  w.raw(std::string_view("k8s\0", 4));
  w.tag(1, ProtobufWriter::kLengthDelimited);
  w.varint(delimited_size(api_version.size()) + delimited_size(kind.size()));
  w.string_field(1, api_version);
  w.string_field(2, kind);
  return w.begin_message(2, varint_size(body_estimate));
}

void end_envelope(ProtobufWriter& w, Mark raw) {
  w.end_message(raw);
  w.raw(std::string_view("\x1a\x00\x22\x00", 4));
}

std::vector<std::size_t>* slot_list(NowSlots* slots) { return slots == nullptr ? nullptr : &slots->seconds_offsets; }

}  // namespace

void append_node_metrics_pb(std::string& out, const NodeMetricsItem& node, std::int64_t now_ns,
                            std::string_view api_version, NowSlots* slots) {
  ProtobufWriter w(out, slot_list(slots));
  const Mark raw = begin_envelope(w, api_version, "NodeMetrics", node_estimate(node, now_ns));
  write_node_body(w, node, now_ns);
  end_envelope(w, raw);
}

void append_pod_metrics_pb(std::string& out, const PodMetricsItem& pod, std::int64_t now_ns,
                           std::string_view api_version, NowSlots* slots) {
  ProtobufWriter w(out, slot_list(slots));
  const Mark raw = begin_envelope(w, api_version, "PodMetrics", pod_estimate(pod, now_ns));
  write_pod_body(w, pod, now_ns);
  end_envelope(w, raw);
}

// Lists: {metadata = 1 ListMeta (always), items = 2 (each item, omitted when none)}. The raw length
// guess uses the first item as a sample, so the whole body is moved only near a varint boundary.
namespace {

template <typename Item, typename Estimate, typename WriteBody>
void append_list_pb(std::string& out, std::span<const Item> items, std::int64_t now_ns, std::string_view api_version,
                    std::string_view kind, NowSlots* slots, Estimate estimate, WriteBody write_body) {
  const std::size_t sample = items.empty() ? 0 : estimate(items.front(), now_ns) + 3;
  out.reserve(out.size() + 64 + sample * items.size());
  ProtobufWriter w(out, slot_list(slots));
  const Mark raw = begin_envelope(w, api_version, kind, 8 + sample * items.size());
  write_empty_list_meta(w);
  for (const Item& item : items) {
    const Mark mark = w.begin_message(2, varint_size(estimate(item, now_ns)));
    write_body(w, item, now_ns);
    w.end_message(mark);
  }
  end_envelope(w, raw);
}

}  // namespace

void append_node_metrics_list_pb(std::string& out, std::span<const NodeMetricsItem> nodes, std::int64_t now_ns,
                                 std::string_view api_version, NowSlots* slots) {
  append_list_pb(out, nodes, now_ns, api_version, "NodeMetricsList", slots, node_estimate, write_node_body);
}

void append_pod_metrics_list_pb(std::string& out, std::span<const PodMetricsItem> pods, std::int64_t now_ns,
                                std::string_view api_version, NowSlots* slots) {
  append_list_pb(out, pods, now_ns, api_version, "PodMetricsList", slots, pod_estimate, write_pod_body);
}

// Status{metadata = 1 ListMeta, status = 2, message = 3, reason = 4, details = 5 (*StatusDetails,
// omitted when nil), code = 6 (int32)}; StatusDetails{name = 1, group = 2, kind = 3, causes = 4
// (empty, omitted), retryAfterSeconds = 5 (int32, always), uid = 6 (always)}.
void append_status_pb(std::string& out, int code, std::string_view reason, std::string_view message,
                      const std::optional<StatusDetails>& details) {
  ProtobufWriter w(out);
  const Mark raw = begin_envelope(w, "v1", "Status", 32 + reason.size() + message.size());
  write_empty_list_meta(w);
  w.string_field(2, "Failure");
  w.string_field(3, message);
  w.string_field(4, reason);
  if (details) {
    const Mark mark = w.begin_message(5);
    w.string_field(1, details->name);
    w.string_field(2, details->group);
    w.string_field(3, details->kind);
    w.int64_field(5, 0);
    w.string_field(6, {});
    w.end_message(mark);
  }
  w.int64_field(6, code);
  end_envelope(w, raw);
}

void append_status_pb(std::string& out, const StatusError& error) {
  std::optional<StatusDetails> details;
  if (error.has_details) details = StatusDetails{error.details_name, error.details_group, error.details_kind};
  append_status_pb(out, error.code, error.reason, error.message, details);
}

bool patch_now_seconds(std::span<char> body, std::span<const std::size_t> slots, std::int64_t now_seconds) {
  constexpr std::int64_t kMin = std::int64_t{1} << 28;
  constexpr std::int64_t kMax = (std::int64_t{1} << 35) - 1;
  if (now_seconds < kMin || now_seconds > kMax) return false;
  // Check every slot first so a refusal leaves the body untouched.
  for (const std::size_t offset : slots) {
    if (offset > body.size() || body.size() - offset < 5) return false;
    for (std::size_t i = 0; i < 5; ++i) {
      const bool continues = (static_cast<std::uint8_t>(body[offset + i]) & 0x80) != 0;
      if (continues != (i < 4)) return false;
    }
  }
  char encoded[5];
  auto value = static_cast<std::uint64_t>(now_seconds);
  for (std::size_t i = 0; i < 4; ++i) {
    encoded[i] = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
    value >>= 7;
  }
  encoded[4] = static_cast<char>(value);
  for (const std::size_t offset : slots) std::copy(encoded, encoded + 5, body.begin() + offset);
  return true;
}

}  // namespace mpf::api::metrics
