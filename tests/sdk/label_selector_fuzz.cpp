// Fuzzes the label selector parser: any bytes either fail with a message or give a selector whose
// canonical string parses back to the same selector; matching never crashes.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mpf/sdk/label_selector.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto selector = mpf::LabelSelector::parse(text);
  if (!selector) {
    check(selector.status().code() == mpf::StatusCode::kInvalidArgument);
    check(!selector.status().message().empty());
    return 0;
  }
  std::string canonical = selector->to_string();
  auto again = mpf::LabelSelector::parse(canonical);
  check(again.is_ok());
  check(*again == *selector);
  check(again->to_string() == canonical);
  check(selector->empty() == canonical.empty());

  // Label sets built from the selector's own keys and values, so that every branch of matching runs.
  std::map<std::string, std::string> empty;
  std::map<std::string, std::string> first_values;
  std::vector<std::pair<std::string, std::string>> last_values;
  for (const auto& requirement : selector->requirements()) {
    std::string value = requirement.values.empty() ? "" : requirement.values.front();
    first_values.emplace(requirement.key, value);
    last_values.emplace_back(requirement.key, requirement.values.empty() ? "x" : requirement.values.back());
  }
  bool everything = selector->matches(empty);
  selector->matches(first_values);
  selector->matches(last_values);
  auto none = [](std::string_view) -> std::optional<std::string_view> { return std::nullopt; };
  check(selector->matches(none) == everything);

  // AND with itself matches exactly what the selector matches.
  mpf::LabelSelector twice = selector->and_also(*selector);
  check(twice.matches(first_values) == selector->matches(first_values));
  check(twice.matches(last_values) == selector->matches(last_values));
  return 0;
}
