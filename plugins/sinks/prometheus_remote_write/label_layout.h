#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mpf::sinks::remote_write {

/// Appends one `Label{name, value}` as a TimeSeries.labels field (tag, length, body) to `out`.
void append_label_field(std::string& out, std::string_view name, std::string_view value);

/// The label order of one kind of series (node, pod, container...). Remote write wants each series'
/// labels sorted by name, byte-wise; a kind's names (its own, the external labels and `__name__`)
/// are the same for every entity, so they are sorted once here, and per entity only the values are
/// filled in. The metric name varies per series, so the encoded labels come in two blocks: those
/// sorting before `__name__` and those after; a series is then [before][__name__][after].
class LabelLayout {
 public:
  /// `entity_names`: the entity's own label names, in the order encode() takes their values.
  /// `external`: labels added to every series (validated by the config: no duplicates of these).
  LabelLayout(std::span<const std::string_view> entity_names, const std::map<std::string, std::string>& external);

  /// Replaces `before` and `after` with the encoded Label fields of one entity. An empty value
  /// leaves its label out: Prometheus treats an empty label as an absent one, and the protocol
  /// forbids empty values.
  void encode(std::span<const std::string_view> values, std::string& before, std::string& after) const;

 private:
  // One label in sorted order: fixed bytes (an external label, encoded whole), or an entity label
  // whose name part ("\x0a" len name) is encoded once and whose value is filled in per entity.
  struct Item {
    std::string encoded;
    int entity_index = -1;  // -1: `encoded` is the whole field
  };

  static void encode_items(const std::vector<Item>& items, std::span<const std::string_view> values, std::string& out);

  std::vector<Item> before_;
  std::vector<Item> after_;
};

}  // namespace mpf::sinks::remote_write
