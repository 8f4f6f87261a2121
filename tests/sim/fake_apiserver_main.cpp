// fake-apiserver: a small kube-apiserver serving the simulated cluster. See apiserver_usage() or --help.
#include <csignal>
#include <cstdio>

#include "tests/sim/fake_apiserver.h"

int main(int argc, char** argv) {
  using namespace mpf::sim;
  bool help = false;
  auto options = parse_apiserver_options(argc - 1, argv + 1, help);
  if (help) {
    std::fputs(apiserver_usage().c_str(), stdout);
    return 0;
  }
  if (!options) {
    std::fprintf(stderr, "fake-apiserver: %s\n", options.status().message().c_str());
    return 2;
  }
  // Writes to a client that went away must fail with EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  auto server = FakeApiServer::create(*options);
  if (!server) {
    std::fprintf(stderr, "fake-apiserver: %s\n", server.status().message().c_str());
    return 1;
  }
  const auto model = (*server)->model();
  std::fprintf(stderr, "fake-apiserver: serving %zu nodes (%u pods x %u containers each, seed %llu) at %s, resourceVersion %llu\n",
               model->nodes().size(), model->config().pods_per_node, model->config().containers_per_pod,
               static_cast<unsigned long long>(model->config().seed), (*server)->url().c_str(),
               static_cast<unsigned long long>((*server)->resource_version()));
  (*server)->run();
  std::fprintf(stderr, "fake-apiserver: stopped at resourceVersion %llu\n",
               static_cast<unsigned long long>((*server)->resource_version()));
  return 0;
}
