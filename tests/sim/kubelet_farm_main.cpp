// kubelet-farm: many simulated kubelets in one process. See farm_usage() or --help.
#include <csignal>
#include <cstdio>

#include "tests/sim/farm_options.h"
#include "tests/sim/fault_plan.h"
#include "tests/sim/kubelet_farm.h"

int main(int argc, char** argv) {
  using namespace mpf::sim;
  bool help = false;
  auto options = parse_farm_options(argc - 1, argv + 1, help);
  if (help) {
    std::fputs(farm_usage().c_str(), stdout);
    return 0;
  }
  if (!options) {
    std::fprintf(stderr, "kubelet-farm: %s\n", options.status().message().c_str());
    return 2;
  }
  // Writes to a peer that went away must fail with EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);

  auto farm = KubeletFarm::create(*options);
  if (!farm) {
    std::fprintf(stderr, "kubelet-farm: %s\n", farm.status().message().c_str());
    return 1;
  }
  size_t faulty = 0;
  for (FaultMode mode : (*farm)->faults()) faulty += mode == FaultMode::kNone ? 0 : 1;
  const auto model = (*farm)->model();
  std::fprintf(stderr, "kubelet-farm: serving %zu nodes (%u pods x %u containers each, seed %llu, %zu faulty) on port %u over %s\n",
               model->nodes().size(), model->config().pods_per_node, model->config().containers_per_pod,
               static_cast<unsigned long long>(model->config().seed), faulty, options->port,
               options->plain_http ? "http" : "https");
  (*farm)->run();
  std::fprintf(stderr, "kubelet-farm: stopped after %llu requests\n",
               static_cast<unsigned long long>((*farm)->requests_served()));
  return 0;
}
