#include "core/registry/plugin_registry.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/registry/abi_check.h"

namespace mpf::core {

namespace {

// Wraps a plugin-made object so that the library outlives it: the deleter owns a reference.
template <class T>
std::shared_ptr<T> keep_library_alive(std::unique_ptr<T> object, const PluginLibraryPtr& library) {
  if (!library) return std::shared_ptr<T>(std::move(object));
  return std::shared_ptr<T>(object.release(), [library](T* p) { delete p; });
}

template <class T, class Factory>
Result<std::shared_ptr<T>> create(const RegisteredPlugin* plugin, PluginKind kind, std::string_view name,
                                  Factory PluginDescriptor::*factory, const ConfigValue& options,
                                  std::string_view path, PluginContext& context) {
  if (plugin == nullptr) {
    return Status::invalid_argument(std::string(path) + ": no " + plugin_kind_name(kind) + " plugin named \"" +
                                    std::string(name) + "\"");
  }
  auto made = (plugin->descriptor->*factory)(options, path, context);
  if (!made) return made.status();
  if (!*made) {
    return Status::permanent(std::string(path) + ": plugin \"" + std::string(name) + "\" returned no instance");
  }
  return keep_library_alive<T>(std::move(made).value(), plugin->library);
}

int kind_order(PluginKind kind) { return static_cast<int>(kind); }

}  // namespace

Status PluginRegistry::add(RegisteredPlugin plugin) {
  const PluginDescriptor& d = *plugin.descriptor;
  if (const RegisteredPlugin* existing = find(d.kind, d.name)) {
    return Status::permanent(std::string(plugin_kind_name(d.kind)) + " plugin \"" + d.name + "\" from " + plugin.origin +
                             " is already registered from " + existing->origin);
  }
  plugins_.push_back(std::move(plugin));
  return Status::ok();
}

Status PluginRegistry::add_builtin(const PluginDescriptor& descriptor) {
  if (Status st = check_descriptor(descriptor, std::string("builtin ") + descriptor.name); !st.is_ok()) return st;
  return add(RegisteredPlugin{&descriptor, "builtin", nullptr});
}

Status PluginRegistry::load_file(const std::string& path) {
  auto library = PluginLibrary::open(path);
  if (!library) return library.status();
  PluginLibraryPtr lib = std::move(library).value();
  const PluginDescriptor* descriptor = &lib->descriptor();
  return add(RegisteredPlugin{descriptor, path, std::move(lib)});
}

Status PluginRegistry::load_directory(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".so" && it->is_regular_file()) files.push_back(it->path().string());
  }
  if (ec) return Status::permanent("plugin directory " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::string errors;
  for (const auto& file : files) {
    if (Status st = load_file(file); !st.is_ok()) errors += (errors.empty() ? "" : "\n") + st.message();
  }
  return errors.empty() ? Status::ok() : Status::permanent(errors);
}

const RegisteredPlugin* PluginRegistry::find(PluginKind kind, std::string_view name) const {
  for (const auto& p : plugins_) {
    if (p.descriptor->kind == kind && name == p.descriptor->name) return &p;
  }
  return nullptr;
}

std::vector<const RegisteredPlugin*> PluginRegistry::plugins() const {
  std::vector<const RegisteredPlugin*> out;
  for (const auto& p : plugins_) out.push_back(&p);
  std::sort(out.begin(), out.end(), [](const RegisteredPlugin* a, const RegisteredPlugin* b) {
    if (a->descriptor->kind != b->descriptor->kind) return kind_order(a->descriptor->kind) < kind_order(b->descriptor->kind);
    return std::string_view(a->descriptor->name) < std::string_view(b->descriptor->name);
  });
  return out;
}

Result<std::shared_ptr<Source>> PluginRegistry::create_source(std::string_view plugin, const ConfigValue& options,
                                                              std::string_view path, PluginContext& context) const {
  return create<Source>(find(PluginKind::kSource, plugin), PluginKind::kSource, plugin,
                        &PluginDescriptor::create_source, options, path, context);
}

Result<std::shared_ptr<Processor>> PluginRegistry::create_processor(std::string_view plugin,
                                                                    const ConfigValue& options,
                                                                    std::string_view path,
                                                                    PluginContext& context) const {
  return create<Processor>(find(PluginKind::kProcessor, plugin), PluginKind::kProcessor, plugin,
                           &PluginDescriptor::create_processor, options, path, context);
}

Result<std::shared_ptr<Sink>> PluginRegistry::create_sink(std::string_view plugin, const ConfigValue& options,
                                                          std::string_view path, PluginContext& context) const {
  return create<Sink>(find(PluginKind::kSink, plugin), PluginKind::kSink, plugin, &PluginDescriptor::create_sink,
                      options, path, context);
}

std::string format_plugin_list(const PluginRegistry& registry) {
  auto list = registry.plugins();
  std::size_t name_width = 4, version_width = 7;
  for (const auto* p : list) {
    name_width = std::max(name_width, std::string_view(p->descriptor->name).size());
    version_width = std::max(version_width, std::string_view(p->descriptor->version).size());
  }
  std::ostringstream out;
  auto pad = [](std::string_view s, std::size_t width) {
    std::string r(s);
    r.resize(std::max(width, s.size()), ' ');
    return r;
  };
  out << pad("KIND", 10) << "  " << pad("NAME", name_width) << "  " << pad("VERSION", version_width) << "  "
      << "ORIGIN\n";
  for (const auto* p : list) {
    out << pad(plugin_kind_name(p->descriptor->kind), 10) << "  " << pad(p->descriptor->name, name_width) << "  "
        << pad(p->descriptor->version, version_width) << "  " << p->origin << "\n";
  }
  return out.str();
}

}  // namespace mpf::core
