#include "core/serve/route_table.h"

#include <set>

namespace mpf::core {

Status RouteTable::add(std::vector<mpf::Route> routes) {
  std::set<std::string> seen;
  for (const mpf::Route& route : routes) {
    if (route.prefix.empty() || route.prefix.front() != '/') {
      return Status::invalid_argument("route prefix \"" + route.prefix + "\" must start with '/'");
    }
    if (!route.handler) return Status::invalid_argument("route \"" + route.prefix + "\" has no handler");
    if (routes_.count(route.prefix) != 0 || !seen.insert(route.prefix).second) {
      return Status::invalid_argument("route \"" + route.prefix + "\" is already served");
    }
  }
  for (mpf::Route& route : routes) routes_.emplace(std::move(route.prefix), std::move(route.handler));
  return Status::ok();
}

const mpf::RouteHandler* RouteTable::find(std::string_view path) const {
  // A linear scan: a listener has a handful of routes, and this beats a trie at that size.
  for (const auto& [prefix, handler] : routes_) {
    if (path.starts_with(prefix)) return &handler;
  }
  return nullptr;
}

}  // namespace mpf::core
