#include "metrics_api/metrics_protobuf.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "metrics_api/protobuf_writer.h"
#include "metrics_api/quantity.h"

namespace mpf::api::metrics {
namespace {

namespace pb = google::protobuf;

constexpr std::int64_t kSecond = 1000000000;
constexpr std::int64_t kNow = 1700000010 * kSecond + 999999999;  // creationTimestamp keeps 1700000010
constexpr std::int64_t kSample = 1700000000 * kSecond + 500000000;
constexpr std::int64_t kWindow = 15 * kSecond;

// The test schema, compiled by protoc into a descriptor set at build time, loaded once.
class Schema {
 public:
  static Schema& get() {
    static Schema schema;
    return schema;
  }

  // Parses `bytes` as mpf.test.k8s.<type>; fails the test on malformed input.
  std::unique_ptr<pb::Message> parse(const std::string& type, std::string_view bytes) {
    const pb::Descriptor* descriptor = pool_.FindMessageTypeByName("mpf.test.k8s." + type);
    EXPECT_NE(descriptor, nullptr) << type;
    if (descriptor == nullptr) return nullptr;
    std::unique_ptr<pb::Message> message(factory_.GetPrototype(descriptor)->New());
    EXPECT_TRUE(message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) << type;
    return message;
  }

 private:
  Schema() {
    std::ifstream in(MPF_TEST_PROTO_DESCRIPTOR, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    pb::FileDescriptorSet set;
    if (!set.ParseFromString(text.str())) throw std::runtime_error("cannot read the test descriptor set");
    for (const pb::FileDescriptorProto& file : set.file()) {
      if (pool_.BuildFile(file) == nullptr) throw std::runtime_error("bad test schema");
    }
  }

  pb::DescriptorPool pool_;
  pb::DynamicMessageFactory factory_{&pool_};
};

// Reflection shorthands; a missing field name is a test bug and throws.
const pb::FieldDescriptor* field(const pb::Message& m, const std::string& name) {
  const pb::FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr) throw std::runtime_error("no field " + name);
  return f;
}
bool has(const pb::Message& m, const std::string& name) { return m.GetReflection()->HasField(m, field(m, name)); }
int count(const pb::Message& m, const std::string& name) { return m.GetReflection()->FieldSize(m, field(m, name)); }
std::string str(const pb::Message& m, const std::string& name) {
  return m.GetReflection()->GetString(m, field(m, name));
}
std::int64_t i64(const pb::Message& m, const std::string& name) {
  const pb::FieldDescriptor* f = field(m, name);
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32) return m.GetReflection()->GetInt32(m, f);
  return m.GetReflection()->GetInt64(m, f);
}
const pb::Message& sub(const pb::Message& m, const std::string& name) {
  return m.GetReflection()->GetMessage(m, field(m, name));
}
const pb::Message& at(const pb::Message& m, const std::string& name, int i) {
  return m.GetReflection()->GetRepeatedMessage(m, field(m, name), i);
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Usage entries in wire order, as (resource, quantity text).
Pairs usage(const pb::Message& m, const std::string& name) {
  Pairs out;
  for (int i = 0; i < count(m, name); ++i) {
    const pb::Message& entry = at(m, name, i);
    out.emplace_back(str(entry, "key"), str(sub(entry, "value"), "string"));
  }
  return out;
}

Pairs labels(const pb::Message& meta) {
  Pairs out;
  for (int i = 0; i < count(meta, "labels"); ++i) out.emplace_back(str(at(meta, "labels", i), "key"), str(at(meta, "labels", i), "value"));
  return out;
}

// True when no field anywhere in `m` was outside the schema (or of a different wire type).
bool fully_known(const pb::Message& m) {
  const pb::Reflection* r = m.GetReflection();
  if (!r->GetUnknownFields(m).empty()) return false;
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        if (!fully_known(r->GetRepeatedMessage(m, f, i))) return false;
      }
    } else if (!fully_known(r->GetMessage(m, f))) {
      return false;
    }
  }
  return true;
}

struct Envelope {
  std::string api_version;
  std::string kind;
  std::string raw;
};

// Checks the "k8s\0" magic and the Unknown wrapper (content encoding/type written and empty).
Envelope open_envelope(std::string_view body) {
  Envelope env;
  EXPECT_GE(body.size(), 4u);
  if (body.size() < 4) return env;
  EXPECT_EQ(body.substr(0, 4), std::string_view("k8s\0", 4));
  auto unknown = Schema::get().parse("Unknown", body.substr(4));
  EXPECT_TRUE(fully_known(*unknown));
  EXPECT_TRUE(has(*unknown, "raw"));
  EXPECT_TRUE(has(*unknown, "contentEncoding"));
  EXPECT_TRUE(has(*unknown, "contentType"));
  EXPECT_EQ(str(*unknown, "contentEncoding"), "");
  EXPECT_EQ(str(*unknown, "contentType"), "");
  env.api_version = str(sub(*unknown, "typeMeta"), "apiVersion");
  env.kind = str(sub(*unknown, "typeMeta"), "kind");
  env.raw = str(*unknown, "raw");
  return env;
}

// ObjectMeta as metrics-server fills it: every non-pointer field present, pointers/empties absent.
void expect_object_meta(const pb::Message& meta, std::string_view ns, std::string_view name, std::int64_t now_s,
                        const Pairs& expected_labels) {
  for (const char* always : {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                             "creationTimestamp"}) {
    EXPECT_TRUE(has(meta, always)) << always;
  }
  for (const char* never : {"deletionTimestamp", "deletionGracePeriodSeconds"}) EXPECT_FALSE(has(meta, never)) << never;
  for (const char* empty : {"annotations", "ownerReferences", "finalizers", "managedFields"}) {
    EXPECT_EQ(count(meta, empty), 0) << empty;
  }
  EXPECT_EQ(str(meta, "name"), name);
  EXPECT_EQ(str(meta, "namespace"), ns);
  EXPECT_EQ(str(meta, "generateName"), "");
  EXPECT_EQ(i64(meta, "generation"), 0);
  EXPECT_EQ(i64(sub(meta, "creationTimestamp"), "seconds"), now_s);
  EXPECT_TRUE(has(sub(meta, "creationTimestamp"), "nanos"));
  EXPECT_EQ(i64(sub(meta, "creationTimestamp"), "nanos"), 0);
  EXPECT_EQ(labels(meta), expected_labels);
}

void expect_sample(const pb::Message& object, std::int64_t seconds, std::int64_t window_ns) {
  EXPECT_EQ(i64(sub(object, "timestamp"), "seconds"), seconds);
  EXPECT_TRUE(has(sub(object, "timestamp"), "nanos"));
  EXPECT_EQ(i64(sub(object, "timestamp"), "nanos"), 0);
  EXPECT_TRUE(has(sub(object, "window"), "duration"));
  EXPECT_EQ(i64(sub(object, "window"), "duration"), window_ns);
}

void expect_empty_list_meta(const pb::Message& list_meta) {
  for (const char* always : {"selfLink", "resourceVersion", "continue"}) {
    EXPECT_TRUE(has(list_meta, always)) << always;
    EXPECT_EQ(str(list_meta, always), "") << always;
  }
  EXPECT_FALSE(has(list_meta, "remainingItemCount"));
}

const Labels kNodeLabels{{"beta.kubernetes.io/arch", "amd64"},
                         {"kubernetes.io/hostname", "node-1"},
                         {"node-role.kubernetes.io/control-plane", ""}};
const Pairs kNodePairs(kNodeLabels.begin(), kNodeLabels.end());

NodeMetricsItem node(std::string_view name, const Labels* node_labels = &kNodeLabels) {
  return NodeMetricsItem{name, node_labels, kSample, kWindow, MetricsUsage{116246336, 1616273408, std::nullopt}};
}

const Labels kPodLabels{{"app", "web"}, {"pod-template-hash", "abc123"}};
const std::vector<ContainerItem> kContainers{{"app", MetricsUsage{5000000, 12533760, std::nullopt}},
                                             {"sidecar", MetricsUsage{1000000000, 1000, 4096}}};

PodMetricsItem pod(std::string_view ns, std::string_view name) {
  return PodMetricsItem{ns, name, &kPodLabels, kSample, kWindow, kContainers};
}

std::string encode_node(const NodeMetricsItem& n, std::string_view version = kApiVersionV1beta1) {
  std::string out;
  append_node_metrics_pb(out, n, kNow, version);
  return out;
}

TEST(MetricsProtobuf, ContentType) { EXPECT_EQ(kProtobufContentType, "application/vnd.kubernetes.protobuf"); }

TEST(MetricsProtobuf, NodeMetricsEveryField) {
  const Envelope env = open_envelope(encode_node(node("node-1")));
  EXPECT_EQ(env.api_version, "metrics.k8s.io/v1beta1");
  EXPECT_EQ(env.kind, "NodeMetrics");
  auto object = Schema::get().parse("NodeMetrics", env.raw);
  EXPECT_TRUE(fully_known(*object));
  expect_object_meta(sub(*object, "metadata"), "", "node-1", 1700000010, kNodePairs);
  expect_sample(*object, 1700000000, kWindow);
  EXPECT_EQ(usage(*object, "usage"), (Pairs{{"cpu", "116246336n"}, {"memory", "1578392Ki"}}));
}

TEST(MetricsProtobuf, V1DiffersOnlyInEnvelopeApiVersion) {
  const Envelope beta = open_envelope(encode_node(node("node-1")));
  const Envelope v1 = open_envelope(encode_node(node("node-1"), kApiVersionV1));
  EXPECT_EQ(v1.api_version, "metrics.k8s.io/v1");
  EXPECT_EQ(v1.kind, "NodeMetrics");
  EXPECT_EQ(v1.raw, beta.raw);
}

TEST(MetricsProtobuf, SwapWrittenOnlyWhenSet) {
  NodeMetricsItem n = node("node-1", nullptr);
  n.usage.swap_bytes = 1073741824;
  auto with_swap = Schema::get().parse("NodeMetrics", open_envelope(encode_node(n)).raw);
  EXPECT_EQ(usage(*with_swap, "usage"), (Pairs{{"cpu", "116246336n"}, {"memory", "1578392Ki"}, {"swap", "1Gi"}}));
  n.usage.swap_bytes = 0;
  auto zero_swap = Schema::get().parse("NodeMetrics", open_envelope(encode_node(n)).raw);
  EXPECT_EQ(usage(*zero_swap, "usage").back(), (std::pair<std::string, std::string>{"swap", "0"}));
}

TEST(MetricsProtobuf, NullAndEmptyLabelsAreOmitted) {
  const Labels none;
  for (const Labels* l : {static_cast<const Labels*>(nullptr), &none}) {
    auto object = Schema::get().parse("NodeMetrics", open_envelope(encode_node(node("n", l))).raw);
    EXPECT_EQ(count(sub(*object, "metadata"), "labels"), 0);
  }
}

TEST(MetricsProtobuf, PodMetricsEveryField) {
  std::string out;
  append_pod_metrics_pb(out, pod("kube-system", "web-1"), kNow, kApiVersionV1beta1);
  const Envelope env = open_envelope(out);
  EXPECT_EQ(env.api_version, "metrics.k8s.io/v1beta1");
  EXPECT_EQ(env.kind, "PodMetrics");
  auto object = Schema::get().parse("PodMetrics", env.raw);
  EXPECT_TRUE(fully_known(*object));
  expect_object_meta(sub(*object, "metadata"), "kube-system", "web-1", 1700000010,
                     Pairs{{"app", "web"}, {"pod-template-hash", "abc123"}});
  expect_sample(*object, 1700000000, kWindow);
  ASSERT_EQ(count(*object, "containers"), 2);
  EXPECT_EQ(str(at(*object, "containers", 0), "name"), "app");
  EXPECT_EQ(usage(at(*object, "containers", 0), "usage"), (Pairs{{"cpu", "5m"}, {"memory", "12240Ki"}}));
  EXPECT_EQ(str(at(*object, "containers", 1), "name"), "sidecar");
  EXPECT_EQ(usage(at(*object, "containers", 1), "usage"), (Pairs{{"cpu", "1"}, {"memory", "1k"}, {"swap", "4Ki"}}));
}

TEST(MetricsProtobuf, PodWithoutContainersOmitsTheField) {
  PodMetricsItem p = pod("default", "empty");
  p.containers = {};
  std::string out;
  append_pod_metrics_pb(out, p, kNow, kApiVersionV1);
  auto object = Schema::get().parse("PodMetrics", open_envelope(out).raw);
  EXPECT_EQ(count(*object, "containers"), 0);
  EXPECT_TRUE(has(*object, "window"));
}

TEST(MetricsProtobuf, EmptyListsCarryOnlyListMeta) {
  std::string nodes;
  append_node_metrics_list_pb(nodes, {}, kNow, kApiVersionV1beta1);
  const Envelope env = open_envelope(nodes);
  EXPECT_EQ(env.kind, "NodeMetricsList");
  EXPECT_EQ(env.raw, std::string("\x0a\x06\x0a\x00\x12\x00\x1a\x00", 8));
  auto list = Schema::get().parse("NodeMetricsList", env.raw);
  expect_empty_list_meta(sub(*list, "metadata"));
  EXPECT_EQ(count(*list, "items"), 0);

  std::string pods;
  append_pod_metrics_list_pb(pods, {}, kNow, kApiVersionV1);
  const Envelope pod_env = open_envelope(pods);
  EXPECT_EQ(pod_env.api_version, "metrics.k8s.io/v1");
  EXPECT_EQ(pod_env.kind, "PodMetricsList");
  EXPECT_EQ(pod_env.raw, env.raw);
}

TEST(MetricsProtobuf, ListsKeepItemOrderAndLeaveTypeMetaOut) {
  std::vector<NodeMetricsItem> nodes;
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back("node-" + std::to_string(i));
  for (const std::string& n : names) nodes.push_back(node(n, n.size() % 2 ? &kNodeLabels : nullptr));
  std::string out;
  append_node_metrics_list_pb(out, nodes, kNow, kApiVersionV1beta1);
  auto list = Schema::get().parse("NodeMetricsList", open_envelope(out).raw);
  EXPECT_TRUE(fully_known(*list));
  expect_empty_list_meta(sub(*list, "metadata"));
  ASSERT_EQ(count(*list, "items"), 50);
  for (int i = 0; i < 50; ++i) {
    const pb::Message& item = at(*list, "items", i);
    expect_object_meta(sub(item, "metadata"), "", names[i], 1700000010, names[i].size() % 2 ? kNodePairs : Pairs{});
    expect_sample(item, 1700000000, kWindow);
  }

  const std::vector<PodMetricsItem> pods{pod("a", "p1"), pod("a", "p2"), pod("b", "p1")};
  std::string pod_out;
  append_pod_metrics_list_pb(pod_out, pods, kNow, kApiVersionV1beta1);
  const Envelope env = open_envelope(pod_out);
  EXPECT_EQ(env.kind, "PodMetricsList");
  auto pod_list = Schema::get().parse("PodMetricsList", env.raw);
  ASSERT_EQ(count(*pod_list, "items"), 3);
  EXPECT_EQ(str(sub(at(*pod_list, "items", 2), "metadata"), "namespace"), "b");
  EXPECT_EQ(str(sub(at(*pod_list, "items", 1), "metadata"), "name"), "p2");
  EXPECT_EQ(count(at(*pod_list, "items", 0), "containers"), 2);
}

TEST(MetricsProtobuf, LargeAndNegativeValues) {
  // Long labels push ObjectMeta, the item and the raw body over one-byte lengths; a negative window
  // is a 10-byte varint; a time before 1970 floors like Go's Unix(); the top uint64 cpu value drops
  // its last digit as metrics-server does.
  const Labels big{{"a", std::string(300, 'x')}, {"b", std::string(20000, 'y')}};
  NodeMetricsItem n{"big", &big, -1500000000, -5, MetricsUsage{std::numeric_limits<std::uint64_t>::max(), 0, {}}};
  const std::vector<NodeMetricsItem> nodes{n, n};
  std::string out;
  append_node_metrics_list_pb(out, nodes, kNow, kApiVersionV1beta1);
  auto list = Schema::get().parse("NodeMetricsList", open_envelope(out).raw);
  ASSERT_EQ(count(*list, "items"), 2);
  for (int i = 0; i < 2; ++i) {
    const pb::Message& item = at(*list, "items", i);
    expect_object_meta(sub(item, "metadata"), "", "big", 1700000010, Pairs(big.begin(), big.end()));
    expect_sample(item, -2, -5);
    EXPECT_EQ(usage(item, "usage"), (Pairs{{"cpu", "18446744073709551610n"}, {"memory", "0"}}));
  }
}

TEST(MetricsProtobuf, StatusForEveryErrorConstructor) {
  const std::vector<StatusError> errors{node_not_found("n1"),        node_metrics_not_found("n1"),
                                        pod_not_found("p1"),         pod_metrics_not_found("default", "p1"),
                                        unknown_field_selector("x"), watch_not_supported("pods"),
                                        unknown_path()};
  for (const StatusError& error : errors) {
    SCOPED_TRACE(error.message);
    std::string out;
    append_status_pb(out, error);
    const Envelope env = open_envelope(out);
    EXPECT_EQ(env.api_version, "v1");
    EXPECT_EQ(env.kind, "Status");
    auto status = Schema::get().parse("Status", env.raw);
    EXPECT_TRUE(fully_known(*status));
    expect_empty_list_meta(sub(*status, "metadata"));
    EXPECT_EQ(str(*status, "status"), "Failure");
    EXPECT_EQ(str(*status, "message"), error.message);
    EXPECT_EQ(str(*status, "reason"), error.reason);
    EXPECT_EQ(i64(*status, "code"), error.code);
    ASSERT_EQ(has(*status, "details"), error.has_details);
    if (!error.has_details) continue;
    const pb::Message& details = sub(*status, "details");
    for (const char* always : {"name", "group", "kind", "retryAfterSeconds", "uid"}) {
      EXPECT_TRUE(has(details, always)) << always;
    }
    EXPECT_EQ(str(details, "name"), error.details_name);
    EXPECT_EQ(str(details, "group"), error.details_group);
    EXPECT_EQ(str(details, "kind"), error.details_kind);
    EXPECT_EQ(count(details, "causes"), 0);
  }
}

TEST(MetricsProtobuf, StatusWritesEmptyStringsAndZeroCode) {
  std::string out;
  append_status_pb(out, 0, "", "", std::nullopt);
  auto status = Schema::get().parse("Status", open_envelope(out).raw);
  for (const char* always : {"status", "message", "reason", "code"}) EXPECT_TRUE(has(*status, always)) << always;
  EXPECT_FALSE(has(*status, "details"));
}

// Hand derivation from the Go marshal rules (each message's fields in ascending number, every
// non-pointer field written, lengths as minimal varints):
//   envelope  6b 38 73 00 | Unknown: 0a 29 TypeMeta{0a 16 "metrics.k8s.io/v1beta1" 12 0f "NodeMetricsList"}
//             12 5e <raw, 94 bytes> 1a 00 (contentEncoding "") 22 00 (contentType "")
//   raw       0a 06 {0a 00 12 00 1a 00} (ListMeta: selfLink, resourceVersion, continue) 12 54 <item, 84>
//   item      0a 22 <ObjectMeta, 34> 12 08 <timestamp> 1a 06 <window> 22 0b <cpu entry> 22 0f <memory entry>
//   metadata  0a 02 "n1" 12 00 1a 00 22 00 2a 00 32 00 38 00 (name, generateName, namespace, selfLink,
//             uid, resourceVersion, generation) 42 08 {08 <1700000010 = 8a e2 cf aa 06> 10 00}
//             5a 06 {0a 01 "a" 12 01 "b"} (labels entry)
//   timestamp 08 <1700000000 = 80 e2 cf aa 06> 10 00 (nanos always 0, still written)
//   window    08 <15000000000 = 80 ac c7 f0 37>
//   usage     {0a 03 "cpu" 12 04 {0a 02 "5m"}}, {0a 06 "memory" 12 05 {0a 03 "1Mi"}}
TEST(MetricsProtobuf, GoldenNodeList) {
  const Labels l{{"a", "b"}};
  const NodeMetricsItem n{"n1", &l, 1700000000 * kSecond + 500000000, kWindow, MetricsUsage{5000000, 1048576, {}}};
  std::string out;
  append_node_metrics_list_pb(out, std::span<const NodeMetricsItem>(&n, 1), 1700000010 * kSecond, kApiVersionV1beta1);
  const std::string expected = std::string("k8s\0", 4) + "\x0a\x29\x0a\x16metrics.k8s.io/v1beta1\x12\x0fNodeMetricsList" +
                               std::string("\x12\x5e\x0a\x06\x0a\x00\x12\x00\x1a\x00\x12\x54", 12) +
                               std::string("\x0a\x22\x0a\x02n1\x12\x00\x1a\x00\x22\x00\x2a\x00\x32\x00\x38\x00", 18) +
                               std::string("\x42\x08\x08\x8a\xe2\xcf\xaa\x06\x10\x00", 10) +
                               "\x5a\x06\x0a\x01" "a\x12\x01" "b" +
                               std::string("\x12\x08\x08\x80\xe2\xcf\xaa\x06\x10\x00", 10) +
                               "\x1a\x06\x08\x80\xac\xc7\xf0\x37" +
                               "\x22\x0b\x0a\x03" "cpu\x12\x04\x0a\x02" "5m" +
                               "\x22\x0f\x0a\x06memory\x12\x05\x0a\x03" "1Mi" + std::string("\x1a\x00\x22\x00", 4);
  EXPECT_EQ(out, expected);
}

// node_metrics_not_found("n1"), derived the same way:
//   6b 38 73 00 | 0a 0c {0a 02 "v1" 12 06 "Status"} 12 70 <Status, 112> 1a 00 22 00
//   Status  0a 06 {0a 00 12 00 1a 00} 12 07 "Failure" 1a 29 <message, 41> 22 08 "NotFound"
//           2a 25 {0a 02 "n1" 12 0e "metrics.k8s.io" 1a 0b "nodemetrics" 28 00 (retryAfterSeconds)
//           32 00 (uid)} 30 94 03 (code 404)
TEST(MetricsProtobuf, GoldenStatus) {
  std::string out;
  append_status_pb(out, node_metrics_not_found("n1"));
  const std::string expected =
      std::string("k8s\0", 4) + "\x0a\x0c\x0a\x02v1\x12\x06Status\x12\x70" +
      std::string("\x0a\x06\x0a\x00\x12\x00\x1a\x00\x12\x07" "Failure\x1a\x29", 19) +
      "nodemetrics.metrics.k8s.io \"n1\" not found" + "\x22\x08NotFound" +
      std::string("\x2a\x25\x0a\x02n1\x12\x0emetrics.k8s.io\x1a\x0bnodemetrics\x28\x00\x32\x00", 39) +
      std::string("\x30\x94\x03\x1a\x00\x22\x00", 7);
  EXPECT_EQ(out, expected);
}

// libprotobuf, like gogo, serialises fields in field-number order and writes every present field, so
// re-serialising what it parsed must give our bytes back exactly (a stronger form of "same size").
TEST(MetricsProtobuf, ReserialisedByLibprotobufIsIdentical) {
  const std::vector<NodeMetricsItem> nodes{node("a"), node("b", nullptr)};
  std::string out;
  append_node_metrics_list_pb(out, nodes, kNow, kApiVersionV1beta1);
  const std::string raw = open_envelope(out).raw;
  auto list = Schema::get().parse("NodeMetricsList", raw);
  EXPECT_EQ(list->ByteSizeLong(), raw.size());
  EXPECT_EQ(list->SerializeAsString(), raw);

  const std::vector<PodMetricsItem> pods{pod("ns", "a"), pod("ns", "b")};
  std::string pod_out;
  append_pod_metrics_list_pb(pod_out, pods, kNow, kApiVersionV1beta1);
  const std::string pod_raw = open_envelope(pod_out).raw;
  auto pod_list = Schema::get().parse("PodMetricsList", pod_raw);
  EXPECT_EQ(pod_list->ByteSizeLong(), pod_raw.size());
  EXPECT_EQ(pod_list->SerializeAsString(), pod_raw);

  std::string status_out;
  append_status_pb(status_out, pod_metrics_not_found("ns", "p"));
  const std::string status_raw = open_envelope(status_out).raw;
  EXPECT_EQ(Schema::get().parse("Status", status_raw)->SerializeAsString(), status_raw);
}

TEST(MetricsProtobuf, PatchNowSecondsMovesEveryCreationTimestamp) {
  const std::vector<PodMetricsItem> pods{pod("a", "p1"), pod("b", "p2"), pod("c", "p3")};
  std::string out = "prefix";  // offsets are indices into the whole string
  NowSlots slots;
  append_pod_metrics_list_pb(out, pods, kNow, kApiVersionV1beta1, &slots);
  ASSERT_EQ(slots.seconds_offsets.size(), 3u);
  const std::string before = out;
  constexpr std::int64_t kLater = 1800000000;
  ASSERT_TRUE(patch_now_seconds(out, slots.seconds_offsets, kLater));
  EXPECT_EQ(out.size(), before.size());

  std::string fresh = "prefix";
  append_pod_metrics_list_pb(fresh, pods, kLater * kSecond, kApiVersionV1beta1);
  EXPECT_EQ(out, fresh);
  auto list = Schema::get().parse("PodMetricsList", open_envelope(std::string_view(out).substr(6)).raw);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(i64(sub(sub(at(*list, "items", i), "metadata"), "creationTimestamp"), "seconds"), kLater);
    EXPECT_EQ(i64(sub(at(*list, "items", i), "timestamp"), "seconds"), 1700000000);  // sample time untouched
  }
}

TEST(MetricsProtobuf, PatchSlotsSurviveBodyMoves) {
  // 20 000-byte labels give the items and the raw body 3-byte lengths ahead of later slots.
  const Labels big{{"k", std::string(20000, 'v')}};
  const std::vector<NodeMetricsItem> nodes{node("a", &big), node("b", &big)};
  std::string out;
  NowSlots slots;
  append_node_metrics_list_pb(out, nodes, kNow, kApiVersionV1beta1, &slots);
  ASSERT_TRUE(patch_now_seconds(out, slots.seconds_offsets, 1800000000));
  std::string fresh;
  append_node_metrics_list_pb(fresh, nodes, 1800000000 * kSecond, kApiVersionV1beta1);
  EXPECT_EQ(out, fresh);
  std::string single;
  NowSlots single_slots;
  append_node_metrics_pb(single, node("a", &big), kNow, kApiVersionV1, &single_slots);
  ASSERT_EQ(single_slots.seconds_offsets.size(), 1u);
  ASSERT_TRUE(patch_now_seconds(single, single_slots.seconds_offsets, 1800000000));
  auto object = Schema::get().parse("NodeMetrics", open_envelope(single).raw);
  EXPECT_EQ(i64(sub(sub(*object, "metadata"), "creationTimestamp"), "seconds"), 1800000000);
}

TEST(MetricsProtobuf, PatchRefusesOutOfRangeAndForeignSlots) {
  const std::vector<NodeMetricsItem> nodes{node("a")};
  std::string out;
  NowSlots slots;
  append_node_metrics_list_pb(out, nodes, kNow, kApiVersionV1beta1, &slots);
  const std::string before = out;
  EXPECT_FALSE(patch_now_seconds(out, slots.seconds_offsets, (std::int64_t{1} << 28) - 1));
  EXPECT_FALSE(patch_now_seconds(out, slots.seconds_offsets, std::int64_t{1} << 35));
  EXPECT_FALSE(patch_now_seconds(out, slots.seconds_offsets, -1));
  const std::vector<std::size_t> past_end{out.size() - 2};
  EXPECT_FALSE(patch_now_seconds(out, past_end, 1800000000));
  const std::vector<std::size_t> mixed{slots.seconds_offsets[0], 0};  // 0 is the magic, not a varint
  EXPECT_FALSE(patch_now_seconds(out, mixed, 1800000000));
  EXPECT_EQ(out, before);
  EXPECT_TRUE(patch_now_seconds(out, slots.seconds_offsets, (std::int64_t{1} << 35) - 1));
  EXPECT_TRUE(patch_now_seconds(out, slots.seconds_offsets, std::int64_t{1} << 28));

  // Rendered at a time whose varint is not 5 bytes: the slot is refused rather than corrupted.
  std::string epoch;
  NowSlots epoch_slots;
  append_node_metrics_list_pb(epoch, nodes, 0, kApiVersionV1beta1, &epoch_slots);
  const std::string epoch_before = epoch;
  EXPECT_FALSE(patch_now_seconds(epoch, epoch_slots.seconds_offsets, 1800000000));
  EXPECT_EQ(epoch, epoch_before);
}

TEST(ProtobufWriter, VarintsAreMinimal) {
  for (const std::uint64_t v : {std::uint64_t{0}, std::uint64_t{127}, std::uint64_t{128}, std::uint64_t{16383},
                                std::uint64_t{16384}, std::numeric_limits<std::uint64_t>::max()}) {
    std::string out;
    ProtobufWriter(out).varint(v);
    EXPECT_EQ(out.size(), varint_size(v)) << v;
  }
  std::string out;
  ProtobufWriter(out).int64_field(1, -1);
  EXPECT_EQ(out, std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11));
  EXPECT_EQ(varint_size(300), 2u);
}

TEST(ProtobufWriter, WrongLengthGuessesAreCorrectedAndSlotsFollow) {
  std::string out;
  std::vector<std::size_t> slots;
  ProtobufWriter w(out, &slots);
  const auto grow = w.begin_message(1, 1);  // 200-byte body: needs 2 length bytes
  w.raw(std::string(100, 'a'));
  w.mark_slot();
  w.raw(std::string(100, 'b'));
  w.end_message(grow);
  const auto shrink = w.begin_message(2, 4);  // 2-byte body: needs 1
  w.mark_slot();
  w.raw("cd");
  w.end_message(shrink);
  EXPECT_EQ(out.size(), 1 + 2 + 200 + 1 + 1 + 2u);
  EXPECT_EQ(out.substr(0, 3), "\x0a\xc8\x01");
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(out[slots[0]], 'b');
  EXPECT_EQ(out[slots[0] - 1], 'a');
  EXPECT_EQ(out.substr(slots[1] - 2), "\x12\x02" "cd");
}

}  // namespace
}  // namespace mpf::api::metrics
