// metrics-server: the default build of the pipeline, a drop-in replacement for the Kubernetes one.
#include <iostream>

#include "core/app/server_app.h"
#include "core/registry/builtin_plugins.h"

int main(int argc, char** argv) {
  return mpf::core::run_server_app(argc, argv, mpf::core::builtin_plugins(), std::cout, std::cerr);
}
