// Fuzzes the config path end to end: YAML text -> ConfigValue (with ${VAR} expansion) -> pipeline
// validation -> effective document -> YAML text -> ConfigValue again, which must be identical.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config/pipeline_config.h"
#include "core/config/yaml_loader.h"
#include "core/config/yaml_writer.h"

namespace {

const mpf::core::EnvLookup& fuzz_env() {
  static const mpf::core::EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value: {x}");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = mpf::core::load_yaml_text(text, "fuzz.yaml", fuzz_env());
  if (!loaded) return 0;
  // Whatever loads must print and load back to the same tree.
  std::string printed = mpf::core::write_yaml(*loaded);
  auto again = mpf::core::load_yaml_text(printed, "printed.yaml", [](std::string_view) { return std::nullopt; });
  if (!again || !(*again == *loaded)) std::abort();
  mpf::core::PluginLookup no_plugins = [](mpf::PluginKind, std::string_view) -> const mpf::PluginDescriptor* {
    return nullptr;
  };
  std::vector<std::string> warnings;
  auto config = mpf::core::parse_pipeline(*loaded, no_plugins, &warnings);
  if (config) (void)mpf::core::write_yaml(mpf::core::effective_document(*config, no_plugins));
  return 0;
}
