// Fuzzes the command line: the input is split at NUL bytes into argv, parsed, and applied to the
// metrics-server default document and to an empty one.
#include <cstdint>
#include <string>
#include <vector>

#include "core/app/flags.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"metrics-server"};
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(current);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  auto parsed = mpf::core::parse_command_line(static_cast<int>(argv.size()), argv.data());
  if (!parsed) return 0;
  std::vector<std::string> warnings;
  mpf::ConfigValue document = mpf::core::default_metrics_server_document();
  mpf::core::apply_flags(*parsed, document, warnings);
  mpf::ConfigValue empty;
  mpf::core::apply_flags(*parsed, empty, warnings);
  return 0;
}
