#pragma once

#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "mpf/sdk/plugin.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

/// A plugin shared object loaded with Boost.DLL. It is unloaded only when the last shared_ptr to it
/// goes away; every plugin instance created from it holds one, so code is never unmapped under a
/// live object.
class PluginLibrary {
 public:
  /// Loads `path`, reads its ABI info, refuses a mismatch (naming both versions), then enters the
  /// versioned entry point and checks the descriptor. Never throws.
  static Result<std::shared_ptr<PluginLibrary>> open(const std::string& path);

  const std::string& path() const { return path_; }
  const PluginDescriptor& descriptor() const { return *descriptor_; }

  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

 private:
  PluginLibrary() = default;

  std::string path_;
  boost::dll::shared_library library_;
  const PluginDescriptor* descriptor_ = nullptr;
};

using PluginLibraryPtr = std::shared_ptr<PluginLibrary>;

}  // namespace mpf::core
