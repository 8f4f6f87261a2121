#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/http_server.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// The routes of one listener: prefix → handler, longest matching prefix first. Not thread-safe: the
// listener copies it on change and lets requests read an immutable copy.
class RouteTable {
 public:
  // Adds all of `routes` or none: an empty prefix, a prefix not starting with '/', a missing handler,
  // or a prefix already in the table (or twice in `routes`) fails with invalid_argument naming it.
  Status add(std::vector<mpf::Route> routes);

  // The handler of the longest prefix of `path`; null when none matches.
  const mpf::RouteHandler* find(std::string_view path) const;

  std::size_t size() const { return routes_.size(); }

 private:
  // Ordered longest prefix first (then by text), so the first match is the answer.
  struct LongestFirst {
    bool operator()(const std::string& a, const std::string& b) const {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
  };
  std::map<std::string, mpf::RouteHandler, LongestFirst> routes_;
};

}  // namespace mpf::core
