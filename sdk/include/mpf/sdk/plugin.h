#pragma once

/// @file
/// The plugin descriptor and the macros that define a plugin's entry point.
///
/// A plugin is one folder with one entry point. The same source builds two ways:
///  - built in (the CMake helper defines MPF_PLUGIN_STATIC): the macro defines
///    `mpf_builtin_plugin_<id>()`, which the host's generated registration list calls; no static
///    initialisers, so nothing is dropped from static archives;
///  - as a shared object loaded at run time: the macro defines two C symbols:
///    `mpf_plugin_abi_info` (a plain C struct that never changes layout, read first so that a
///    mismatch can be reported with both versions) and `mpf_plugin_v<ABI>` (the descriptor; the ABI
///    version is part of the symbol so a mismatched plugin cannot be entered by accident).
///
/// Usage, at the end of the plugin's plugin.cpp:
///
///   MPF_SINK_PLUGIN(hello_sink, "0.1.0", "Appends one line per snapshot to a file.",
///                   mpf::sinks::hello::options, mpf::sinks::hello::create)
///
/// where `options()` returns `const mpf::OptionSet<Config>&` and
/// `create(const Config&, mpf::PluginContext&)` returns `mpf::Result<mpf::SinkPtr>`.

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "mpf/sdk/config_value.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/options.h"
#include "mpf/sdk/processor.h"
#include "mpf/sdk/sink.h"
#include "mpf/sdk/source.h"
#include "mpf/sdk/status.h"
#include "mpf/sdk/version.h"

/// The part of a plugin's identity that is readable whatever SDK it was built with. Never change
/// this layout; add fields only at the end and check struct_size.
extern "C" struct MpfPluginAbiInfo {
  std::uint32_t struct_size;
  std::uint32_t abi_version;
  const char* toolchain;
  const char* name;
  const char* plugin_version;
  const char* kind;
};

/// Name of the C symbol returning `const MpfPluginAbiInfo*`.
#define MPF_PLUGIN_ABI_INFO_SYMBOL "mpf_plugin_abi_info"
#define MPF_PLUGIN_ENTRY_CONCAT_INNER(a, b) a##b
#define MPF_PLUGIN_ENTRY_CONCAT(a, b) MPF_PLUGIN_ENTRY_CONCAT_INNER(a, b)
/// The versioned C symbol returning `const mpf::PluginDescriptor*`.
#define MPF_PLUGIN_ENTRY MPF_PLUGIN_ENTRY_CONCAT(mpf_plugin_v, MPF_SDK_ABI_VERSION)
#define MPF_PLUGIN_ENTRY_SYMBOL "mpf_plugin_v" MPF_SDK_STRINGIFY(MPF_SDK_ABI_VERSION)

#if defined(_WIN32)
#define MPF_PLUGIN_EXPORT __declspec(dllexport)
#else
#define MPF_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

namespace mpf {

enum class PluginKind : std::uint8_t { kSource, kProcessor, kSink };

inline const char* plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::kSource: return "source";
    case PluginKind::kProcessor: return "processor";
    case PluginKind::kSink: return "sink";
  }
  return "unknown";
}

/// Factories receive the plugin's options map (already validated by the host against `options`),
/// its YAML path for messages, and the context. They never throw.
using SourceFactory = Result<SourcePtr> (*)(const ConfigValue& options, std::string_view path,
                                           PluginContext& context) noexcept;
using ProcessorFactory = Result<ProcessorPtr> (*)(const ConfigValue& options, std::string_view path,
                                                 PluginContext& context) noexcept;
using SinkFactory = Result<SinkPtr> (*)(const ConfigValue& options, std::string_view path,
                                       PluginContext& context) noexcept;

/// Everything the host knows about a plugin. Lives as long as the plugin's code is loaded.
struct PluginDescriptor {
  PluginKind kind = PluginKind::kSource;
  const char* name = "";
  const char* version = "";
  const char* description = "";
  std::uint32_t abi_version = MPF_SDK_ABI_VERSION;
  const char* toolchain = MPF_SDK_TOOLCHAIN_TAG;
  /// The declared options (from the plugin's OptionSet).
  const std::vector<OptionSpec>* options = nullptr;
  /// Exactly the factory matching `kind` is set.
  SourceFactory create_source = nullptr;
  ProcessorFactory create_processor = nullptr;
  SinkFactory create_sink = nullptr;
};

namespace detail {

/// Binds the options and calls the plugin's typed factory, turning any escaping exception into a
/// Status so that nothing crosses the boundary.
template <class Made, class Cfg, class Factory>
Result<Made> bind_and_create(const OptionSet<Cfg>& options, Factory factory, const ConfigValue& value,
                             std::string_view path, std::string_view plugin, PluginContext& context) noexcept {
  try {
    Result<Cfg> cfg = options.bind(value, path, plugin);
    if (!cfg) return cfg.status();
    return factory(*cfg, context);
  } catch (const std::exception& e) {
    return Status::permanent(std::string(plugin) + ": creating the plugin failed: " + e.what());
  } catch (...) {
    return Status::permanent(std::string(plugin) + ": creating the plugin failed with an unknown exception");
  }
}

}  // namespace detail
}  // namespace mpf

// ---- entry-point macros ----

#define MPF_PLUGIN_DESCRIPTOR_BODY_(id, kind_enum, factory_field, made_type, version_str, description_str, \
                                    options_fn, factory_fn)                                               \
  static const ::mpf::PluginDescriptor descriptor = [] {                                                  \
    ::mpf::PluginDescriptor d;                                                                            \
    d.kind = kind_enum;                                                                                   \
    d.name = #id;                                                                                         \
    d.version = version_str;                                                                              \
    d.description = description_str;                                                                      \
    d.options = &(options_fn)().specs();                                                                  \
    d.factory_field = [](const ::mpf::ConfigValue& value, std::string_view path,                          \
                         ::mpf::PluginContext& context) noexcept -> ::mpf::Result<made_type> {            \
      return ::mpf::detail::bind_and_create<made_type>((options_fn)(), factory_fn, value, path, #id,     \
                                                       context);                                          \
    };                                                                                                    \
    return d;                                                                                             \
  }();                                                                                                    \
  return descriptor;

#if defined(MPF_PLUGIN_STATIC)
#define MPF_PLUGIN_DEFINE_(id, kind_enum, kind_str, factory_field, made_type, version_str, description_str,     \
                           options_fn, factory_fn)                                                            \
  const ::mpf::PluginDescriptor& mpf_builtin_plugin_##id() {                                                  \
    MPF_PLUGIN_DESCRIPTOR_BODY_(id, kind_enum, factory_field, made_type, version_str, description_str,         \
                                options_fn, factory_fn)                                                       \
  }
#else
#define MPF_PLUGIN_DEFINE_(id, kind_enum, kind_str, factory_field, made_type, version_str, description_str,     \
                           options_fn, factory_fn)                                                            \
  static const ::mpf::PluginDescriptor& mpf_plugin_descriptor_() {                                            \
    MPF_PLUGIN_DESCRIPTOR_BODY_(id, kind_enum, factory_field, made_type, version_str, description_str,         \
                                options_fn, factory_fn)                                                       \
  }                                                                                                           \
  extern "C" MPF_PLUGIN_EXPORT const ::MpfPluginAbiInfo* mpf_plugin_abi_info() {                              \
    static const ::MpfPluginAbiInfo info{sizeof(::MpfPluginAbiInfo), MPF_SDK_ABI_VERSION,                     \
                                         MPF_SDK_TOOLCHAIN_TAG,       #id,                                    \
                                         version_str,                 kind_str};                              \
    return &info;                                                                                             \
  }                                                                                                           \
  extern "C" MPF_PLUGIN_EXPORT const ::mpf::PluginDescriptor* MPF_PLUGIN_ENTRY() {                            \
    return &mpf_plugin_descriptor_();                                                                         \
  }
#endif

/// Defines a source plugin. `id` is the plugin's name (an identifier) as used under `sources:`.
#define MPF_SOURCE_PLUGIN(id, version_str, description_str, options_fn, factory_fn)                          \
  MPF_PLUGIN_DEFINE_(id, ::mpf::PluginKind::kSource, "source", create_source, ::mpf::SourcePtr, version_str, \
                     description_str, options_fn, factory_fn)

/// Defines a processor plugin, used under `processors:`.
#define MPF_PROCESSOR_PLUGIN(id, version_str, description_str, options_fn, factory_fn)                     \
  MPF_PLUGIN_DEFINE_(id, ::mpf::PluginKind::kProcessor, "processor", create_processor, ::mpf::ProcessorPtr, \
                     version_str, description_str, options_fn, factory_fn)

/// Defines a sink plugin, used under `sinks:`.
#define MPF_SINK_PLUGIN(id, version_str, description_str, options_fn, factory_fn)                      \
  MPF_PLUGIN_DEFINE_(id, ::mpf::PluginKind::kSink, "sink", create_sink, ::mpf::SinkPtr, version_str, \
                     description_str, options_fn, factory_fn)
