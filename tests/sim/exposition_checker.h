#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A deliberately strict reader of the kubelet's /metrics/resource text, for tests: it accepts exactly
// the shape a kubelet writes and says which line broke which rule otherwise.

namespace mpf::sim::test {

struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string value_text;
  double value = 0;
  std::optional<int64_t> timestamp_ms;

  std::string label(std::string_view name) const;
};

struct Family {
  std::string name;
  std::string help_line;  // "# HELP ..." as written.
  std::string type_line;  // "# TYPE ..." as written.
  std::vector<Sample> samples;
};

struct Exposition {
  std::vector<Family> families;
  const Family* find(std::string_view name) const;
};

// Rules: every line ends in '\n'; a family is "# HELP name text", "# TYPE name counter|gauge", then one
// or more samples "name{labels} value [timestamp]" of that name; families are sorted by name and appear
// once; labels are container,namespace,pod for container_* families, namespace,pod for pod_* families,
// none otherwise; a family's series are sorted by label values; values are in Go's canonical float
// format (formatting the parsed number gives the same text); timestamps are integers.
// Returns the parsed text, or the first violation as "line N: ...".
std::pair<std::optional<Exposition>, std::string> check_exposition(std::string_view text);

}  // namespace mpf::sim::test
