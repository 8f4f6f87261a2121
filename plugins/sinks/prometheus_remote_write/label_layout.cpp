#include "label_layout.h"

#include <algorithm>
#include <utility>

#include "protobuf_writer.h"

namespace mpf::sinks::remote_write {
namespace {

constexpr std::string_view kMetricNameLabel = "__name__";

// Label.name (field 1) with its tag and length: the part of an entity label fixed per layout.
std::string encode_name_part(std::string_view name) {
  std::string out(1 + pb::varint_size(name.size()) + name.size(), '\0');
  char* p = pb::put_byte(out.data(), pb::tag(1, pb::kLengthDelimited));
  p = pb::put_varint(p, name.size());
  pb::put_bytes(p, name);
  return out;
}

}  // namespace

void append_label_field(std::string& out, std::string_view name, std::string_view value) {
  const std::size_t body = pb::length_delimited_size(name.size()) + pb::length_delimited_size(value.size());
  const std::size_t start = out.size();
  out.resize(start + pb::length_delimited_size(body));
  char* p = pb::put_byte(out.data() + start, pb::tag(1, pb::kLengthDelimited));  // TimeSeries.labels
  p = pb::put_varint(p, body);
  p = pb::put_byte(p, pb::tag(1, pb::kLengthDelimited));  // Label.name
  p = pb::put_varint(p, name.size());
  p = pb::put_bytes(p, name);
  p = pb::put_byte(p, pb::tag(2, pb::kLengthDelimited));  // Label.value
  p = pb::put_varint(p, value.size());
  pb::put_bytes(p, value);
}

LabelLayout::LabelLayout(std::span<const std::string_view> entity_names,
                         const std::map<std::string, std::string>& external) {
  std::vector<std::pair<std::string, Item>> sorted;
  for (std::size_t i = 0; i < entity_names.size(); ++i) {
    sorted.emplace_back(std::string(entity_names[i]), Item{encode_name_part(entity_names[i]), static_cast<int>(i)});
  }
  for (const auto& [name, value] : external) {
    Item item;
    append_label_field(item.encoded, name, value);
    sorted.emplace_back(name, std::move(item));
  }
  // Byte-wise, as Prometheus' labels.Labels and the receivers that check the order (Cortex, Mimir):
  // an upper-case external label such as "Zone" sorts before "__name__" ('Z' < '_').
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, item] : sorted) {
    std::vector<Item>& side = name < kMetricNameLabel ? before_ : after_;
    // Adjacent fixed labels merge into one copy per series.
    if (item.entity_index < 0 && !side.empty() && side.back().entity_index < 0) {
      side.back().encoded += item.encoded;
    } else {
      side.push_back(std::move(item));
    }
  }
}

void LabelLayout::encode(std::span<const std::string_view> values, std::string& before, std::string& after) const {
  before.clear();
  after.clear();
  encode_items(before_, values, before);
  encode_items(after_, values, after);
}

void LabelLayout::encode_items(const std::vector<Item>& items, std::span<const std::string_view> values,
                               std::string& out) {
  for (const Item& item : items) {
    if (item.entity_index < 0) {
      out += item.encoded;
      continue;
    }
    const std::string_view value = values[static_cast<std::size_t>(item.entity_index)];
    if (value.empty()) continue;
    const std::size_t body = item.encoded.size() + pb::length_delimited_size(value.size());
    const std::size_t start = out.size();
    out.resize(start + pb::length_delimited_size(body));
    char* p = pb::put_byte(out.data() + start, pb::tag(1, pb::kLengthDelimited));  // TimeSeries.labels
    p = pb::put_varint(p, body);
    p = pb::put_bytes(p, item.encoded);
    p = pb::put_byte(p, pb::tag(2, pb::kLengthDelimited));  // Label.value
    p = pb::put_varint(p, value.size());
    pb::put_bytes(p, value);
  }
}

}  // namespace mpf::sinks::remote_write
