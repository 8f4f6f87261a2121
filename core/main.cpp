// metrics-server: the default build of the pipeline, a drop-in replacement for the Kubernetes one.
#include <csignal>
#include <iostream>

#include "core/app/server_app.h"
#include "core/registry/builtin_plugins.h"

int main(int argc, char** argv) {
  // A reader that went away (a closed stdout pipe, a receiver that reset) must fail that one write with
  // EPIPE (which the writer reports), not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  return mpf::core::run_server_app(argc, argv, mpf::core::builtin_plugins(), std::cout, std::cerr);
}
