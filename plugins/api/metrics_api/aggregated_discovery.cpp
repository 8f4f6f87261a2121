#include "metrics_api/aggregated_discovery.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>
#include <vector>

#include "metrics_api/api_documents.h"

namespace mpf::api::metrics {
namespace {

std::string_view version_name(AggregatedDiscoveryVersion v) {
  return v == AggregatedDiscoveryVersion::kV2 ? "v2" : "v2beta1";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// One media range of goautoneg.ParseAccept.
struct Clause {
  std::string type, subtype;
  std::vector<std::pair<std::string, std::string>> params;
  double q = 1.0;
  std::size_t index = 0;
};

std::vector<Clause> parse_accept(std::string_view header) {
  std::vector<Clause> clauses;
  std::size_t index = 0;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    Clause c;
    c.index = index++;
    const std::size_t semi = part.find(';');
    std::string_view mt = trim(part.substr(0, semi));
    std::string_view rest = semi == std::string_view::npos ? std::string_view{} : part.substr(semi + 1);
    const std::size_t slash = mt.find('/');
    if (mt.empty()) continue;
    if (slash == std::string_view::npos) {
      if (mt != "*") continue;
      c.type = "*";
      c.subtype = "*";
    } else {
      c.type = lower(trim(mt.substr(0, slash)));
      c.subtype = lower(trim(mt.substr(slash + 1)));
    }
    while (!rest.empty()) {
      const std::size_t s = rest.find(';');
      std::string_view kv = trim(rest.substr(0, s));
      rest = s == std::string_view::npos ? std::string_view{} : rest.substr(s + 1);
      const std::size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string key = lower(trim(kv.substr(0, eq)));
      const std::string value(trim(kv.substr(eq + 1)));
      if (key == "q") {
        c.q = std::strtod(value.c_str(), nullptr);
      } else {
        c.params.emplace_back(key, value);
      }
    }
    clauses.push_back(std::move(c));
  }
  // goautoneg: q descending, then fewer wildcards, then more parameters; stable otherwise.
  auto specificity = [](const Clause& c) {
    return (c.type == "*" ? 0 : 1) + (c.subtype == "*" ? 0 : 1);
  };
  std::stable_sort(clauses.begin(), clauses.end(), [&](const Clause& a, const Clause& b) {
    if (a.q != b.q) return a.q > b.q;
    if (specificity(a) != specificity(b)) return specificity(a) > specificity(b);
    return a.params.size() > b.params.size();
  });
  return clauses;
}

bool serializable(const Clause& c) {
  if (c.type == "*" && c.subtype == "*") return true;
  if (c.type != "application") return false;
  return c.subtype == "*" || c.subtype == "json" || c.subtype == "yaml" || c.subtype == "vnd.kubernetes.protobuf";
}

}  // namespace

std::string aggregated_discovery_content_type(AggregatedDiscoveryVersion version) {
  return "application/json;g=apidiscovery.k8s.io;v=" + std::string(version_name(version)) +
         ";as=APIGroupDiscoveryList";
}

void write_aggregated_discovery(JsonWriter& w, AggregatedDiscoveryVersion version,
                                std::span<const std::string_view> versions, bool with_type_meta) {
  w.begin_object();
  if (with_type_meta) {
    w.member("kind", "APIGroupDiscoveryList");
    w.member("apiVersion", "apidiscovery.k8s.io/" + std::string(version_name(version)));
  }
  w.key("metadata");  // ListMeta is a struct: encoding/json writes {} despite omitempty
  w.begin_object();
  w.end_object();
  w.key("items");
  w.begin_array();
  w.begin_object();
  w.key("metadata");
  w.begin_object();
  w.member("name", kGroupName);
  w.end_object();
  w.key("versions");
  w.begin_array();
  for (std::string_view v : versions) {
    w.begin_object();
    w.member("version", v);
    w.key("resources");
    w.begin_array();
    using Resource = std::tuple<std::string_view, std::string_view, std::string_view>;
    for (const auto& [resource, kind, scope] :
         {Resource{"nodes", "NodeMetrics", "Cluster"}, Resource{"pods", "PodMetrics", "Namespaced"}}) {
      w.begin_object();
      w.member("resource", resource);
      w.key("responseKind");
      w.begin_object();
      w.member("group", kGroupName);
      w.member("version", v);
      w.member("kind", kind);
      w.end_object();
      w.member("scope", scope);
      w.member("singularResource", "");
      w.key("verbs");
      w.begin_array();
      w.string("get");
      w.string("list");
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.member("freshness", "Current");
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_array();
  w.end_object();
}

std::optional<AggregatedDiscoveryVersion> wanted_aggregated_discovery(std::string_view accept_header,
                                                                      bool allow_v2beta1) {
  if (trim(accept_header).empty()) return std::nullopt;
  for (const Clause& c : parse_accept(accept_header)) {
    if (!serializable(c)) continue;
    std::string g, v, as;
    bool acceptable = true;
    for (const auto& [key, value] : c.params) {
      if (key == "g") {
        g = value;
      } else if (key == "v") {
        v = value;
      } else if (key == "as") {
        as = value;
      } else if (key == "pretty" || key == "profile" || key == "stream") {
        if (key == "stream" && value != "watch") acceptable = false;
      } else {
        acceptable = false;  // unknown parameters make the range unacceptable (acceptMediaTypeOptions)
      }
    }
    if (!acceptable) continue;
    if (as.empty()) {
      if (g.empty() && v.empty()) return std::nullopt;  // a plain range: the legacy APIGroupList
      continue;
    }
    if (g == "apidiscovery.k8s.io" && as == "APIGroupDiscoveryList") {
      if (v == "v2") return AggregatedDiscoveryVersion::kV2;
      if (v == "v2beta1" && allow_v2beta1) return AggregatedDiscoveryVersion::kV2Beta1;
    }
    // Any other transform (Table, PartialObjectMetadata) is not allowed on /apis: next range.
  }
  return std::nullopt;
}

}  // namespace mpf::api::metrics
