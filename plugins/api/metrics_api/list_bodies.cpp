#include "metrics_api/list_bodies.h"

#include <algorithm>

#include "metrics_api/go_format.h"
#include "metrics_api/json_writer.h"
#include "metrics_api/list_items.h"
#include "metrics_api/metrics_objects.h"
#include "mpf/sdk/gzip.h"

namespace mpf::api::metrics {
namespace {

std::int64_t second_of(std::int64_t ns) { return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000); }

std::string_view api_version_of(bool v1) { return v1 ? kApiVersionV1 : kApiVersionV1beta1; }

}  // namespace

ListBody WholeListBodies::get(ListResource resource, bool v1, ListEncoding encoding, bool gzip,
                              const SnapshotPtr& metrics, const std::shared_ptr<const ClusterSnapshot>& cluster,
                              std::int64_t now_ns) {
  const std::size_t index = (resource == ListResource::kPods ? 4 : 0) + (v1 ? 2 : 0) +
                            (encoding == ListEncoding::kProtobuf ? 1 : 0);
  Entry& entry = entries_[index];
  std::lock_guard lock(entry.mutex);
  if (!entry.rendered || entry.metrics != metrics || entry.cluster != cluster) {
    entry.metrics = metrics;
    entry.cluster = cluster;
    render(entry, resource, v1, encoding, now_ns);
  }
  ListBody out;
  out.item_timestamps = entry.item_timestamps;
  // Every second's body has the template's size, so the choice needs no re-stamped plain body.
  if (gzip && entry.plain->size() > kGzipThresholdBytes) {
    out.body = gzip_for(entry, encoding, now_ns);
    out.gzipped = out.body != nullptr;
  }
  if (!out.body) out.body = plain_for(entry, encoding, now_ns);
  return out;
}

void WholeListBodies::render(Entry& entry, ListResource resource, bool v1, ListEncoding encoding,
                             std::int64_t now_ns) const {
  static const Snapshot kNoMetrics;
  const Snapshot& s = entry.metrics ? *entry.metrics : kNoMetrics;
  auto timestamps = std::make_shared<std::vector<std::int64_t>>();
  // The previous body goes first (responses still sending it keep theirs), and the new one is sized
  // from it: a 50 MiB list grown by doubling would pass through 64 MiB and a copy.
  entry.plain.reset();
  entry.patchable_gzip.reset();
  entry.gzipped.reset();
  auto body = std::make_shared<std::string>();
  body->reserve(entry.last_size + entry.last_size / 16);
  std::string& text = *body;
  entry.slots.clear();
  const std::string_view api_version = api_version_of(v1);
  NowSlots pb_slots;
  if (resource == ListResource::kNodes) {
    NodeItems nodes;
    collect_node_items(s, *entry.cluster, node_selector_, nullptr, show_swap_, nodes);
    for (const NodeMetricsItem& item : nodes.items) timestamps->push_back(item.timestamp_ns);
    if (encoding == ListEncoding::kJson) {
      JsonWriter w(text, JsonStyle::kCompact);
      write_node_metrics_list(w, nodes.items, now_ns, api_version, &entry.slots);
    } else {
      append_node_metrics_list_pb(text, nodes.items, now_ns, api_version, &pb_slots);
    }
  } else {
    PodItems pods;
    collect_pod_items(s, *entry.cluster, {}, nullptr, show_swap_, pods);
    for (const PodMetricsItem& item : pods.items) timestamps->push_back(item.timestamp_ns);
    if (encoding == ListEncoding::kJson) {
      JsonWriter w(text, JsonStyle::kCompact);
      write_pod_metrics_list(w, pods.items, now_ns, api_version, &entry.slots);
    } else {
      append_pod_metrics_list_pb(text, pods.items, now_ns, api_version, &pb_slots);
    }
  }
  if (encoding == ListEncoding::kJson) {
    text += '\n';  // json.Encoder's framing, as every compact body has
  } else {
    entry.slots = std::move(pb_slots.seconds_offsets);
  }
  std::sort(timestamps->begin(), timestamps->end());
  entry.item_timestamps = std::move(timestamps);
  entry.rendered = true;
  entry.last_size = text.size();
  entry.plain_second = second_of(now_ns);
  entry.plain = std::move(body);
  entry.gzip_attempted = false;
  entry.gzip_second = INT64_MIN;
  ++entry.renders;
}

std::shared_ptr<const std::string> WholeListBodies::plain_for(Entry& entry, ListEncoding encoding,
                                                              std::int64_t now_ns) const {
  const std::int64_t second = second_of(now_ns);
  if (entry.plain_second == second) return entry.plain;
  // Under the entry's lock nobody can take a new reference, so a count of one means no response holds
  // the body: it is overwritten where it is. Otherwise the responses keep the old bytes.
  std::shared_ptr<std::string> body =
      entry.plain.use_count() == 1 ? entry.plain : std::make_shared<std::string>(*entry.plain);
  // The patchers check every slot before writing one, so a refusal leaves the body as it was.
  const bool patched = encoding == ListEncoding::kJson ? patch_now_json(*body, entry.slots, now_ns)
                                                       : patch_now_seconds(*body, entry.slots, second);
  if (!patched) return nullptr;  // a time the fixed-width slots cannot hold: the caller renders itself
  entry.plain_second = second;
  entry.plain = std::move(body);
  ++entry.restamps;
  return entry.plain;
}

std::shared_ptr<const std::string> WholeListBodies::gzip_for(Entry& entry, ListEncoding encoding,
                                                             std::int64_t now_ns) const {
  const std::int64_t second = second_of(now_ns);
  if (entry.gzip_second == second && entry.gzipped) return entry.gzipped;
  if (encoding == ListEncoding::kJson && !entry.gzip_attempted) {
    entry.gzip_attempted = true;
    // Any second's body will do: the timestamps are the holes the stream leaves open.
    entry.patchable_gzip = PatchableGzip::compress(*entry.plain, entry.slots, kNowJsonWidth);
  }
  std::string compressed;
  if (entry.patchable_gzip) {
    std::string now_text;
    append_rfc3339_seconds(now_text, now_ns);
    compressed = entry.patchable_gzip->issue(now_text);
  }
  if (compressed.empty()) {
    // Protobuf (its bytes can be anything, so holes cannot be kept apart from the text) or JSON the
    // patchable stream refused: compress this second's body once.
    auto plain = plain_for(entry, encoding, now_ns);
    if (!plain) return nullptr;
    compressed = gzip_compress(*plain);
    if (compressed.empty()) return nullptr;
  }
  entry.gzip_second = second;
  entry.gzipped = std::make_shared<const std::string>(std::move(compressed));
  return entry.gzipped;
}

std::uint64_t WholeListBodies::renders() const noexcept {
  std::uint64_t total = 0;
  for (auto& entry : entries_) {
    std::lock_guard lock(const_cast<std::mutex&>(entry.mutex));
    total += entry.renders;
  }
  return total;
}

std::uint64_t WholeListBodies::restamps() const noexcept {
  std::uint64_t total = 0;
  for (auto& entry : entries_) {
    std::lock_guard lock(const_cast<std::mutex&>(entry.mutex));
    total += entry.restamps;
  }
  return total;
}

}  // namespace mpf::api::metrics
