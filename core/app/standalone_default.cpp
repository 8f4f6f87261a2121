#include "core/app/standalone_default.h"

namespace mpf::core {

bool wants_standalone(const CommandLine& cl, const std::function<std::optional<std::string>(std::string_view)>& env) {
  if (cl.config_file || cl.find("kubeconfig") != nullptr) return false;
  for (std::string_view name : {"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"}) {
    const auto value = env(name);
    if (value && !value->empty()) return false;
  }
  return true;
}

}  // namespace mpf::core
