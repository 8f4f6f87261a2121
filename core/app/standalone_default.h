#pragma once

// Standalone mode as the fallback of the flag mode: metrics-server without --config needs a cluster
// (--kubeconfig, else in-cluster); with neither, this binary serves the machine it runs on instead,
// from the config built in at compile time (deploy/config/standalone.yaml).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/app/flags.h"

namespace mpf::core {

// The text of deploy/config/standalone.yaml as it was at build time.
std::string_view embedded_standalone_config();

// True when `cl` has no --config and no --kubeconfig, and the environment is not a pod's
// (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT both unset or empty): client-go would fail with
// "unable to load in-cluster configuration" there.
bool wants_standalone(const CommandLine& cl, const std::function<std::optional<std::string>(std::string_view)>& env);

}  // namespace mpf::core
