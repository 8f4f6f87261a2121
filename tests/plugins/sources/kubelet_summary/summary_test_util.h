#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "mpf/sdk/sample.h"

namespace mpf::sources::kubelet_summary::testing {

inline constexpr std::int64_t kSecond = 1000000000;

// The bytes of tests/fixtures/kubelet/summary/<name>; empty if missing (tests then fail loudly).
inline std::string read_fixture(std::string_view name) {
  std::ifstream in(std::string(MPF_TEST_SOURCE_DIR) + "/tests/fixtures/kubelet/summary/" + std::string(name),
                   std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline const ContainerSample* find_container(const NodeBatch& b, std::string_view ns, std::string_view pod,
                                             std::string_view container) {
  for (const auto& c : b.containers) {
    if (b.names.name(c.namespace_name) == ns && b.names.name(c.pod_name) == pod &&
        b.names.name(c.container_name) == container) {
      return &c;
    }
  }
  return nullptr;
}

inline const PodSample* find_pod(const NodeBatch& b, std::string_view ns, std::string_view pod) {
  for (const auto& p : b.pods) {
    if (b.names.name(p.namespace_name) == ns && b.names.name(p.pod_name) == pod) return &p;
  }
  return nullptr;
}

}  // namespace mpf::sources::kubelet_summary::testing
