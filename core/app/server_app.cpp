#include "core/app/server_app.h"

#include <ostream>

#include "core/app/flags.h"
#include "core/app/pipeline_runtime.h"
#include "core/app/plugin_loading.h"
#include "core/app/standalone_default.h"
#include "core/config/pipeline_config.h"
#include "core/config/plugin_docs.h"
#include "core/config/yaml_loader.h"
#include "core/config/yaml_writer.h"
#include "core/log/logger.h"

namespace mpf::core {

namespace {

constexpr const char* kProgram = "metrics-server";

void print_errors(std::ostream& err, const std::string& header, const std::vector<std::string>& errors) {
  err << header << "\n";
  for (const auto& e : errors) err << "  " << e << "\n";
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The config document: the file given with --config, else metrics-server's default pipeline, or
// standalone mode's when there is no cluster to ask (standalone_default.h); then the flags given on the
// command line on top. `standalone` tells which.
Result<ConfigValue> assemble_document(const CommandLine& cl, std::vector<std::string>& warnings, bool& standalone) {
  ConfigValue document;
  standalone = false;
  if (cl.config_file) {
    auto loaded = load_yaml_file(*cl.config_file);
    if (!loaded) return loaded.status();
    document = std::move(loaded).value();
  } else if (wants_standalone(cl, process_env())) {
    auto loaded = load_yaml_text(embedded_standalone_config(), "built-in standalone config");
    if (!loaded) return loaded.status();
    document = std::move(loaded).value();
    standalone = true;
  } else {
    document = default_metrics_server_document();
  }
  apply_flags(cl, document, warnings);
  return document;
}

const RegisteredPlugin* find_by_name(const PluginRegistry& registry, std::string_view name) {
  for (PluginKind kind : {PluginKind::kSource, PluginKind::kProcessor, PluginKind::kSink}) {
    if (const RegisteredPlugin* p = registry.find(kind, name)) return p;
  }
  return nullptr;
}

}  // namespace

int run_server_app(int argc, const char* const* argv, const std::vector<const PluginDescriptor*>& builtins,
                   std::ostream& out, std::ostream& err) {
  auto parsed = parse_command_line(argc, argv);
  if (!parsed) {
    // Exit 2 for usage errors, as metrics-server does (its cobra error ends in a Go panic).
    err << "Error: " << parsed.status().message() << "\nRun '" << kProgram << " --help' for usage.\n";
    return 2;
  }
  const CommandLine& cl = *parsed;
  if (cl.help) {
    out << help_text();
    return 0;
  }
  if (cl.version) {
    out << kProgram << " version v" << MPF_VERSION << " (SDK ABI " << MPF_SDK_ABI_VERSION << ", "
        << MPF_SDK_TOOLCHAIN_TAG << ")\n";
    return 0;
  }

  std::vector<std::string> warnings;
  bool standalone = false;
  auto document = assemble_document(cl, warnings, standalone);
  if (!document) {
    print_errors(err, "Error: cannot read the config:", split_lines(document.status().message()));
    return 1;
  }

  PluginRegistry registry;
  std::vector<std::string> plugin_errors;
  register_plugins(builtins, *document, registry, plugin_errors);

  if (cl.list_plugins) {
    out << format_plugin_list(registry);
    if (!plugin_errors.empty()) print_errors(err, "Error: some plugins were refused:", plugin_errors);
    return plugin_errors.empty() ? 0 : 1;
  }
  if (cl.describe_plugin) {
    const RegisteredPlugin* p = find_by_name(registry, *cl.describe_plugin);
    if (p == nullptr) {
      err << "Error: no plugin named \"" << *cl.describe_plugin << "\"; see " << kProgram << " --list-plugins\n";
      return 1;
    }
    out << "origin: " << p->origin << "\n" << describe_plugin(*p->descriptor);
    return 0;
  }

  PluginLookup lookup = [&registry](PluginKind kind, std::string_view name) -> const PluginDescriptor* {
    const RegisteredPlugin* p = registry.find(kind, name);
    return p != nullptr ? p->descriptor : nullptr;
  };
  auto config = parse_pipeline(*document, lookup, &warnings);
  std::vector<std::string> errors = plugin_errors;
  if (!config) {
    for (auto& line : split_lines(config.status().message())) errors.push_back(std::move(line));
  }
  if (!errors.empty()) {
    print_errors(err, "Error: invalid configuration:", errors);
    return 1;
  }

  if (cl.print_config) {
    out << write_yaml(effective_document(*config, lookup));
    return 0;
  }
  if (cl.validate_config) {
    for (const auto& w : warnings) err << "Warning: " << w << "\n";
    out << "configuration is valid\n";
    return 0;
  }

  LogWriter::Options log_options;
  log_options.format = config->global.log_format == "json" ? LogFormat::kJson : LogFormat::kText;
  log_options.verbosity = static_cast<int>(config->global.log_verbosity);
  log_options.out = &err;
  LogWriter log_writer(log_options);
  auto log = log_writer.logger_for("main");
  log->info("Starting metrics-server", {{"version", MPF_VERSION}});
  if (standalone) {
    log->info("No --config, no --kubeconfig and not in a cluster: standalone mode, serving this machine as a "
              "one-node cluster (deploy/config/standalone.yaml, built in)");
  }
  for (const auto& w : warnings) log->warn(w);
  if (!cl.ignored_flags.empty()) {
    std::string names;
    for (const auto& f : cl.ignored_flags) names += (names.empty() ? "" : ",") + f;
    log->warn("Flags accepted for compatibility have no effect", {{"flags", names}});
  }

  PipelineRuntime runtime(*config, registry, log_writer);
  if (Status st = runtime.start(); !st.is_ok()) {
    log->error("Start-up failed", {{"err", st.message()}});
    return 1;
  }
  runtime.run();
  return 0;
}

}  // namespace mpf::core
